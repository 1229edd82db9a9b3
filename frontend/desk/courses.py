"""A whole course in one screen: its participants, devices held for it, lending one device to each person in a
single submit (all or nothing), one PDF with every agreement, and taking the devices back at the end."""

import io

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from inventory.choices import DeviceKind
from loans import documents
from loans.choices import PeriodKind
from loans.models import CohortReservation, LoanPolicy
from loans.services import (
    GroupError,
    GroupRow,
    card_reveal_record,
    cohort_checkout,
    cohort_member_add,
    cohort_member_remove,
    cohort_open_loans,
    cohort_reservation_create,
    cohort_reservation_release,
    cohort_return,
)
from organizations.models import Participant
from organizations.permissions import Action, can
from organizations.selectors import participants_for_user
from organizations.services import participant_create
from privacy.choices import ConsentChannel

from .. import selectors
from ..forms import find_device, split_tags
from .access import errors_on_form, form_status, member_required, pdf_response

NEW_ROWS = 2  # blank rows for people who are not yet in the course


def _course_or_404(request, cohort_id: int, action: Action = Action.VIEW):
    cohort = selectors.desk_course(request.user, cohort_id)
    if cohort is None or not can(request.user, cohort.organization_id, action):
        raise Http404
    return cohort


# --- forms -----------------------------------------------------------------------------------------


class NewPersonForm(forms.ModelForm):
    """A person added to the course on the group checkout, with the device they get."""

    device = forms.CharField(label=gettext_lazy("Device tag or scanned label"), max_length=200, required=False)

    class Meta:
        model = Participant
        fields = ["display_name", "phone", "preferred_language", "sms_consent"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, empty_permitted=True, use_required_attribute=False, **kwargs)

    def has_changed(self):
        """A blank row (no name, phone or device typed) is skipped, whatever its language and consent say."""
        return any((self.data.get(self.add_prefix(name)) or "").strip() for name in ("display_name", "phone", "device"))


