from axes.handlers.proxy import AxesProxyHandler
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import mixins, permissions, status, viewsets
from rest_framework.authtoken.models import Token
from rest_framework.authtoken.views import ObtainAuthToken
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.throttling import ScopedRateThrottle

from core.errors import DomainError

from .. import calendar, selectors, services
from ..choices import ClosureKind
from ..filters import GrantFilter, MembershipFilter, ParticipantFilter, StaffTaskFilter
from ..models import Invitation
from ..permissions import Action, IsMember, IsMemberOrFunderReadOnly, is_object_route, organization_ids_allowing
from .base import TenantModelViewSet, TenantViewSetMixin
from .serializers import (
    ClosureSerializer,
    FunderSerializer,
    GrantSerializer,
    InvitationAcceptedSerializer,
    InvitationAcceptSerializer,
    InvitationSerializer,
    MembershipSerializer,
    OrganizationSerializer,
    ParticipantSerializer,
    PublicHolidaysSerializer,
    StaffTaskCompleteSerializer,
    StaffTaskSerializer,
)


class OrganizationPermission(IsMember):
    """Members read their organisations, admins edit them, only superusers create or delete them."""

    def has_permission(self, request, view):
        if view.action == "create":
            self.message = _("Only a platform administrator can create or delete organisations.")
            return bool(request.user and request.user.is_superuser)
        return super().has_permission(request, view)

    def has_object_permission(self, request, view, obj):
        # Deleting is refused only once the organisation is found: someone else's organisation is 404.
        if view.action == "destroy":
            self.message = _("Only a platform administrator can create or delete organisations.")
            return bool(request.user and request.user.is_superuser)
        return super().has_object_permission(request, view, obj)


class OrganizationViewSet(TenantModelViewSet):
    serializer_class = OrganizationSerializer
    permission_classes = [OrganizationPermission]
    selector = selectors.organizations_for_user
    action_permissions = {"update": Action.MANAGE, "partial_update": Action.MANAGE}
    search_fields = ["name", "short_code"]
    ordering_fields = ["name", "created_at"]
    filterset_fields = ["short_code"]

    def organization_id_of(self, obj):
        return obj.id

    def perform_create(self, serializer):
        serializer.save()


class MembershipViewSet(TenantModelViewSet):
    """Members read their organisations' memberships; administrators change a role or remove someone.

    There is no create (405): people join by accepting an invitation (`/api/v1/invitations/`), so an
    administrator can neither probe usernames nor enrol someone without their agreement."""

    serializer_class = MembershipSerializer
    selector = selectors.memberships_for_user
    http_method_names = ["get", "put", "patch", "delete", "head", "options"]
    action_permissions = {
        "update": Action.MANAGE,
        "partial_update": Action.MANAGE,
        "destroy": Action.MANAGE,
    }
    filterset_class = MembershipFilter
    search_fields = ["user__username", "user__first_name", "user__last_name"]
    ordering_fields = ["created_at", "role"]

    def perform_update(self, serializer):
        services.membership_update(
            membership=serializer.instance, role=serializer.validated_data.get("role", serializer.instance.role)
        )

    def perform_destroy(self, instance):
        services.membership_delete(membership=instance)


