"""Stopping well: on a signal, checkpoint and leave; on NaN/inf, stop before saving garbage.

SIGTERM (schedulers, ``kill``, torchrun forwarding) and SIGINT (Ctrl-C) only
raise a flag; the loop sees it after the current step, writes a checkpoint and
raises :class:`TrainingInterrupted`. A second SIGINT falls back to the default
handler, so a stuck run can still be killed. Non-finite losses raise
:class:`TrainingDiverged` naming the step and loss; the loop never writes a
checkpoint after that, so the last one on disk is the last good state.
"""

from __future__ import annotations

import contextlib
import math
import signal
import threading
from collections.abc import Iterator, Mapping
from types import FrameType

from ..errors import XmodalError

__all__ = ["SignalFlag", "TrainingDiverged", "TrainingInterrupted", "first_nonfinite"]


class TrainingDiverged(XmodalError):
    """A loss became NaN or infinite; the run stopped at its last good checkpoint."""


class TrainingInterrupted(XmodalError):
    """A signal stopped the run after a checkpoint was written."""

    def __init__(self, message: str, signum: int) -> None:
        super().__init__(message)
        self.signum = signum


def first_nonfinite(values: Mapping[str, float]) -> str | None:
    """The name of the first NaN/inf value, if any."""
    for name, value in values.items():
        if not math.isfinite(value):
            return name
    return None


class SignalFlag:
    """Records SIGTERM/SIGINT while installed; ``signum`` is 0 until one arrives."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT)

    def __init__(self) -> None:
        self.signum = 0

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.signum = signum
        if signum == signal.SIGINT:  # a second Ctrl-C kills at once
            signal.signal(signal.SIGINT, signal.default_int_handler)

    def raise_flag(self, signum: int) -> None:
        """Act as if ``signum`` had arrived (another rank got it, or a test)."""
        self.signum = signum

    @contextlib.contextmanager
    def installed(self) -> Iterator[SignalFlag]:
        if threading.current_thread() is not threading.main_thread():
            yield self  # signal handlers can only be set from the main thread
            return
        previous = {s: signal.getsignal(s) for s in self.SIGNALS}
        for s in self.SIGNALS:
            signal.signal(s, self._handle)
        try:
            yield self
        finally:
            for s, handler in previous.items():
                signal.signal(s, handler)
