"""DRF's token authentication, reading the caller's organisations and roles in the same query.

Every tenant-scoped request needs them (organizations.selectors.user_roles); read here, they cost no
second query. One row per membership (a LEFT JOIN, so a funder user without one still gets a row).
"""

from django.db.models import F
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        rows = list(
            Token.objects.select_related("user")
            .filter(key=key)
            .annotate(member_of=F("user__memberships__organization_id"), role=F("user__memberships__role"))
        )
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        token = rows[0]
        if not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        token.user._organization_roles = {row.member_of: row.role for row in rows if row.member_of is not None}
        return token.user, token
