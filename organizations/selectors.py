"""Reads scoped to the caller. Views never build tenant querysets by hand."""

from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q, QuerySet

from .models import Funder, Grant, Invitation, Membership, Organization, Participant, StaffTask


def user_roles(user: AbstractBaseUser) -> dict[int, str]:
    """{organization_id: role} for the user, cached on the user object for the request (or primed by
    `user_roles_prime`)."""
    if not user or not user.is_authenticated:
        return {}
    cached = getattr(user, "_organization_roles", None)
    if cached is None:
        cached = dict(Membership.objects.filter(user=user).values_list("organization_id", "role"))
        user_roles_prime(user, cached)
    return cached


def user_roles_prime(user: AbstractBaseUser, roles: dict[int, str]) -> None:
    """Give `user_roles` the user's {organization_id: role} read elsewhere: the token authentication reads
    them in the same query as the user (organizations.auth), so the request needs no second query."""
    user._organization_roles = roles


def user_funder_ids(user: AbstractBaseUser) -> set[int]:
    if not user or not user.is_authenticated:
        return set()
    cached = getattr(user, "_funder_ids", None)
    if cached is None:
        cached = set(user.funders.values_list("id", flat=True))
        user._funder_ids = cached
    return cached


def user_organization_ids(user) -> list[int] | None:
    """The ids of the organisations whose rows the user sees; None for a superuser (every organisation)."""
    return None if user.is_superuser else list(user_roles(user))


def scope_to_user(queryset: QuerySet, user, *, field: str = "organization") -> QuerySet:
    """Rows of the user's organisations only (all rows for a superuser)."""
    organizations = user_organization_ids(user)
    if organizations is None:
        return queryset
    return queryset.filter(**{f"{field}_id__in": organizations})


def organizations_for_user(user) -> QuerySet[Organization]:
    organizations = Organization.objects.prefetch_related("hours")
    if user.is_superuser:
        return organizations
    return organizations.filter(id__in=list(user_roles(user)))


def memberships_for_user(user) -> QuerySet[Membership]:
    return scope_to_user(Membership.objects.select_related("user", "organization"), user)


def participants_for_user(user) -> QuerySet[Participant]:
    return scope_to_user(Participant.objects.select_related("organization"), user)


def funders_for_user(user) -> QuerySet[Funder]:
    """Members see every funder (names of funders are public); funder users see their own."""
    if user.is_superuser or user_roles(user):
        return Funder.objects.all()
    return Funder.objects.filter(id__in=list(user_funder_ids(user)))


def grants_for_user(user) -> QuerySet[Grant]:
    """Grants of the user's organisations, plus grants paid by the funders the user works for."""
    queryset = Grant.objects.select_related("organization", "funder")
    if user.is_superuser:
        return queryset
    return queryset.filter(Q(organization_id__in=list(user_roles(user))) | Q(funder_id__in=list(user_funder_ids(user))))


def staff_tasks_for_user(user) -> QuerySet[StaffTask]:
    return scope_to_user(StaffTask.objects.select_related("participant", "content_type", "done_by"), user)


def invitations_for_user(user) -> QuerySet:
    """Invitations of the user's organisations (the views let only their administrators read them)."""
    return scope_to_user(Invitation.objects.select_related("organization", "invited_by", "accepted_by"), user)


def closures_for_user(user) -> QuerySet:
    from .models import Closure

    return scope_to_user(Closure.objects.all(), user)
