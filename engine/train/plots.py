"""``losses.png``: the loss curves (and evaluation metrics) of a run, from its log.

Drawn from ``log.jsonl`` rather than from memory so that a resumed run's plot
shows its whole history. Uses matplotlib's object API (no pyplot global state),
written atomically.
"""

from __future__ import annotations

import os
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..fileio import atomic_path
from .runlog import read_log

__all__ = ["plot_log"]


def _series(records: list[dict[str, Any]], event: str, key: str) -> dict[str, list[tuple[int, float]]]:
    out: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for record in records:
        if record.get("event") != event:
            continue
        for name, value in (record.get(key) or {}).items():
            if isinstance(value, int | float):
                out[name].append((int(record["step"]), float(value)))
    return out


def plot_log(log: str | os.PathLike[str], target: str | os.PathLike[str], title: str = "") -> Path | None:
    """Plot losses (top) and evaluation metrics (bottom); ``None`` when there is nothing yet."""
    from matplotlib.figure import Figure

    records = read_log(log)
    losses = _series(records, "train", "losses")
    metrics = _series(records, "eval", "metrics")
    if not losses:
        return None
    rows = 2 if metrics else 1
    fig = Figure(figsize=(8, 3.2 * rows), layout="constrained")
    axes = fig.subplots(rows, 1, squeeze=False)[:, 0]
    for name, points in sorted(losses.items()):
        steps, values = zip(*points, strict=True)
        axes[0].plot(steps, values, label=name, linewidth=1)
    axes[0].set_ylabel("loss")
    axes[0].set_title(title or "training losses")
    axes[0].legend(loc="best", fontsize="small")
    axes[0].grid(alpha=0.3)
    if metrics:
        for name, points in sorted(metrics.items()):
            steps, values = zip(*points, strict=True)
            axes[1].plot(steps, values, marker="o", label=name, linewidth=1)
        axes[1].set_ylabel("evaluation")
        axes[1].legend(loc="best", fontsize="small")
        axes[1].grid(alpha=0.3)
    axes[-1].set_xlabel("step")
    target = Path(target)
    with atomic_path(target) as tmp:
        fig.savefig(tmp, dpi=100)
    return target
