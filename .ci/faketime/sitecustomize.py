"""Loaded only by the clock-moved runs of .ci/run (PYTHONPATH=.ci/faketime), under libfaketime with
FAKETIME_DONT_FAKE_MONOTONIC=1: the wall clock moves, the monotonic clock stays true, so lock and event
timeouts keep working. One call still breaks there: Python 3.11's time.sleep waits on an absolute
CLOCK_MONOTONIC deadline through clock_nanosleep, which libfaketime 0.9.10 rewrites as if that clock were
faked, and the kernel answers EINVAL. A relative wait (select with a timeout) is not rewritten, so
time.sleep waits that way in these runs only."""

import select
import time

_sleep = time.sleep


def _relative_sleep(seconds: float) -> None:
    if seconds < 0:
        raise ValueError("sleep length must be non-negative")
    deadline = time.monotonic() + seconds
    while (left := deadline - time.monotonic()) > 0:
        select.select([], [], [], left)


try:
    _sleep(0)
    _sleep(0.001)
except OSError:
    time.sleep = _relative_sleep
