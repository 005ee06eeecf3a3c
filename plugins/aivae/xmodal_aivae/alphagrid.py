"""The paper's Table 5 from finished runs: AIVAEGAN accuracy for each alpha and data setting.

Each grid cell is its own ``xmodal train aivaegan --preset grid --set alpha=A`` run;
this module reads what the runs wrote (``run.json`` for alpha and setting,
``model/metrics.json`` for the test metrics, ``log.jsonl`` for the time), so the
table and the plot are always made from the measured files, never typed in.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

from engine import DataError
from engine.pictures import save_figure
from engine.train.runfile import read_finished_run

from .cards import PAPER_ACCURACY

__all__ = ["GridCell", "alpha_plot", "markdown_table", "read_cells"]


@dataclass(frozen=True)
class GridCell:
    """One finished AIVAEGAN run: its alpha, data setting and test figures."""

    run: Path
    alpha: float
    setting: str
    lenet_accuracy: float
    lenet_accuracy_sampled: float
    steps: int
    seconds: float


def read_cells(runs: Iterable[str | os.PathLike[str]]) -> list[GridCell]:
    """Cells of the given run folders, sorted by setting then alpha."""
    cells = []
    for item in runs:
        run = read_finished_run(item)
        if run.recipe != "aivaegan":
            raise DataError(f"{run.folder}: a {run.recipe!r} run, not an aivaegan one")
        cells.append(GridCell(
            run=run.folder, alpha=float(run.config["alpha"]), setting=str(run.config["setting"]),
            lenet_accuracy=float(run.metrics["lenet_accuracy"]),
            lenet_accuracy_sampled=float(run.metrics.get("lenet_accuracy_sampled", float("nan"))),
            steps=int(run.config["steps"]), seconds=run.seconds,
        ))
    return sorted(cells, key=lambda c: (c.setting, c.alpha))


def markdown_table(cells: Sequence[GridCell]) -> str:
    """One row per alpha, one column pair (ours, sampled) per setting, the paper's alpha = 2 row."""
    settings = sorted({c.setting for c in cells})
    alphas = sorted({c.alpha for c in cells})
    by_key = {(c.setting, c.alpha): c for c in cells}
    head = "| alpha | " + " | ".join(f"{s}: mean | {s}: draw" for s in settings) + " | paper |"
    lines = [head, "|" + "---|" * (2 * len(settings) + 2)]
    for alpha in alphas:
        cols = []
        for s in settings:
            cell = by_key.get((s, alpha))
            cols += ([f"{100 * cell.lenet_accuracy:.2f}%", f"{100 * cell.lenet_accuracy_sampled:.2f}%"]
                     if cell else ["", ""])
        paper = " / ".join(f"{100 * PAPER_ACCURACY[('aivaegan', s)]:.1f}%" for s in settings
                           if ("aivaegan", s) in PAPER_ACCURACY) if alpha == 2 else ""
        lines.append(f"| {alpha:g} | " + " | ".join(cols) + f" | {paper} |")
    return "\n".join(lines)


def alpha_plot(cells: Sequence[GridCell], path: str | os.PathLike[str]) -> Path:
    """Accuracy against alpha, one line per setting, the paper's alpha = 2 points as crosses."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(figsize=(5.6, 3.8))
    for setting in sorted({c.setting for c in cells}):
        mine = [c for c in cells if c.setting == setting]
        line = ax.plot([c.alpha for c in mine], [c.lenet_accuracy for c in mine], marker="o",
                       label=f"ours, {setting}")[0]
        ax.plot([c.alpha for c in mine], [c.lenet_accuracy_sampled for c in mine], marker=".",
                linestyle=":", color=line.get_color(), label=f"ours, {setting} (posterior draw)")
        paper = PAPER_ACCURACY.get(("aivaegan", setting))
        if paper is not None:
            ax.plot([2.0], [paper], marker="x", markersize=10, linestyle="", color=line.get_color(),
                    label=f"paper, {setting}")
    ax.set_xscale("log")
    ax.set_xticks(sorted({c.alpha for c in cells}), [f"{c:g}" for c in sorted({c.alpha for c in cells})])
    ax.minorticks_off()
    ax.set_xlabel("alpha (weight of the reconstruction term)")
    ax.set_ylabel("LeNet-5 accuracy on generated digits")
    ax.set_ylim(0, 1.02)
    ax.axhline(0.1, color="grey", linewidth=0.8, linestyle=":")
    ax.grid(alpha=0.3)
    ax.legend(fontsize=7)
    return save_figure(fig, path)
