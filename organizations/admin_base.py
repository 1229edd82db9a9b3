"""Admin scoped like the API: non-superusers see, choose and edit only their organisations' rows, by role.

Every choice the admin offers a member is scoped here, once, for every registered admin:
- form fields (foreign keys, many-to-many, raw-id and autocomplete widgets) of admins and inlines:
  `ScopedChoicesMixin` gives them only rows of the member's organisations, so a posted id of another
  organisation's row is refused by the form ("Select a valid choice") and nothing is written;
- autocomplete views: `ScopedAutocompleteJsonView` (the site's, see `admin_site.py`) scopes the answer
  whatever the target admin does;
- list filters on relations: only related rows that the member's own rows point at;
- history pages of another organisation's row: 404, as its change page is not found.
"""

from django.contrib import admin
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import get_user_model
from django.http import Http404
from simple_history.admin import SimpleHistoryAdmin

from .models import Organization
from .permissions import Action, can, organization_ids_allowing
from .selectors import user_roles
from .tenancy import organization_lookup


def scope_choices(queryset, user, *, action: Action = Action.CHANGE, field=None):
    """`queryset` cut down to what `user` may choose in a form: rows of the organisations where the
    user's role allows `action`. Installation-wide models (programmes, funders) are left whole; users are
    the members of those organisations (never accounts of nobody: people join by accepting an invitation)."""
    if user.is_superuser:
        return queryset
    organizations = organization_ids_allowing(user, action)
    model = queryset.model
    if model is get_user_model():
        return queryset.filter(memberships__organization_id__in=organizations).distinct()
    lookup = organization_lookup(model)
    if lookup is None:
        return queryset
    return queryset.filter(**{f"{lookup}__in": organizations})


class ScopedChoicesMixin:
    """For ModelAdmins and inlines: every relation field offers only the member's organisations' rows."""

    choices_action = Action.CHANGE

    def _scoped(self, db_field, request, kwargs) -> dict:
        """`kwargs` with the field's choices (the admin's own queryset if any) cut down to the member's rows."""
        queryset = kwargs.get("queryset")
        if queryset is None:
            queryset = self.get_field_queryset(None, db_field, request)
        if queryset is None:
            queryset = db_field.remote_field.model._default_manager.using(kwargs.get("using"))
        return {**kwargs, "queryset": scope_choices(queryset, request.user, action=self.choices_action, field=db_field)}

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        return super().formfield_for_foreignkey(db_field, request, **self._scoped(db_field, request, kwargs))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        return super().formfield_for_manytomany(db_field, request, **self._scoped(db_field, request, kwargs))

    def get_list_filter(self, request):
        """A filter on a relation lists only the related rows that the member's own rows point at."""
        filters = super().get_list_filter(request)
        if request.user.is_superuser:
            return filters
        scoped = []
        for item in filters:
            if isinstance(item, str) and "__" not in item and self._is_relation(item):
                item = (item, admin.RelatedOnlyFieldListFilter)
            scoped.append(item)
        return scoped

    def _is_relation(self, name: str) -> bool:
        try:
            field = self.model._meta.get_field(name)
        except Exception:  # a method or a lookup path: left to Django
            return False
        return bool(field.is_relation)


class ScopedInline(ScopedChoicesMixin, admin.TabularInline):
    """Base for the project's inlines."""


class ScopedAutocompleteJsonView(AutocompleteJsonView):
    """The admin's autocomplete, answering only rows the member may choose (whatever the target admin does)."""

    def get_queryset(self):
        return scope_choices(super().get_queryset(), self.request.user, field=self.source_field)


class LedgerAdminMixin:
    """Ledgers (payments, codes, cheques) are never deleted, by anyone: revoke, void or refund instead."""

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions


class ReadOnlyAdminMixin:
    """A log the back office reads and nobody writes: reveal logs, written by the code that reveals."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class TenantAdmin(ScopedChoicesMixin, SimpleHistoryAdmin):
    """Base admin for organisation-owned models (history included)."""

    organization_field = "organization"

    def _org_id(self, obj):
        return getattr(obj, f"{self.organization_field}_id")

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        if request.user.is_superuser:
            return queryset
        return queryset.filter(**{f"{self.organization_field}_id__in": list(user_roles(request.user))})

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.related_model is Organization and not request.user.is_superuser:
            kwargs["queryset"] = Organization.objects.filter(
                id__in=organization_ids_allowing(request.user, Action.CHANGE)
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def _visible_or_404(self, request, object_id):
        if request.user.is_superuser:
            return
        if not self.get_queryset(request).filter(pk=object_id).exists():
            raise Http404  # another organisation's row does not exist for this member, history included

    def history_view(self, request, object_id, extra_context=None):
        self._visible_or_404(request, object_id)
        if not hasattr(self.model._meta, "simple_history_manager_attribute"):  # a log without history of its own
            return admin.ModelAdmin.history_view(self, request, object_id, extra_context=extra_context)
        return super().history_view(request, object_id, extra_context=extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        self._visible_or_404(request, object_id)
        return super().history_form_view(request, object_id, version_id, extra_context=extra_context)

    def has_module_permission(self, request):
        return request.user.is_superuser or bool(user_roles(request.user))

    def has_view_permission(self, request, obj=None):
        if obj is None:
            return self.has_module_permission(request)
        return can(request.user, self._org_id(obj), Action.VIEW)

    def has_add_permission(self, request):
        return request.user.is_superuser or bool(organization_ids_allowing(request.user, Action.CHANGE))

    def has_change_permission(self, request, obj=None):
        if obj is None:
            return self.has_add_permission(request)
        return can(request.user, self._org_id(obj), Action.CHANGE)

    def has_delete_permission(self, request, obj=None):
        if obj is None:
            return request.user.is_superuser or bool(organization_ids_allowing(request.user, Action.DELETE))
        return can(request.user, self._org_id(obj), Action.DELETE)
