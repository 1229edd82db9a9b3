from django.apps import AppConfig
from django.db.models.signals import post_migrate, pre_migrate
from django.utils.translation import gettext_lazy as _


class OrganizationsConfig(AppConfig):
    name = "organizations"
    verbose_name = _("Organisations and people")

    def ready(self):
        from .db_guards import install_after_migrate, uninstall_before_migrate

        pre_migrate.connect(uninstall_before_migrate, sender=self, dispatch_uid="lendwise_same_organization_off")
        post_migrate.connect(install_after_migrate, sender=self, dispatch_uid="lendwise_same_organization")
