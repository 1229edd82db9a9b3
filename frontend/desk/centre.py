"""Computers in the centre at the desk: which devices for use on site are free now, a session started for a
participant (found by name, reference or phone) or for a visitor without a file (age band and gender only),
ended by hand or at its set length; past the daily limit the desk says so and staff may start it anyway
with a reason. The organisation's administrators set the session length and the daily limit here.
The rules are loans.services.centre's."""

from django import forms
from django.contrib import messages
from django.db.models import Count, Prefetch, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from core.errors import DomainError
from inventory.choices import DeviceStatus
from inventory.selectors import devices_for_user
from inventory.services import device_centre_use_set
from loans.models import CentreSession
from loans.services import (
    centre_session_end,
    centre_session_start,
    local_day,
    session_limit_message,
)
from organizations.choices import AgeBand, Gender
from organizations.models import Organization
from organizations.permissions import Action, can
from organizations.selectors import organizations_for_user, participants_for_user

from .. import selectors
from ..forms import ParticipantSearchForm, writable_organization_ids
from .access import errors_on_form, form_status, member_required, organization_or_404

RESULTS_SHOWN = 10


class RulesForm(forms.ModelForm):
    class Meta:
        model = Organization
        fields = ["session_minutes", "sessions_per_day"]


class VisitorForm(forms.Form):
    visitor_age_band = forms.ChoiceField(
        label=gettext_lazy("Age band"), choices=[("", gettext_lazy("Not asked")), *AgeBand.choices], required=False
    )
    visitor_gender = forms.ChoiceField(
        label=gettext_lazy("Gender"), choices=[("", gettext_lazy("Not asked")), *Gender.choices], required=False
    )


class ParticipantStartForm(forms.Form):
    participant = forms.IntegerField(widget=forms.HiddenInput)
    override_reason = forms.CharField(
        label=gettext_lazy("Why start it anyway?"),
        max_length=255,
        required=False,
        help_text=gettext_lazy("Only past the daily limit; kept with the session."),
    )


def _url(organization: Organization) -> str:
    return f"{reverse('frontend:centre')}?organization={organization.pk}"


def _centre_devices(request, organization: Organization):
    """The organisation's devices for use in the centre, each with its running session (if any)."""
    now = timezone.now()
    running = CentreSession.objects.running(now).select_related("participant")
    return list(
        devices_for_user(request.user)
        .filter(organization=organization, centre_use=True)
        .exclude(status__in=[DeviceStatus.RETIRED, DeviceStatus.RECYCLED, DeviceStatus.GIVEN_AWAY])
        .prefetch_related(Prefetch("centre_sessions", queryset=running, to_attr="running"))
        .order_by("asset_tag")
    )


@member_required
def centre(request: HttpRequest) -> HttpResponse:
    return _page(request, organization_or_404(request))


def _page(request, organization: Organization, *, rules_form=None, status: int = 200) -> HttpResponse:
    # a session past its set length is not `running`, whether or not the beat task has closed it yet
    devices = _centre_devices(request, organization)
    for device in devices:
        device.session = device.running[0] if device.running else None
        device.free = device.session is None and device.status == DeviceStatus.AVAILABLE
    today = local_day(organization, timezone.now())
    figures = CentreSession.objects.filter(organization=organization, day=today).aggregate(
        sessions=Count("id"),
        participants=Count("participant_id", distinct=True),
        visitors=Count("id", filter=Q(participant__isnull=True)),
    )
    return render(
        request,
        "frontend/desk/centre/centre.html",
        {
            "active": "centre",
            "organization": organization,
            "organizations": organizations_for_user(request.user).order_by("name"),
            "devices": devices,
            "free_count": sum(1 for device in devices if device.free),
            "figures": figures,
            "may_manage": can(request.user, organization.pk, Action.MANAGE),
            "may_change": can(request.user, organization.pk, Action.CHANGE),
            "rules_form": rules_form or RulesForm(instance=organization),
        },
        status=status,
    )


@require_POST
@member_required
def centre_rules(request: HttpRequest) -> HttpResponse:
    organization = organization_or_404(request)
    if not can(request.user, organization.pk, Action.MANAGE):
        raise Http404
    form = RulesForm(request.POST, instance=Organization.objects.get(pk=organization.pk))
    if not form.is_valid():
        return _page(request, organization, rules_form=form, status=400)
    form.save()
    messages.success(request, _("The session rules are saved."))
    return redirect(_url(organization))


