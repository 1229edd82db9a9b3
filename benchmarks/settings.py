"""Settings for benchmarks/run.py: the real settings, plus the floor views' URLs and what a timed run needs.

Only for benchmarks (gunicorn is started with DJANGO_SETTINGS_MODULE=benchmarks.settings); production
never imports this module.
"""

from backend.settings import *  # noqa: F403
from backend.settings import REST_FRAMEWORK

ROOT_URLCONF = "benchmarks.urls"
# The public loan card is limited per address; one client sends hundreds of requests here. The
# throttle itself still runs (and reads and writes the cache) as in production.
REST_FRAMEWORK = {
    **REST_FRAMEWORK,
    "DEFAULT_THROTTLE_RATES": {**REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "public_token": "1000000/minute"},
}
# The reminder scan only runs inside sending hours, and must not print thousands of SMS.
SMS_SENDING_HOURS = ("00:00", "23:59:59")
SMS_BACKEND = "locmem"