class InvitationViewSet(
    TenantViewSetMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Invitations by e-mail, for an organisation's administrators: list, invite, revoke.

    Another organisation's invitation is 404; staff and volunteers get 403 in their own organisation. The
    answer to an invitation is the same whether or not an account has that address. The invited person
    accepts with `POST accept/ {token}` (any logged-in account; the token is in the e-mail only)."""

    serializer_class = InvitationSerializer
    selector = selectors.invitations_for_user
    action_permissions = {
        "list": Action.MANAGE,
        "retrieve": Action.MANAGE,
        "create": Action.MANAGE,
        "revoke": Action.MANAGE,
    }
    filterset_fields = ["organization", "role", "email"]
    search_fields = ["email"]
    ordering_fields = ["created_at", "expires_at", "email"]

    def get_permissions(self):
        if self.action == "accept":
            return [permissions.IsAuthenticated()]
        return super().get_permissions()

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # the schema generator: no caller to scope to
            return Invitation.objects.none()
        queryset = super().get_queryset()
        if self.action == "list":
            return self.queryset_allowing(queryset, Action.MANAGE)
        return queryset

    def perform_create(self, serializer):
        organization = serializer.validated_data["organization"]
        self.check_create_permission(organization)
        serializer.instance = services.invitation_create(
            organization=organization,
            email=serializer.validated_data["email"],
            role=serializer.validated_data["role"],
            by=self.request.user,
        )

    @extend_schema(request=None, responses=InvitationSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        invitation = services.invitation_revoke(invitation=self.get_object())
        return Response(self.get_serializer(invitation).data)

    @extend_schema(
        request=InvitationAcceptSerializer,
        responses={
            200: InvitationAcceptedSerializer,
            410: OpenApiResponse(description="The invitation was revoked or has expired (see `code`)."),
        },
    )
    @action(detail=False, methods=["post"])
    def accept(self, request):
        serializer = InvitationAcceptSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        invitation, membership = services.invitation_accept(token=serializer.validated_data["token"], user=request.user)
        body = {
            "organization": invitation.organization_id,
            "organization_name": invitation.organization.name,
            "role": membership.role,
            "membership": membership.pk,
        }
        return Response(body, status=status.HTTP_200_OK)


class FunderPermission(permissions.BasePermission):
    """Anyone who works with grants reads funders; organisation admins add one; superusers edit.

    On one funder the lookup through `funders_for_user` answers first: a funder the caller cannot see
    is 404 for every method; one they see but may not change is 403."""

    def has_permission(self, request, view):
        user = request.user
        if not user or not user.is_authenticated:
            return False
        if user.is_superuser or is_object_route(view):
            return True
        if request.method in permissions.SAFE_METHODS:
            return bool(selectors.user_roles(user) or selectors.user_funder_ids(user))
        if view.action == "create":
            self.message = _("Only an organisation administrator can add a funder.")
            return bool(organization_ids_allowing(user, Action.MANAGE))
        self.message = _("Only a platform administrator can change or delete a funder.")
        return False

    def has_object_permission(self, request, view, obj):
        if request.user.is_superuser or request.method in permissions.SAFE_METHODS:
            return True
        self.message = _("Only a platform administrator can change or delete a funder.")
        return False


class FunderViewSet(viewsets.ModelViewSet):
    serializer_class = FunderSerializer
    permission_classes = [FunderPermission]
    search_fields = ["name"]
    ordering_fields = ["name", "created_at"]
    filterset_fields = ["kind"]
    http_method_names = ["get", "post", "put", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return selectors.funders_for_user(self.request.user)


class GrantViewSet(TenantModelViewSet):
    serializer_class = GrantSerializer
    permission_classes = [IsMemberOrFunderReadOnly]
    selector = selectors.grants_for_user
    filterset_class = GrantFilter
    search_fields = ["name", "reference", "funder__name"]
    ordering_fields = ["starts_on", "ends_on", "name", "amount"]


class ClosureViewSet(TenantModelViewSet):
    """Days an organisation is closed: its own dates and the public holidays pre-filled (`public-holidays/`).
    Members read them; administrators add, change and remove them. Due dates move past them."""

    serializer_class = ClosureSerializer
    selector = selectors.closures_for_user
    action_permissions = {
        "create": Action.MANAGE,
        "update": Action.MANAGE,
        "partial_update": Action.MANAGE,
        "destroy": Action.MANAGE,
        "public_holidays": Action.MANAGE,
    }
    filterset_fields = ["organization", "kind"]
    ordering_fields = ["starts_on"]

    def perform_create(self, serializer):
        self.check_create_permission(serializer.validated_data["organization"])
        serializer.save(kind=ClosureKind.OWN)

    @extend_schema(request=PublicHolidaysSerializer, responses={200: OpenApiResponse(description="{added: n}")})
    @action(detail=False, methods=["post"], url_path="public-holidays")
    def public_holidays(self, request):
        serializer = PublicHolidaysSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        organization = serializer.validated_data["organization"]
        self.check_create_permission(organization)
        added = calendar.public_holidays_fill(
            organization=organization, years=[serializer.validated_data["year"]], only_new=False
        )
        return Response({"added": added})


class ParticipantViewSet(TenantModelViewSet):
    serializer_class = ParticipantSerializer
    selector = selectors.participants_for_user
    filterset_class = ParticipantFilter
    search_fields = ["display_name", "reference", "phone"]
    ordering_fields = ["display_name", "created_at", "updated_at"]

    # Through the one write path (organizations.services): consent changes are kept as consent records,
    # and an anonymised participant refuses every write (409 participant_anonymised).
    def perform_create(self, serializer):
        data = dict(serializer.validated_data)
        organization = data.pop("organization")
        serializer.instance = services.participant_create(organization=organization, by=self.request.user, **data)

    def perform_update(self, serializer):
        data = {k: v for k, v in serializer.validated_data.items() if k != "organization"}
        serializer.instance = services.participant_update(participant=serializer.instance, by=self.request.user, **data)


@extend_schema_view(create=extend_schema(exclude=True))  # tasks come from the scheduled scans only
class StaffTaskViewSet(TenantModelViewSet):
    """Tasks the scheduled scans create for staff (follow-ups, re-checks); staff mark them done."""

    serializer_class = StaffTaskSerializer
    selector = selectors.staff_tasks_for_user
    filterset_class = StaffTaskFilter
    search_fields = ["title", "participant__display_name"]
    ordering_fields = ["due_on", "created_at"]
    http_method_names = ["get", "post", "head", "options"]

    def create(self, request, *args, **kwargs):
        return self.http_method_not_allowed(request, *args, **kwargs)

    @extend_schema(request=StaffTaskCompleteSerializer, responses=StaffTaskSerializer)
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        task = self.get_object()
        serializer = StaffTaskCompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        task = services.staff_task_complete(task=task, by=request.user, outcome=serializer.validated_data["outcome"])
        return Response(StaffTaskSerializer(task, context=self.get_serializer_context()).data)


@extend_schema(tags=["auth"], summary="Get an API token from a username and password")
class TokenView(ObtainAuthToken):
    """A token for a username and password; rate-limited per address, and locked like the admin login
    (django-axes) after LOGIN_FAILURE_LIMIT wrong passwords for one username from one address."""

    throttle_classes = [ScopedRateThrottle]
    throttle_scope = "login"

    def post(self, request, *args, **kwargs):
        username = request.data.get("username") if hasattr(request.data, "get") else None
        if isinstance(username, str) and AxesProxyHandler.is_locked(request._request, {"username": username}):
            raise _locked_out()
        serializer = self.get_serializer(data=request.data)
        try:
            serializer.is_valid(raise_exception=True)
        except ValidationError:
            if getattr(request, "axes_locked_out", False):  # this failure reached the limit
                raise _locked_out() from None
            raise
        user = serializer.validated_data["user"]
        # A login like the admin's: clears the failure count (django-axes) and sets last_login.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        token, _created = Token.objects.get_or_create(user=user)
        return Response({"token": token.key})


def _locked_out() -> DomainError:
    message = _("Too many failed logins: this account is locked for a while from your address.")
    return DomainError("locked_out", message, status_code=429)
