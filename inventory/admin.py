from pathlib import PurePosixPath

from django import forms
from django.contrib import admin, messages
from django.http import HttpResponse
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from organizations.admin_base import ScopedInline, TenantAdmin
from organizations.models import Organization
from organizations.permissions import Action, can, organization_ids_allowing

from .imports import COLUMNS, ImportFileError, import_devices
from .labels import render_labels
from .models import Device, DeviceEvent, Donor, RepairTicket, WipeRecord
from .services import TRANSITIONS, device_create, device_transition


class DeviceInline(ScopedInline):
    """Rows shown on a device's page: allowed by the user's role in the device's organisation, like the
    device itself (the inlines' default would ask for Django model permissions that members do not have)."""

    extra = 0

    def _can(self, request, obj, action: Action) -> bool:
        if obj is None:
            return request.user.is_superuser or bool(organization_ids_allowing(request.user, action))
        return can(request.user, obj.organization_id, action)

    def has_view_permission(self, request, obj=None):
        return self._can(request, obj, Action.VIEW)

    def has_add_permission(self, request, obj=None):
        return self._can(request, obj, Action.CHANGE)

    def has_change_permission(self, request, obj=None):
        return self._can(request, obj, Action.CHANGE)

    def has_delete_permission(self, request, obj=None):
        return self._can(request, obj, Action.DELETE)


class _Certificate:
    """The uploaded certificate as the file widget links it: through the API's download, which checks the
    caller's organisations, never MEDIA_URL (media are not served: /media/... is 404)."""

    def __init__(self, file):
        self.file = file

    @property
    def url(self) -> str:
        return reverse("wipe-record-certificate", args=[self.file.instance.pk])

    def __str__(self):
        return PurePosixPath(self.file.name).name


class CertificateFileInput(forms.ClearableFileInput):
    def format_value(self, value):
        initial = super().format_value(value)
        return _Certificate(initial) if initial else initial


class CertificateLinkMixin:
    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "certificate_file":
            kwargs["widget"] = CertificateFileInput
        return super().formfield_for_dbfield(db_field, request, **kwargs)


class WipeRecordInline(CertificateLinkMixin, DeviceInline):
    model = WipeRecord
    extra = 0
    fields = ["method", "tool", "wiped_on", "operator", "certificate_reference", "certificate_file"]


class RepairTicketInline(DeviceInline):
    model = RepairTicket
    extra = 0
    fields = ["partner", "problem", "sent_on", "returned_on", "cost", "outcome"]


