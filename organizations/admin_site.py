"""The admin site: Django's, with an autocomplete that answers only rows the member may choose."""

from django.contrib.admin import AdminSite

from .admin_base import ScopedAutocompleteJsonView


class ScopedAdminSite(AdminSite):
    def autocomplete_view(self, request):
        return ScopedAutocompleteJsonView.as_view(admin_site=self)(request)
