"""The run's ``log.jsonl``: one JSON object per line, appended as training goes.

Lines are appended and flushed, so a killed run loses at most its last, partial
line, which readers skip. On resume the log is cut back (atomically) to the
checkpoint's step, so the steps that are run again are logged once.

Records: ``{"event": "train", "step", "epoch", "elapsed", "losses": {...}}``,
``{"event": "eval", "step", "split", "metrics": {...}, "best"}`` and lifecycle
events (``start``, ``resume``, ``checkpoint``, ``interrupted``, ``diverged``,
``end``).
"""

from __future__ import annotations

import json
import math
import os
import time
from pathlib import Path
from typing import Any

from ..fileio import atomic_write_text

__all__ = ["RunLog", "read_log"]


def _clean(value: Any) -> Any:
    """JSON has no NaN/inf: write them as strings so the line stays valid JSON."""
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_clean(v) for v in value]
    return value


def read_log(path: str | os.PathLike[str]) -> list[dict[str, Any]]:
    """Every complete record of a log (a torn last line is ignored)."""
    records = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        return []
    for line in lines:
        try:
            record = json.loads(line)
        except ValueError:
            continue
        if isinstance(record, dict):
            records.append(record)
    return records


class RunLog:
    """Appends records to ``log.jsonl`` (main process only)."""

    def __init__(self, path: str | os.PathLike[str], *, enabled: bool = True) -> None:
        self.path = Path(path)
        self.enabled = enabled

    def truncate(self, step: int) -> None:
        """Keep only what happened up to ``step`` (before resuming from it)."""
        if not self.enabled:
            return
        kept = [r for r in read_log(self.path) if int(r.get("step", 0)) <= step]
        atomic_write_text(self.path, "".join(json.dumps(r) + "\n" for r in kept))

    def write(self, event: str, **fields: Any) -> None:
        if not self.enabled:
            return
        record = {"event": event, "time": round(time.time(), 3), **_clean(fields)}
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with open(self.path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps(record) + "\n")
            fh.flush()
