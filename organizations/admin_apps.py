"""django.contrib.admin's app config with the project's site (its own module: apps.py may hold one default)."""

from django.contrib.admin.apps import AdminConfig


class ScopedAdminConfig(AdminConfig):
    """django.contrib.admin with the site whose autocomplete answers only the member's rows."""

    default_site = "organizations.admin_site.ScopedAdminSite"
