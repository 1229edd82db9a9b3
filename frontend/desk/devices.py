"""Devices at the desk: the list (search and filters), one device's page (history, wipes, repairs, its
transitions, its label) and the intake of a donation in one flow (with the CSV import beside it)."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from core.errors import DomainError
from inventory.imports import ImportFileError, import_devices
from inventory.intake import donation_intake
from inventory.labels import render_labels
from inventory.services import TRANSITIONS, allowed_actions, device_transition, repair_ticket_create, wipe_record_create
from organizations.permissions import Action, can

from .. import selectors
from ..forms import writable_organization_ids
from .access import errors_on_form, member_required, pdf_response
from .device_forms import CsvImportForm, DeviceFilterForm, IntakeForm, LabelStartForm, NoteForm, RepairForm, WipeForm

PAGE_SIZE = 50


@member_required
def device_list(request: HttpRequest) -> HttpResponse:
    form = DeviceFilterForm(request.GET or None, locations=selectors.desk_device_locations(request.user))
    chosen = form.cleaned_data if form.is_valid() else {}
    queryset = selectors.desk_devices(
        request.user,
        q=chosen.get("q", "").strip(),
        status=chosen.get("status", ""),
        kind=chosen.get("kind", ""),
        location=chosen.get("location", ""),
    )
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "frontend/desk/devices/list.html",
        {"form": form, "page": page, "query": query.urlencode(), "active": "devices"},
    )


def _device_or_404(request, device_id: int, action: Action = Action.VIEW) -> dict:
    context = selectors.desk_device(request.user, device_id)
    if context is None or not can(request.user, context["device"].organization_id, action):
        raise Http404
    return context


def _device_page(request, device_id: int, *, repair_form=None, wipe_form=None, status: int = 200) -> HttpResponse:
    context = _device_or_404(request, device_id)
    device = context["device"]
    actions = [TRANSITIONS[name] for name in allowed_actions(device.status)]
    return render(
        request,
        "frontend/desk/devices/device.html",
        {
            **context,
            "actions": [t for t in actions if t.action != "send_to_repair"],
            "can_repair": "send_to_repair" in allowed_actions(device.status),
            "can_change": can(request.user, device.organization_id, Action.CHANGE),
            "repair_form": repair_form or RepairForm(),
            "wipe_form": wipe_form or WipeForm(),
            "active": "devices",
        },
        status=status,
    )


@member_required
def device_detail(request: HttpRequest, device_id: int) -> HttpResponse:
    return _device_page(request, device_id)


@require_POST
@member_required
def device_action(request: HttpRequest, device_id: int, action: str) -> HttpResponse:
    device = _device_or_404(request, device_id, Action.CHANGE)["device"]
    if action not in TRANSITIONS:
        raise Http404
    if action == "send_to_repair":
        form = RepairForm(request.POST)
        if not form.is_valid():
            return _device_page(request, device_id, repair_form=form, status=400)
        try:
            device_transition(device=device, action=action, by=request.user, note=form.cleaned_data["problem"])
            repair_ticket_create(device=device, by=request.user, **form.cleaned_data)
        except DomainError as error:
            errors_on_form(form, error)
            return _device_page(request, device_id, repair_form=form, status=400)
    else:
        form = NoteForm(request.POST)
        note = form.cleaned_data["note"] if form.is_valid() else ""
        try:
            device_transition(device=device, action=action, by=request.user, note=note)
        except DomainError as error:
            messages.error(request, error.message)
            return redirect("frontend:device", device_id=device.pk)
    messages.success(
        request, _("%(tag)s: %(action)s.") % {"tag": device.asset_tag, "action": TRANSITIONS[action].label}
    )
    return redirect("frontend:device", device_id=device.pk)


@require_POST
@member_required
def device_wipe(request: HttpRequest, device_id: int) -> HttpResponse:
    device = _device_or_404(request, device_id, Action.CHANGE)["device"]
    form = WipeForm(request.POST)
    if not form.is_valid():
        return _device_page(request, device_id, wipe_form=form, status=400)
    wipe_record_create(device=device, by=request.user, **form.cleaned_data)
    messages.success(request, _("The wipe record is saved."))
    return redirect("frontend:device", device_id=device.pk)


@member_required
def device_labels(request: HttpRequest) -> HttpResponse:
    """The label PDF of the devices given (`devices`, repeated), starting at label `start_at` of the sheet."""
    data = request.POST if request.method == "POST" else request.GET
    form = LabelStartForm(data, org_ids=writable_organization_ids(request.user))
    if not form.is_valid():
        return render(
            request, "frontend/desk/devices/labels_error.html", {"form": form, "active": "devices"}, status=400
        )
    devices = sorted(form.cleaned_data["devices"], key=lambda d: d.asset_tag)
    return pdf_response(render_labels(devices, start_at=form.cleaned_data["start_at"]), "labels.pdf")


def _intake_page(request, form, csv_form, *, report=None, status=200) -> HttpResponse:
    return render(
        request,
        "frontend/desk/devices/intake.html",
        {"form": form, "csv_form": csv_form, "report": report, "active": "devices"},
        status=status,
    )


@member_required
def intake(request: HttpRequest) -> HttpResponse:
    org_ids = writable_organization_ids(request.user)
    form = IntakeForm(request.POST or None, org_ids=org_ids)
    csv_form = CsvImportForm(org_ids=org_ids)
    if request.method == "POST":
        if form.is_valid():
            try:
                devices = donation_intake(by=request.user, **form.service_kwargs())
            except DomainError as error:
                errors_on_form(form, error)
            else:
                return render(
                    request,
                    "frontend/desk/devices/intake_done.html",
                    {
                        "devices": devices,
                        "labels_form": LabelStartForm(initial={"devices": devices}, org_ids=org_ids),
                        "active": "devices",
                    },
                )
        return _intake_page(request, form, csv_form, status=400)
    return _intake_page(request, form, csv_form)


@require_POST
@member_required
def intake_csv(request: HttpRequest) -> HttpResponse:
    org_ids = writable_organization_ids(request.user)
    csv_form = CsvImportForm(request.POST, request.FILES, org_ids=org_ids)
    report = None
    if csv_form.is_valid():
        data = csv_form.cleaned_data
        try:
            report = import_devices(
                organization=data["organization"],
                data=data["file"].read(),
                by=request.user,
                dry_run=not data["commit"],
            )
        except ImportFileError as exc:
            csv_form.add_error("file", exc.message)
        else:
            if report.ok and not report.dry_run:
                messages.success(request, _("%(count)d devices imported.") % {"count": report.created})
                return redirect("frontend:devices")
            if not report.ok:
                csv_form.add_error(
                    "file", _("%(count)d lines have errors; nothing was imported.") % {"count": len(report.errors)}
                )
    status = 400 if csv_form.errors else 200
    return _intake_page(request, IntakeForm(org_ids=org_ids), csv_form, report=report, status=status)
