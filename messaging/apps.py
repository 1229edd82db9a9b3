from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self):
        # Registers the tasks with Celery in every process, not only in workers: the services enqueue
        # sms_send_task by its name (messaging.services.SEND_TASK) and do not import the tasks module.
        from connectivity.sms_secrets import codes_in_messages
        from core import ports

        from . import secrets, tasks  # noqa: F401
        from .services import sms_queue

        ports.sms_queue.provide(sms_queue)
        # Messaging knows no codes: it masks in stored bodies what the apps below it say is secret.
        secrets.register("code_delivery", codes_in_messages)
