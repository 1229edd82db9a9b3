from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organisations and people")

    def ready(self):
        from .db_guards import install_after_migrate

        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="lendwise_same_organization")
