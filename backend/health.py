"""/healthz: database and broker status for compose health checks and load balancers."""

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache

from backend.celery import app
from backend.tasks import HEARTBEAT_KEY


def _database_ok() -> tuple[bool, str]:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
        return True, "ok"
    except Exception as exc:  # noqa: BLE001 - any failure means "not healthy"
        return False, exc.__class__.__name__


def _broker_ok() -> tuple[bool, str]:
    try:
        with app.connection_for_write() as conn:
            conn.ensure_connection(max_retries=1, timeout=2)
        return True, "ok"
    except Exception as exc:  # noqa: BLE001
        return False, exc.__class__.__name__


@never_cache
def healthz(request):
    db_ok, db_state = _database_ok()
    broker_ok, broker_state = _broker_ok()
    try:
        last_heartbeat = cache.get(HEARTBEAT_KEY)
    except Exception:  # noqa: BLE001 - the cache lives in the database that may be down
        last_heartbeat = None
    body = {
        "status": "ok" if db_ok and broker_ok else "unavailable",
        "database": db_state,
        "database_engine": settings.DATABASES["default"]["ENGINE"].rsplit(".", 1)[-1],
        "broker": broker_state,
        "worker_heartbeat": last_heartbeat,
    }
    return JsonResponse(body, status=200 if db_ok and broker_ok else 503)
