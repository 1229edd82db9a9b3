"""Opening hours and closed days at the desk: every member reads them, the organisation's administrators
change them. Due dates, the card, SMS and agreements follow them (organizations/calendar.py)."""

from django import forms
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from organizations import calendar, details
from organizations.choices import ClosureKind, Weekday
from organizations.models import Closure, Organization
from organizations.permissions import Action, can
from organizations.selectors import organizations_for_user

from .access import errors_on_form, form_status, member_required, organization_or_404

PERIODS_PER_DAY = 2


_IN_LANGUAGE = (
    ("nl", gettext_lazy("In Dutch")),
    ("fr", gettext_lazy("In French")),
    ("en", gettext_lazy("In English")),
    ("ar", gettext_lazy("In Arabic")),
)


def _in_each_language(form: forms.Form, prefix: str, organization: Organization) -> None:
    """`<prefix>_nl` ... `<prefix>_ar`: optional wordings of one detail in each language a participant picks."""
    for code, label in _IN_LANGUAGE:
        widget = forms.TextInput(attrs={"dir": "rtl"} if code == "ar" else {})
        name = f"{prefix}_{code}"
        form.fields[name] = forms.CharField(
            label=label, max_length=255, required=False, widget=widget, initial=getattr(organization, name)
        )


class HoursForm(forms.Form):
    """Two periods per weekday (morning and afternoon, say); an empty pair is no period."""

    hours_note = forms.CharField(
        label=gettext_lazy("Note on opening hours"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Only what the weekly hours cannot say, e.g. coffee group on Wednesday at 10:00."),
    )

    NOTE_FIELDS = ("hours_note", "hours_note_nl", "hours_note_fr", "hours_note_en", "hours_note_ar")

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        existing: dict[int, list] = {}
        for row in organization.hours.all():
            existing.setdefault(row.weekday, []).append(row)
        self.days = []
        for weekday in Weekday:
            pairs = []
            for index in range(PERIODS_PER_DAY):
                rows = existing.get(weekday.value, [])
                row = rows[index] if index < len(rows) else None
                names = (f"d{weekday.value}_{index}_opens", f"d{weekday.value}_{index}_closes")
                words = {"day": weekday.label, "n": index + 1}
                for name, label, value in (
                    (names[0], _("%(day)s, period %(n)s: opens") % words, row.opens if row else None),
                    (names[1], _("%(day)s, period %(n)s: closes") % words, row.closes if row else None),
                ):
                    self.fields[name] = forms.TimeField(
                        label=label,
                        required=False,
                        initial=value,
                        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
                    )
                pairs.append(names)
            self.days.append((weekday, pairs))
        self.fields["hours_note"].initial = organization.hours_note
        _in_each_language(self, "hours_note", organization)

    def note_translations(self):
        return [self[name] for name in self.NOTE_FIELDS[1:]]

    def rows(self):
        """(weekday label, [(opens field, closes field), ...]) for the template's table."""
        return [(weekday.label, [(self[o], self[c]) for o, c in pairs]) for weekday, pairs in self.days]

    def clean(self):
        cleaned = super().clean()
        periods = []
        for weekday, pairs in self.days:
            for opens_name, closes_name in pairs:
                opens, closes = cleaned.get(opens_name), cleaned.get(closes_name)
                if opens is None and closes is None:
                    continue
                if opens is None or closes is None:
                    self.add_error(opens_name if opens is None else closes_name, _("Give both times, or neither."))
                    continue
                if closes <= opens:
                    self.add_error(closes_name, _("The closing time must be after the opening time."))
                    continue
                periods.append({"weekday": weekday.value, "opens": opens, "closes": closes, "field": opens_name})
        by_day: dict[int, list] = {}
        for period in periods:
            by_day.setdefault(period["weekday"], []).append(period)
        for day_periods in by_day.values():
            day_periods.sort(key=lambda p: p["opens"])
            for before, after in zip(day_periods, day_periods[1:], strict=False):
                if before["closes"] > after["opens"]:
                    self.add_error(after["field"], _("Two periods of this day overlap."))
        cleaned["periods"] = [{k: v for k, v in p.items() if k != "field"} for p in periods]
        return cleaned


class DetailsForm(forms.Form):
    """The address as on the door, its wording per language a participant can choose, and the logo."""

    address = forms.CharField(
        label=gettext_lazy("Address"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("As on the door; used in every language that has no wording of its own."),
    )
    logo = forms.FileField(
        label=gettext_lazy("Logo"),
        required=False,
        help_text=gettext_lazy("PNG, JPEG or WebP; made small (at most 5 KB) for the loan card."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/png,image/jpeg,image/webp,image/gif"}),
    )
    logo_remove = forms.BooleanField(label=gettext_lazy("Remove the logo"), required=False)
    ADDRESS_FIELDS = ("address", "address_nl", "address_fr", "address_en", "address_ar")

    def __init__(self, *args, organization: Organization, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["address"].initial = organization.address
        _in_each_language(self, "address", organization)
        # The plain file input: the "currently"/"clear" parts of ClearableFileInput are for model files.
        self.fields["logo"].widget = forms.FileInput(attrs=self.fields["logo"].widget.attrs)

    def translations(self):
        return [self[name] for name in self.ADDRESS_FIELDS[1:]]


class ClosureForm(forms.Form):
    starts_on = forms.DateField(label=gettext_lazy("From"), widget=forms.DateInput(attrs={"type": "date"}))
    ends_on = forms.DateField(
        label=gettext_lazy("To (included)"),
        required=False,
        help_text=gettext_lazy("Empty: one day."),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    reason = forms.CharField(label=gettext_lazy("Reason"), max_length=120, required=False)

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and not ends_on:
            cleaned["ends_on"] = starts_on
        return cleaned


def _url(organization: Organization) -> str:
    return f"{reverse('frontend:hours')}?organization={organization.pk}"


def _page(request, organization, *, hours_form=None, closure_form=None, details_form=None, status=200):
    may_manage = can(request.user, organization.pk, Action.MANAGE)
    today = timezone.localdate()
    return render(
        request,
        "frontend/desk/hours/hours.html",
        {
            "active": "hours",
            "organization": organization,
            "organizations": organizations_for_user(request.user).order_by("name"),
            "may_manage": may_manage,
            "hours_form": hours_form or HoursForm(organization=organization),
            "closure_form": closure_form or ClosureForm(),
            "details_form": details_form or DetailsForm(organization=organization),
            "logo": details.logo_data_uri(organization),
            "closures": Closure.objects.filter(organization=organization, ends_on__gte=today).order_by("starts_on"),
            "week_text": calendar.opening_hours_text(organization),
            "next_years": [today.year, today.year + 1],
        },
        status=status,
    )


@member_required
def hours(request: HttpRequest) -> HttpResponse:
    organization = organization_or_404(request)
    if request.method != "POST":
        return _page(request, organization)
    if not can(request.user, organization.pk, Action.MANAGE):
        return render(request, "frontend/desk/not_member.html", status=403)
    form = HoursForm(request.POST, organization=organization)
    if form.is_valid():
        try:
            with transaction.atomic():
                calendar.opening_hours_set(organization=organization, periods=form.cleaned_data["periods"])
                for name in HoursForm.NOTE_FIELDS:
                    setattr(organization, name, form.cleaned_data[name])
                organization.save(update_fields=list(HoursForm.NOTE_FIELDS))
        except DomainError as error:
            errors_on_form(form, error)
        else:
            messages.success(request, _("The opening hours are saved."))
            return redirect(_url(organization))
    return _page(request, organization, hours_form=form, status=form_status(request))


@require_POST
@member_required
def details_save(request: HttpRequest) -> HttpResponse:
    """The address per language and the logo, in one step; a bad picture writes nothing."""
    organization = organization_or_404(request)
    if not can(request.user, organization.pk, Action.MANAGE):
        return render(request, "frontend/desk/not_member.html", status=403)
    form = DetailsForm(request.POST, request.FILES, organization=organization)
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                for name in DetailsForm.ADDRESS_FIELDS:
                    setattr(organization, name, data[name])
                organization.save(update_fields=list(DetailsForm.ADDRESS_FIELDS))
                if data["logo"]:
                    details.logo_set(organization=organization, upload=data["logo"], by=request.user)
                elif data["logo_remove"]:
                    details.logo_remove(organization=organization)
        except DomainError as error:
            errors_on_form(form, error)
        else:
            messages.success(request, _("The address and logo are saved."))
            return redirect(_url(organization))
    return _page(request, organization, details_form=form, status=400)


@require_POST
@member_required
def closure_add(request: HttpRequest) -> HttpResponse:
    organization = organization_or_404(request)
    if not can(request.user, organization.pk, Action.MANAGE):
        return render(request, "frontend/desk/not_member.html", status=403)
    form = ClosureForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            calendar.closure_validate(starts_on=data["starts_on"], ends_on=data["ends_on"])
        except DomainError as error:
            errors_on_form(form, error)
        else:
            Closure.objects.create(
                organization=organization,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                kind=ClosureKind.OWN,
                reason=data["reason"],
            )
            messages.success(request, _("The closed days are added."))
            return redirect(_url(organization))
    return _page(request, organization, closure_form=form, status=400)


@require_POST
@member_required
def closure_remove(request: HttpRequest, closure_id: int) -> HttpResponse:
    closure = Closure.objects.filter(pk=closure_id, organization__in=organizations_for_user(request.user)).first()
    if closure is None:
        raise Http404
    if not can(request.user, closure.organization_id, Action.MANAGE):
        return render(request, "frontend/desk/not_member.html", status=403)
    closure.delete()  # not a ledger: a closure removed is a day the organisation opens after all
    messages.success(request, _("The closed days are removed: that day is an opening day again."))
    return redirect(_url(closure.organization))


@require_POST
@member_required
def public_holidays(request: HttpRequest) -> HttpResponse:
    organization = organization_or_404(request)
    if not can(request.user, organization.pk, Action.MANAGE):
        return render(request, "frontend/desk/not_member.html", status=403)
    year = request.POST.get("year", "")
    this_year = timezone.localdate().year
    if not year.isdigit() or not this_year - 1 <= int(year) <= this_year + 2:
        messages.error(request, _("Choose a year."))
        return redirect(_url(organization))
    added = calendar.public_holidays_fill(organization=organization, years=[int(year)], only_new=False)
    messages.success(request, _("%(count)s public holidays added for %(year)s.") % {"count": added, "year": year})
    return redirect(_url(organization))
