from django.apps import AppConfig


class ConnectivityConfig(AppConfig):
    name = "connectivity"

    def ready(self):
        from messaging import secrets

        from .sms_secrets import codes_in_messages

        secrets.register("code_delivery", codes_in_messages)
