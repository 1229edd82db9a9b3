"""Who may do what, written once.

Roles per organisation: admin > staff > volunteer. Volunteers check devices out and in but cannot
delete or export; only admins manage memberships and the organisation itself. Funder users are
not members: they read their funders' grants and reports, nothing else.
"""

from enum import StrEnum

from django.utils.translation import gettext_lazy as _
from rest_framework.permissions import SAFE_METHODS, BasePermission

from .choices import Role
from .selectors import user_funder_ids, user_roles


class Action(StrEnum):
    VIEW = "view"
    CHANGE = "change"
    DELETE = "delete"
    EXPORT = "export"
    MANAGE = "manage"


ROLE_ACTIONS: dict[str, frozenset[Action]] = {
    Role.ADMIN: frozenset(Action),
    Role.STAFF: frozenset({Action.VIEW, Action.CHANGE, Action.DELETE, Action.EXPORT}),
    Role.VOLUNTEER: frozenset({Action.VIEW, Action.CHANGE}),
}


def can(user, organization_id: int, action: Action) -> bool:
    if user.is_superuser:
        return True
    role = user_roles(user).get(organization_id)
    return role is not None and action in ROLE_ACTIONS[role]


def organization_ids_allowing(user, action: Action) -> list[int]:
    return [org_id for org_id, role in user_roles(user).items() if action in ROLE_ACTIONS[role]]


def required_action(request, view) -> Action:
    """The action a request needs: the view's `action_permissions`, else read or change by method."""
    mapping = getattr(view, "action_permissions", {})
    if getattr(view, "action", None) in mapping:
        return mapping[view.action]
    if request.method in SAFE_METHODS:
        return Action.VIEW
    if request.method == "DELETE":
        return Action.DELETE
    return Action.CHANGE


class IsMember(BasePermission):
    """Authenticated members of at least one organisation; object checks by role in its organisation."""

    message = _("You are not a member of any organisation.")

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        return user.is_superuser or bool(user_roles(user))

    def has_object_permission(self, request, view, obj):
        self.message = _("Your role in this organisation does not allow this.")
        return can(request.user, view.organization_id_of(obj), required_action(request, view))


class IsMemberOrFunderReadOnly(IsMember):
    """Members as above; funder users may read what the view's selector gives them."""

    def has_permission(self, request, view):
        if super().has_permission(request, view):
            return True
        user = request.user
        return bool(user and user.is_authenticated and request.method in SAFE_METHODS and user_funder_ids(user))

    def has_object_permission(self, request, view, obj):
        user = request.user
        if request.method in SAFE_METHODS and not user_roles(user) and not user.is_superuser:
            return True  # the selector already limited a funder user to their own grants
        return super().has_object_permission(request, view, obj)
