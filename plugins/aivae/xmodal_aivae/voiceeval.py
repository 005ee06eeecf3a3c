"""How a model reads digits from heard voices, unheard voices and an unheard engine.

A one-to-one model's test set says little about voices it never heard; these
four figures, one code path (:func:`evaluation.evaluate_pipeline`), put the two
side by side. ``xmodal aivae voices MODEL [--write]`` prints them and, with
``--write``, stores them as ``voices-eval.json`` in the model folder, from
which the bundled card's section is rendered (no number is typed by hand).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .pipeline import Setting

if TYPE_CHECKING:
    from .pipeline import AivaePipeline

__all__ = ["FIGURES", "FILE", "card_section", "voice_figures"]

FILE = "voices-eval.json"
#: (key, evaluation setting or None for the model's own test split, what it holds).
FIGURES: tuple[tuple[str, Setting | None, str], ...] = (
    ("heard", "voices-heard", "`voices` train identities, held-out take 2 (known-speaker test)"),
    ("unheard", "voices-unheard", "`voices` test identities never heard in training"),
    ("unheard_engine", "voices-engine", "every English pico voice (the engine held out)"),
    ("today", None, "`mnist-digits-1to1` test set (the figure `xmodal eval` reports)"),
)


def voice_figures(pipeline: AivaePipeline) -> dict[str, dict[str, float]]:
    """``{key: {"lenet_accuracy", "lenet_accuracy_sampled", "items"}}`` for every figure."""
    from .evaluation import evaluate_pipeline

    out = {}
    for key, setting, _ in FIGURES:
        m = evaluate_pipeline(pipeline, "test", setting=setting)
        out[key] = {k: m[k] for k in ("lenet_accuracy", "lenet_accuracy_sampled", "items")}
    return out


def card_section(folder: Path) -> str | None:
    """The card's table from ``folder``'s ``voices-eval.json`` (None when it has none)."""
    path = folder / FILE
    if not path.is_file():
        return None
    figures: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    rows = [f"| {what} | {100 * figures[k]['lenet_accuracy']:.2f}% | {int(figures[k]['items'])} |"
            for k, _, what in FIGURES if k in figures]
    return ("LeNet-5 accuracy on digits generated from these clips (posterior mean), measured by "
            "`xmodal aivae voices " + folder.name + "`:\n\n| test clips | lenet_accuracy | clips |\n"
            "|---|---|---|\n" + "\n".join(rows))
