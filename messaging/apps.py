from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "messaging"

    def ready(self):
        # Registers the tasks with Celery in every process, not only in workers: the services enqueue
        # sms_send_task by its name (messaging.services.SEND_TASK) and do not import the tasks module.
        from . import tasks  # noqa: F401