class GroupCheckoutForm(forms.Form):
    """The policy, and one device field per member (`device_<participant id>`); an empty one lends nothing."""

    policy = forms.ModelChoiceField(label=gettext_lazy("Loan policy"), queryset=LoanPolicy.objects.none())
    agreement_signed = forms.BooleanField(
        label=gettext_lazy("Everyone signed the agreement"),
        required=False,
        help_text=gettext_lazy("Required by a policy marked “signed agreement required”."),
    )

    def __init__(self, *args, cohort, members, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.cohort, self.user, self.members = cohort, user, members
        policies = LoanPolicy.objects.filter(organization_id=cohort.organization_id, is_active=True).order_by("name")
        self.fields["policy"].queryset = policies
        self.fields["policy"].empty_label = _("Choose a policy")
        course_policy = next((p for p in policies if p.period_kind == PeriodKind.COHORT), None)
        if course_policy is not None:
            self.fields["policy"].initial = course_policy.pk
        self.rows = []
        for member in members:
            name = f"device_{member.participant_id}"
            self.fields[name] = forms.CharField(
                label=member.participant.display_name, max_length=200, required=False, disabled=bool(member.course_loan)
            )
            self.rows.append((member, name))
        self.devices: dict[str, object] = {}

    def clean(self):
        data = super().clean()
        for _member, name in self.rows:
            if not self.fields[name].disabled:
                self.devices[name] = _device_of_row(self, name, self.user, self.cohort)
        return data


def _device_of_row(form, name: str, user, cohort):
    """The device a row names (tag or scanned label), or None when left empty; an error on that row otherwise."""
    text = (form.cleaned_data.get(name) or "").strip()
    if not text:
        return None
    if len(split_tags(text)) > 1:
        form.add_error(name, _("One device per person."))
        return None
    device = find_device(user, text)
    if device is None or device.organization_id != cohort.organization_id:
        form.add_error(name, _("No device “%(tag)s” in your organisation.") % {"tag": text})
        return None
    return device


class ReturnForm(forms.Form):
    tags = forms.CharField(
        label=gettext_lazy("Or scan the devices"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Tags or scanned labels, separated by spaces."),
    )


class HoldForm(forms.Form):
    device_kind = forms.ChoiceField(label=gettext_lazy("Device kind"), choices=[("", "---------"), *DeviceKind.choices])
    quantity = forms.IntegerField(label=gettext_lazy("How many"), min_value=1, max_value=500)


class MemberAddForm(forms.Form):
    q = forms.CharField(label=gettext_lazy("Add a registered participant (name, reference or phone)"), max_length=80)


# --- pages -----------------------------------------------------------------------------------------


@member_required
def courses(request: HttpRequest) -> HttpResponse:
    """The courses; `?course=<id>` (the course picker of the group checkout) opens that course's lending."""
    chosen = request.GET.get("course", "")
    if chosen.isdigit():
        return redirect("frontend:course-checkout", cohort_id=_course_or_404(request, int(chosen)).pk)
    return render(
        request,
        "frontend/desk/courses/courses.html",
        {"courses": list(selectors.desk_courses(request.user)[: selectors.LIST_LIMIT]), "active": "courses"},
    )


def _course_page(request, cohort, *, hold_form=None, member_form=None, status=200):
    return render(
        request,
        "frontend/desk/courses/course.html",
        {
            "cohort": cohort,
            "members": selectors.desk_course_members(cohort),
            "reservations": selectors.desk_course_reservations(cohort),
            "hold_form": hold_form or HoldForm(),
            "member_form": member_form or MemberAddForm(),
            "may_change": can(request.user, cohort.organization_id, Action.CHANGE),
            "printed": request.GET.get("printed", ""),
            "active": "courses",
        },
        status=status,
    )


@member_required
def course_detail(request: HttpRequest, cohort_id: int) -> HttpResponse:
    return _course_page(request, _course_or_404(request, cohort_id))


@require_POST
@member_required
def course_member_add(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _course_or_404(request, cohort_id, Action.CHANGE)
    form = MemberAddForm(request.POST)
    if form.is_valid():
        query = form.cleaned_data["q"]
        found = list(selectors.desk_participants(request.user, query).filter(organization=cohort.organization)[:2])
        if len(found) == 1:
            cohort_member_add(cohort=cohort, participant=found[0], by=request.user)
            messages.success(request, _("%(name)s is in the course.") % {"name": found[0].display_name})
            return redirect("frontend:course", cohort_id=cohort.pk)
        form.add_error("q", _("Nobody matches.") if not found else _("Several people match: be more precise."))
    return _course_page(request, cohort, member_form=form, status=400)


@require_POST
@member_required
def course_member_remove(request: HttpRequest, cohort_id: int, participant_id: int) -> HttpResponse:
    cohort = _course_or_404(request, cohort_id, Action.CHANGE)
    participant = participants_for_user(request.user).filter(pk=participant_id, organization=cohort.organization)
    participant = participant.first()
    if participant is None:
        raise Http404
    cohort_member_remove(cohort=cohort, participant=participant, by=request.user)
    messages.success(request, _("%(name)s is no longer in the course.") % {"name": participant.display_name})
    return redirect("frontend:course", cohort_id=cohort.pk)


@require_POST
@member_required
def course_hold(request: HttpRequest, cohort_id: int) -> HttpResponse:
    cohort = _course_or_404(request, cohort_id, Action.CHANGE)
    form = HoldForm(request.POST)
    if form.is_valid():
        try:
            cohort_reservation_create(cohort=cohort, by=request.user, **form.cleaned_data)
        except DomainError as error:
            errors_on_form(form, error)
        else:
            messages.success(request, _("The devices are held for the course."))
            return redirect("frontend:course", cohort_id=cohort.pk)
    return _course_page(request, cohort, hold_form=form, status=400)


@require_POST
@member_required
def course_hold_release(request: HttpRequest, cohort_id: int, reservation_id: int) -> HttpResponse:
    cohort = _course_or_404(request, cohort_id, Action.CHANGE)
    reservation = CohortReservation.objects.filter(pk=reservation_id, cohort=cohort).first()
    if reservation is None:
        raise Http404
    cohort_reservation_release(reservation=reservation, by=request.user)
    messages.success(request, _("The devices are no longer held."))
    return redirect("frontend:course", cohort_id=cohort.pk)


@member_required
def course_checkout(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Lend to the whole course in one submit. New people typed in the blank rows are registered and added
    to the course in the same transaction: a refusal on any row keeps nothing, and the form comes back as
    typed with the error on that row."""
    cohort = _course_or_404(request, cohort_id, Action.CHANGE)
    members = selectors.desk_course_members(cohort)
    data = request.POST or None
    form = GroupCheckoutForm(data, cohort=cohort, members=members, user=request.user)
    new_forms = [NewPersonForm(data, prefix=f"new{i}") for i in range(NEW_ROWS)]
    if request.method == "POST":
        valid = form.is_valid()
        new_devices = []
        for new in new_forms:
            valid = new.is_valid() and valid
            new_devices.append(_device_of_row(new, "device", request.user, cohort) if new.is_valid() else None)
        valid = valid and not any(new.errors for new in new_forms)
        if valid:
            loans = _group_checkout(request, cohort, form, new_forms, new_devices)
            if loans is not None:
                messages.success(
                    request,
                    _("%(count)s loans saved. Print the agreements and have them signed.") % {"count": len(loans)},
                )
                printed = ",".join(str(loan.pk) for loan in loans)
                return redirect(f"{reverse('frontend:course', args=[cohort.pk])}?printed={printed}")
    return render(
        request,
        "frontend/desk/courses/checkout.html",
        {
            "cohort": cohort,
            "form": form,
            "rows": [(member, form[name]) for member, name in form.rows],
            "new_forms": new_forms,
            "courses": list(selectors.desk_courses(request.user).values("pk", "name")[: selectors.LIST_LIMIT]),
            "active": "courses",
        },
        status=form_status(request),
    )


def _group_checkout(request, cohort, form, new_forms, new_devices):
    """Register the new people, add them to the course and lend, in one transaction; None when refused."""
    rows_by_index = []  # (form, field) of each row passed to the service, in order
    try:
        with transaction.atomic():
            rows = []
            for member, name in form.rows:
                if name in form.devices:
                    rows.append(GroupRow(member.participant, form.devices[name]))
                    rows_by_index.append((form, name))
            for new, device in zip(new_forms, new_devices, strict=True):
                if not new.has_changed():
                    continue
                person = participant_create(
                    organization=cohort.organization,
                    by=request.user,
                    channel=ConsentChannel.IN_PERSON,
                    **{k: v for k, v in new.cleaned_data.items() if k != "device"},
                )
                cohort_member_add(cohort=cohort, participant=person, by=request.user)
                rows.append(GroupRow(person, device))
                rows_by_index.append((new, "device"))
            return cohort_checkout(
                cohort=cohort,
                policy=form.cleaned_data["policy"],
                rows=rows,
                agreement_signed=form.cleaned_data["agreement_signed"],
                by=request.user,
            )
    except GroupError as error:
        row_form, field = rows_by_index[error.row]
        if set(error.fields) & {"policy", "agreement_signed"}:
            errors_on_form(form, error)
        else:
            row_form.add_error(field, error.message)
    except DomainError as error:
        errors_on_form(form, error)
    return None


@member_required
def course_agreements(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Every agreement of the course's open loans (or of `?loans=`), in one PDF to print."""
    from pypdf import PdfReader, PdfWriter

    cohort = _course_or_404(request, cohort_id)
    loans = list(cohort_open_loans(cohort).select_related("organization", "policy", "cohort"))
    wanted = {int(part) for part in request.GET.get("loans", "").split(",") if part.isdigit()}
    if wanted:
        loans = [loan for loan in loans if loan.pk in wanted]
    if not loans:
        raise Http404
    writer = PdfWriter()
    for loan in loans:
        writer.append(PdfReader(io.BytesIO(documents.agreement_pdf(loan))))
        if not loan.token_revoked_at:  # each agreement's QR code carries its card link: a reveal
            card_reveal_record(loan=loan, by=request.user, purpose="print", where="desk course agreements")
    out = io.BytesIO()
    writer.write(out)
    return pdf_response(out.getvalue(), f"course-{cohort.pk}-agreements.pdf")


@member_required
def course_return(request: HttpRequest, cohort_id: int) -> HttpResponse:
    """Take back the course's devices: tick them or scan them, submit once (one transaction)."""
    cohort = _course_or_404(request, cohort_id, Action.CHANGE)
    loans = list(cohort_open_loans(cohort))
    form = ReturnForm(request.POST or None)
    ticked = set(request.POST.getlist("loan")) if request.method == "POST" else set()
    if request.method == "POST" and form.is_valid():
        chosen = {loan.pk: loan for loan in loans if str(loan.pk) in ticked}
        by_device = {item.device_id: loan for loan in loans for item in loan.items.all() if item.closed_at is None}
        for tag in split_tags(form.cleaned_data["tags"]):
            device = find_device(request.user, tag)
            if device is None or device.pk not in by_device:
                form.add_error("tags", _("“%(tag)s” is not out on a loan of this course.") % {"tag": tag})
                continue
            chosen[by_device[device.pk].pk] = by_device[device.pk]
        if not form.errors:
            try:
                back = cohort_return(cohort=cohort, loans=list(chosen.values()), by=request.user)
            except DomainError as error:
                errors_on_form(form, error)
            else:
                messages.success(request, _("%(count)s loans closed.") % {"count": len(back)})
                return redirect("frontend:course", cohort_id=cohort.pk)
    return render(
        request,
        "frontend/desk/courses/return.html",
        {"cohort": cohort, "loans": loans, "form": form, "ticked": ticked, "active": "courses"},
        status=form_status(request),
    )
