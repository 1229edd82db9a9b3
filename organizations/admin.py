from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from . import services
from .admin_base import ScopedChoicesMixin, ScopedInline, TenantAdmin
from .calendar import public_holidays_fill
from .models import Closure, Funder, Grant, Invitation, Membership, OpeningHours, Organization, Participant, StaffTask
from .permissions import Action, can, organization_ids_allowing
from .selectors import user_funder_ids, user_roles

admin.site.site_header = _("Lendwise: device loans and connectivity")
admin.site.site_title = _("Lendwise")
admin.site.index_title = _("Back office")


class MembershipInline(ScopedInline):
    """Members of the organisation: administrators change roles here; only a superuser adds someone or
    changes who a membership is for (everyone else invites by e-mail: Invitations)."""

    model = Membership
    extra = 0
    autocomplete_fields = ["user"]

    def has_add_permission(self, request, obj=None):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        return [] if request.user.is_superuser else ["user"]


class OpeningHoursInline(ScopedInline):
    model = OpeningHours
    extra = 0


class ClosureInline(ScopedInline):
    model = Closure
    extra = 0
    fields = ["starts_on", "ends_on", "kind", "reason"]

    def get_queryset(self, request):  # what is still to come: past closures change nothing
        return super().get_queryset(request).filter(ends_on__gte=timezone.localdate())


@admin.register(Organization)
class OrganizationAdmin(TenantAdmin):
    list_display = ["name", "short_code", "phone", "created_at"]
    search_fields = ["name", "short_code"]
    inlines = [OpeningHoursInline, ClosureInline, MembershipInline]

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:  # a new organisation starts with this year's and next year's public holidays
            today = timezone.localdate()
            public_holidays_fill(organization=obj, years=[today.year, today.year + 1])

    def _org_id(self, obj):
        return obj.id

    def get_queryset(self, request):
        queryset = super(TenantAdmin, self).get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(id__in=list(user_roles(request.user)))

    def has_add_permission(self, request):
        return request.user.is_superuser

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return request.user.is_superuser or bool(organization_ids_allowing(request.user, Action.MANAGE))
        return can(request.user, obj.id, Action.MANAGE)

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Membership)
class MembershipAdmin(TenantAdmin):
    list_display = ["user", "organization", "role", "created_at"]
    list_filter = ["role", "organization"]
    search_fields = ["user__username", "user__first_name", "user__last_name", "organization__name"]
    autocomplete_fields = ["user"]

    # Adding a member directly is for superusers (setting up an installation); an organisation's
    # administrators invite by e-mail and the person accepts (InvitationAdmin, /api/v1/invitations/).
    def has_add_permission(self, request):
        return request.user.is_superuser

    def get_readonly_fields(self, request, obj=None):
        if request.user.is_superuser:
            return []
        return ["user", "organization"] if obj is not None else ["user"]

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return request.user.is_superuser or bool(organization_ids_allowing(request.user, Action.MANAGE))
        return can(request.user, obj.organization_id, Action.MANAGE)

    has_delete_permission = has_change_permission

    def save_model(self, request, obj, form, change):
        if change and "role" in form.changed_data:
            services.membership_update(membership=obj, role=obj.role)  # the last-administrator rule
            return
        super().save_model(request, obj, form, change)

    def delete_model(self, request, obj):
        services.membership_delete(membership=obj)


