from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PrivacyConfig(AppConfig):
    name = "privacy"
    verbose_name = _("Privacy")

    def ready(self):
        from core import ports

        from .services import consent_note_change, sms_reply_consent

        ports.sms_reply_consent.provide(sms_reply_consent)
        ports.consent_note_change.provide(consent_note_change)
