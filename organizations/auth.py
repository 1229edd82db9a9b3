"""DRF's token authentication, reading the caller's organisations and roles in the same query.

Every tenant-scoped request needs them (organizations.selectors.user_roles); read here and handed over with
`user_roles_prime`, they cost no second query. One row per membership (a LEFT JOIN, so a funder user without
one still gets a row).

The query's text is written once per process from the models' tables and columns and run as a raw query
(the user comes out of Django's RawQuerySet, with the database's converters): building and compiling it
through the ORM took half of the authentication's time on every request.
"""

from functools import lru_cache

from django.contrib.auth import get_user_model
from django.db import connections
from django.utils.translation import gettext_lazy as _
from rest_framework import authentication, exceptions
from rest_framework.authtoken.models import Token

from .models import Membership
from .selectors import user_roles_prime


class TokenAuthentication(authentication.TokenAuthentication):
    def authenticate_credentials(self, key):
        User = get_user_model()
        rows = list(User.objects.raw(_token_query(User.objects.db), [key]))
        if not rows:
            raise exceptions.AuthenticationFailed(_("Invalid token."))
        user = rows[0]
        if not user.is_active:
            raise exceptions.AuthenticationFailed(_("User inactive or deleted."))
        roles = {row.lendwise_member_of: row.lendwise_role for row in rows if row.lendwise_member_of is not None}
        user_roles_prime(user, roles)
        token = Token.from_db(Token.objects.db, ["key", "user_id"], [key, user.pk])  # `created` read if asked for
        token.user = user
        return user, token


@lru_cache(maxsize=8)
def _token_query(alias: str) -> str:
    """SELECT the user's columns and one (organisation, role) per membership, for one token key (the only
    parameter)."""
    quote = connections[alias].ops.quote_name
    User = get_user_model()

    def column(table, model, name):
        return f"{table}.{quote(model._meta.get_field(name).column)}"

    user_columns = ", ".join(f"u.{quote(field.column)}" for field in User._meta.concrete_fields)
    user_pk = f"u.{quote(User._meta.pk.column)}"
    return (  # the membership columns' aliases are prefixed: no clash with a user model's own fields
        f"SELECT {user_columns}, {column('m', Membership, 'organization')} AS lendwise_member_of,"
        f" {column('m', Membership, 'role')} AS lendwise_role"
        f" FROM {quote(Token._meta.db_table)} t"
        f" INNER JOIN {quote(User._meta.db_table)} u ON {user_pk} = {column('t', Token, 'user')}"
        f" LEFT OUTER JOIN {quote(Membership._meta.db_table)} m ON {column('m', Membership, 'user')} = {user_pk}"
        f" WHERE {column('t', Token, 'key')} = %s"
    )