class DeviceEventInline(DeviceInline):
    model = DeviceEvent
    extra = 0
    can_delete = False
    fields = ["at", "action", "from_status", "to_status", "by", "note"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


def _transition_admin_action(name: str):
    transition = TRANSITIONS[name]

    def run(modeladmin, request, queryset):
        moved, refused = 0, []
        for device in queryset:
            if not can(request.user, device.organization_id, Action.CHANGE):
                refused.append(f"{device.asset_tag}: {_('Your role in this organisation does not allow this.')}")
                continue
            try:
                device_transition(device=device, action=name, by=request.user, note=str(_("Bulk action in admin")))
                moved += 1
            except DomainError as exc:
                refused.append(f"{device.asset_tag}: {exc.message}")
        if moved:
            modeladmin.message_user(request, _("%(count)d device(s) moved.") % {"count": moved}, messages.SUCCESS)
        for line in refused[:20]:
            modeladmin.message_user(request, line, messages.WARNING)

    run.__name__ = f"transition_{name}"
    run.short_description = transition.label
    return run


class ImportForm(forms.Form):
    organization = forms.ModelChoiceField(queryset=Organization.objects.none(), label=_("organisation"))
    donor = forms.ModelChoiceField(
        queryset=Donor.objects.none(), required=False, label=_("donor (for rows without one)")
    )
    file = forms.FileField(label=_("CSV file"))
    commit = forms.BooleanField(
        required=False, label=_("Import now"), help_text=_("Leave unticked for a dry run that only checks the file.")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        ids = organization_ids_allowing(user, Action.CHANGE)
        orgs = Organization.objects.all() if user.is_superuser else Organization.objects.filter(id__in=ids)
        self.fields["organization"].queryset = orgs
        self.fields["donor"].queryset = Donor.objects.filter(organization__in=orgs)
        if len(orgs) == 1:
            self.fields["organization"].initial = orgs[0].pk

    def clean(self):
        data = super().clean()
        donor, organization = data.get("donor"), data.get("organization")
        if donor and organization and donor.organization_id != organization.id:
            self.add_error("donor", _("This belongs to another organisation."))
        return data


@admin.register(Device)
class DeviceAdmin(TenantAdmin):
    list_display = ["asset_tag", "kind", "make", "model", "serial", "status", "condition", "location", "organization"]
    list_filter = ["status", "kind", "condition", "source", "organization", "grant", "donor"]
    search_fields = ["asset_tag", "serial", "make", "model"]
    list_select_related = ["organization"]
    readonly_fields = ["status", "status_changed_at", "label_code", "created_at", "updated_at"]
    autocomplete_fields = ["donor"]
    inlines = [WipeRecordInline, RepairTicketInline, DeviceEventInline]
    change_list_template = "inventory/admin/device_change_list.html"
    actions = ["print_labels", *[_transition_admin_action(name) for name in TRANSITIONS]]

    def save_model(self, request, obj, form, change):
        if change:
            super().save_model(request, obj, form, change)
        else:
            device_create(device=obj, by=request.user)

    @admin.action(description=_("Print QR labels (PDF)"))
    def print_labels(self, request, queryset):
        pdf = render_labels(queryset.select_related("organization").order_by("asset_tag"))
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = 'inline; filename="labels.pdf"'
        return response

    def get_urls(self):
        extra = [path("import/", self.admin_site.admin_view(self.import_view), name="inventory_device_import")]
        return extra + super().get_urls()

    def import_view(self, request):
        if not self.has_add_permission(request):
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        report, file_error = None, None
        if request.method == "POST":
            form = ImportForm(request.POST, request.FILES, user=request.user)
            if form.is_valid():
                data = form.cleaned_data
                try:
                    report = import_devices(
                        organization=data["organization"],
                        data=data["file"].read(),
                        by=request.user,
                        dry_run=not data["commit"],
                        donor=data["donor"],
                    )
                except ImportFileError as exc:
                    file_error = exc.message
                if report is not None and report.created:
                    self.message_user(request, _("%(count)d devices imported.") % {"count": report.created})
        else:
            form = ImportForm(user=request.user)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": _("Import devices from CSV"),
            "form": form,
            "report": report,
            "file_error": file_error,
            "error_summary": (
                _("%(count)d of %(total)d rows have errors; nothing was imported.")
                % {"count": len(report.errors), "total": report.total}
                if report and report.errors
                else ""
            ),
            "columns": COLUMNS,
        }
        return render(request, "inventory/admin/device_import.html", context)


@admin.register(Donor)
class DonorAdmin(TenantAdmin):
    list_display = ["name", "kind", "contact_name", "contact_email", "organization"]
    list_filter = ["kind", "organization"]
    search_fields = ["name", "contact_name"]


class DeviceChildAdmin(TenantAdmin):
    organization_field = "device__organization"
    autocomplete_fields = ["device"]

    def _org_id(self, obj):
        return obj.device.organization_id

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "device" and not request.user.is_superuser:
            kwargs["queryset"] = Device.objects.filter(
                organization_id__in=organization_ids_allowing(request.user, Action.CHANGE)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(WipeRecord)
class WipeRecordAdmin(CertificateLinkMixin, DeviceChildAdmin):
    list_display = ["device", "method", "tool", "wiped_on", "operator", "certificate_reference"]
    list_filter = ["method"]
    search_fields = ["device__asset_tag", "operator", "certificate_reference"]
    list_select_related = ["device"]


@admin.register(RepairTicket)
class RepairTicketAdmin(DeviceChildAdmin):
    list_display = ["device", "partner", "sent_on", "returned_on", "cost", "outcome"]
    list_filter = ["outcome"]
    search_fields = ["device__asset_tag", "partner", "problem"]
    list_select_related = ["device"]
