"""Who may do what, written once.

Roles per organisation: admin > staff > volunteer. Volunteers check devices out and in but cannot
delete or export; only admins manage memberships and the organisation itself. Funder users are
not members: they read their funders' grants and reports, nothing else.

Out of scope is 404, for every method: on a route naming one object the permission never refuses
before the object is looked up through the caller's scoped queryset (another organisation's object,
or any tenant object for a funder user, is not found). Only an object the caller can see gets a 403,
from `has_object_permission`, when their role does not allow the action.
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


# Which role sees which secret (docs/privacy.md, "Which role sees which secret"): an internet code in clear, a
# loan card's link (its token) and what carries them are for the roles with this right, staff and
# admins; volunteers see them masked. Each code shown in clear is logged (connectivity CodeRevealLog).
REVEAL = Action.EXPORT


def may_reveal(user, organization_id: int) -> bool:
    return can(user, organization_id, REVEAL)


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


def is_object_route(view) -> bool:
    """A request for one object (`/things/{id}/...`): a viewset's detail route, or a view given a pk."""
    return getattr(view, "detail", None) is True or "pk" in (getattr(view, "kwargs", None) or {})


class IsMember(BasePermission):
    """Authenticated members of at least one organisation; object checks by role in its organisation.

    Someone who is a member nowhere (a funder user) is refused lists and creation (403), but on an
    object route the scoped lookup answers first: for them no tenant object exists (404)."""

    message = _("You are not a member of any organisation.")

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        return user.is_superuser or bool(user_roles(user)) or is_object_route(view)

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
        # a funder user changing one of its own grants: no role there, so 403 (one it does not fund was 404)
        return super().has_object_permission(request, view, obj)
