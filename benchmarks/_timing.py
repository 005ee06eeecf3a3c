"""The one timing loop the benchmarks share: calls per second over a minimum duration.

Repeating a call until a minimum time has passed (rather than a fixed count)
keeps each measurement long enough to average out the scheduler noise of a
shared machine, whatever the speed of the thing measured.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

__all__ = ["calls_per_second"]


def calls_per_second(fn: Callable[[], Any], min_seconds: float, warmup: bool = False) -> float:
    """Calls of ``fn`` per second over at least ``min_seconds`` (after one untimed call if ``warmup``)."""
    if warmup:
        fn()
    calls, start = 0, time.perf_counter()
    while True:
        fn()
        calls += 1
        elapsed = time.perf_counter() - start
        if elapsed >= min_seconds:
            return calls / elapsed
