"""Daily scans. Each is idempotent: the work lives in the database, a second run changes nothing."""

from celery import shared_task

from . import services


@shared_task(name="connectivity.codes_expire")
def codes_expire_task() -> int:
    return services.codes_expire_due()


@shared_task(name="connectivity.digicheques_expire")
def digicheques_expire_task() -> int:
    return services.digicheques_expire_due()


@shared_task(name="connectivity.code_rechecks")
def code_recheck_tasks_task() -> int:
    return services.code_recheck_tasks_ensure()