@admin.register(Invitation)
class InvitationAdmin(TenantAdmin):
    """Invite someone by e-mail (organisation administrators); the person accepts from the link."""

    list_display = ["email", "organization", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role", "organization", ("accepted_at", admin.EmptyFieldListFilter)]
    search_fields = ["email"]
    fields = [
        "organization",
        "email",
        "role",
        "invited_by",
        "created_at",
        "expires_at",
        "accepted_at",
        "accepted_by",
        "revoked_at",
    ]
    readonly_fields = ["invited_by", "created_at", "expires_at", "accepted_at", "accepted_by", "revoked_at"]
    actions = ["revoke"]
    choices_action = Action.MANAGE

    def get_readonly_fields(self, request, obj=None):
        if obj is not None:
            return self.fields  # an invitation is not edited: revoke it and invite again
        return self.readonly_fields

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return request.user.is_superuser or bool(organization_ids_allowing(request.user, Action.MANAGE))
        return can(request.user, obj.organization_id, Action.MANAGE)

    def has_module_permission(self, request):
        return self.has_view_permission(request)

    def has_add_permission(self, request):
        return self.has_view_permission(request)

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(organization_id__in=organization_ids_allowing(request.user, Action.MANAGE))

    def save_model(self, request, obj, form, change):
        """Through `invitation_create`, as the API: the token is made there and e-mailed after the commit."""
        saved = services.invitation_create(
            organization=form.cleaned_data["organization"],
            email=form.cleaned_data["email"],
            role=form.cleaned_data["role"],
            by=request.user,
        )
        obj.pk = saved.pk
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    @admin.action(description=_("Revoke the selected invitations"))
    def revoke(self, request, queryset):
        revoked = 0
        for invitation in queryset.filter(accepted_at__isnull=True, revoked_at__isnull=True):
            if can(request.user, invitation.organization_id, Action.MANAGE):
                services.invitation_revoke(invitation=invitation)
                revoked += 1
        self.message_user(request, _("%(count)d invitation(s) revoked.") % {"count": revoked})


@admin.register(Funder)
class FunderAdmin(ScopedChoicesMixin, SimpleHistoryAdmin):
    list_display = ["name", "kind", "contact_email"]
    list_filter = ["kind"]
    search_fields = ["name"]
    filter_horizontal = ["users"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser or user_roles(request.user):
            return queryset
        return queryset.filter(id__in=list(user_funder_ids(request.user)))

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(user_roles(request.user))

    def has_view_permission(self, request, obj=None):
        return self.has_module_permission(request)

    def has_add_permission(self, request):
        return request.user.is_superuser or bool(organization_ids_allowing(request.user, Action.MANAGE))

    def has_change_permission(self, request, obj=None):
        return request.user.is_superuser

    def has_delete_permission(self, request, obj=None):
        return request.user.is_superuser


@admin.register(Grant)
class GrantAdmin(TenantAdmin):
    list_display = ["name", "organization", "funder", "amount", "starts_on", "ends_on"]
    list_filter = ["funder", "organization"]
    search_fields = ["name", "reference", "funder__name"]
    date_hierarchy = "starts_on"


@admin.register(Participant)
class ParticipantAdmin(TenantAdmin):
    list_display = ["display_name", "organization", "phone", "preferred_language", "sms_consent", "is_active"]
    list_filter = ["is_active", "preferred_language", "sms_consent", "age_band", "gender", "organization"]
    search_fields = ["display_name", "reference", "phone"]
    readonly_fields = ["anonymised_at", "created_at", "updated_at"]

    def has_change_permission(self, request, obj=None):
        if obj is not None and obj.anonymised_at is not None:
            return False  # erased: the page is read-only, a posted change is refused (403) and nothing is written
        return super().has_change_permission(request, obj)

    def save_model(self, request, obj, form, change):
        """Through the one write path, as the API and the desk (consent records, the anonymisation lock)."""
        fields = {name: form.cleaned_data[name] for name in services.PARTICIPANT_FIELDS if name in form.cleaned_data}
        if change:
            saved = services.participant_update(participant=obj, by=request.user, **fields)
        else:
            saved = services.participant_create(
                organization=form.cleaned_data["organization"], by=request.user, **fields
            )
        obj.pk = saved.pk
        obj.__dict__.update({k: v for k, v in saved.__dict__.items() if not k.startswith("_")})


@admin.register(StaffTask)
class StaffTaskAdmin(TenantAdmin):
    list_display = ["title", "kind", "organization", "participant", "due_on", "done_at"]
    list_filter = ["kind", ("done_at", admin.EmptyFieldListFilter), "organization"]
    search_fields = ["title", "participant__display_name"]
    readonly_fields = ["key", "kind", "content_type", "object_id", "created_at", "done_at", "done_by"]
    date_hierarchy = "due_on"