def _device_or_404(request, device_id: int, action: Action = Action.CHANGE):
    device = devices_for_user(request.user).select_related("organization").filter(pk=device_id).first()
    if device is None or not can(request.user, device.organization_id, action):
        raise Http404
    return device


@member_required
def session_start(request: HttpRequest, device_id: int) -> HttpResponse:
    """Start a session on one device: for a participant found by the search, or for a visitor without a file."""
    device = _device_or_404(request, device_id)
    organization = device.organization
    search = ParticipantSearchForm(request.GET or None)
    participant_form = ParticipantStartForm(request.POST if "participant" in request.POST else None)
    visitor_form = VisitorForm(request.POST if request.method == "POST" and "participant" not in request.POST else None)
    chosen, over_limit = None, None
    if request.method == "POST":
        form = participant_form if participant_form.is_bound else visitor_form
        if form.is_valid():
            kwargs = dict(form.cleaned_data)
            if form is participant_form:
                chosen = (
                    participants_for_user(request.user)
                    .filter(pk=kwargs.pop("participant"), organization=organization, is_active=True)
                    .first()
                )
                if chosen is None:
                    form.add_error(None, _("This participant is not one of this organisation's."))
                kwargs["participant"] = chosen
            if form.is_valid():
                try:
                    session = centre_session_start(organization=organization, device=device, by=request.user, **kwargs)
                except DomainError as error:
                    if error.code == "session_limit_reached":
                        over_limit = error.message
                        if "override_reason" in request.POST:  # "start it anyway" without saying why
                            form.add_error("override_reason", _("Say why it is started anyway."))
                    else:
                        errors_on_form(form, error)
                else:
                    who = session.participant.display_name if session.participant else _("a visitor")
                    messages.success(
                        request,
                        _("%(tag)s: session for %(who)s until %(time)s.")
                        % {
                            "tag": device.asset_tag,
                            "who": who,
                            "time": timezone.localtime(session.ends_at).strftime("%H:%M"),
                        },
                    )
                    return redirect(_url(organization))
    results = []
    if search.is_valid() and search.cleaned_data["q"]:
        results = list(
            selectors.desk_participants(request.user, search.cleaned_data["q"]).filter(organization=organization)[
                :RESULTS_SHOWN
            ]
        )
        limit = organization.sessions_per_day
        used = dict(
            CentreSession.objects.filter(
                organization=organization,
                participant__in=results,
                day=local_day(organization, timezone.now()),
            )
            .values("participant_id")
            .annotate(n=Count("id"))
            .values_list("participant_id", "n")
        )
        for participant in results:
            participant.used_today = used.get(participant.pk, 0)
            participant.over_limit = bool(limit and participant.used_today >= limit)
            if participant.over_limit:
                participant.limit_message = session_limit_message(participant, participant.used_today)
    status = 200
    if request.method == "POST":
        status = 409 if over_limit else form_status(request)
    return render(
        request,
        "frontend/desk/centre/start.html",
        {
            "active": "centre",
            "device": device,
            "organization": organization,
            "search": search,
            "results": results,
            "participant_form": participant_form,
            "visitor_form": visitor_form,
            "chosen": chosen,
            "over_limit": over_limit,
        },
        status=status,
    )


@require_POST
@member_required
def session_end(request: HttpRequest, session_id: int) -> HttpResponse:
    sessions = CentreSession.objects.select_related("device", "organization")
    org_ids = writable_organization_ids(request.user)  # None: a superuser, every organisation
    if org_ids is not None:
        sessions = sessions.filter(organization_id__in=org_ids)
    session = sessions.filter(pk=session_id).first()
    if session is None:
        raise Http404
    if centre_session_end(session=session):
        messages.success(request, _("%(tag)s is free again.") % {"tag": session.device.asset_tag})
    else:
        messages.info(request, _("That session had already ended."))
    return redirect(_url(session.organization))


@require_POST
@member_required
def device_centre_use(request: HttpRequest, device_id: int) -> HttpResponse:
    """Mark a device for use in the centre, or lift the mark (from the device's page)."""
    device = _device_or_404(request, device_id)
    value = request.POST.get("centre_use")
    if value not in ("0", "1"):
        messages.error(request, _("Choose whether the device is for use in the centre."))
        return redirect("frontend:device", device_id=device.pk)
    device_centre_use_set(device=device, centre_use=value == "1", by=request.user)
    messages.success(
        request,
        _("%(tag)s is now for use in the centre.") % {"tag": device.asset_tag}
        if value == "1"
        else _("%(tag)s can be lent again.") % {"tag": device.asset_tag},
    )
    return redirect("frontend:device", device_id=device.pk)
