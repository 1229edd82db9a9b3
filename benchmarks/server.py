"""gunicorn started as the Procfile starts it (2 workers x 4 threads), for the benchmarks that go over HTTP."""

import http.client
import os
import subprocess
import sys
import time
from pathlib import Path


def start_gunicorn(port: int, log_path: Path, *, cwd: Path, settings_module: str) -> subprocess.Popen:
    """gunicorn serving the project in `cwd` with `settings_module`, once it answers /healthz."""
    gunicorn = Path(sys.executable).parent / "gunicorn"
    command = [
        str(gunicorn),
        "backend.wsgi",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        "2",
        "--threads",
        "4",
        "--access-logfile",
        "-",
        "--error-logfile",
        "-",
    ]  # fmt: skip  (the Procfile's flags)
    server = subprocess.Popen(
        command,
        cwd=cwd,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": settings_module},
        stdout=log_path.open("w"),
        stderr=subprocess.STDOUT,
    )
    for _attempt in range(200):
        if server.poll() is not None:
            sys.exit(f"gunicorn in {cwd} did not start: see {log_path}")
        try:
            probe = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            probe.request("GET", "/healthz")
            probe.getresponse().read()
            return server
        except OSError:
            time.sleep(0.1)
    sys.exit(f"gunicorn in {cwd} did not answer")
