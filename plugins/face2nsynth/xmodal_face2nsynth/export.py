"""Bundle a trained run into the plugin, with the ablation table beside the paper's in its card.

``xmodal face2nsynth export runs/aux --row baseline=runs/base --row +metric=runs/metric``
(``--earlier FILE``: rows measured before, e.g. the WaveGAN ablation, as JSON
``{name: {metric: value, ..., "train_seconds": s}}``) copies
``runs/aux/model`` into ``xmodal_face2nsynth/weights/face2nsynth`` and rewrites its card
with every row's test metrics (read from each run's ``model/metrics.json``) next to Table 1 of
the paper. The table is also printed, as Markdown, for ``docs/results/face2nsynth.md``.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.fileio import atomic_write_text
from engine.train.runfile import read_finished_run

__all__ = ["ABLATION_FILE", "ablation_table", "export"]

#: Test metrics of every ablation row, saved beside the bundled model: the quality test
#: holds the bundled model's live FID against the baseline row measured with it.
ABLATION_FILE = "ablation.json"

_COLUMNS = ("pc", "pc_same_pitch", "sv", "pitch_accuracy", "fid_pitch", "is_pitch", "fid_family",
            "is_family", "fid_phi", "families_used", "fixed_pitch_families", "fixed_pitch_spread")

#: One table row: test metrics and training seconds.
Row = tuple[Mapping[str, Any], float]


def ablation_table(rows: Mapping[str, Row]) -> str:
    """Markdown: our rows (same preset and seed) and the paper's Table 1 rows."""
    from .cards import PAPER_ROWS

    head = "| row | " + " | ".join(_COLUMNS) + " | train time |"
    lines = [head, "|" + "---|" * (len(_COLUMNS) + 2)]
    reference: Mapping[str, Any] = {}
    for name, (metrics, seconds) in rows.items():
        cells = [f"{metrics[k]:.4g}" if k in metrics else "" for k in _COLUMNS]
        lines.append(f"| ours: {name} | " + " | ".join(cells) + f" | {seconds / 60:.0f} min |")
        reference = metrics  # every row carries the same real-vs-real reference figures
    if any(f"{k}_ref" in reference for k in _COLUMNS):
        cells = [f"{reference[f'{k}_ref']:.4g}" if f"{k}_ref" in reference else "" for k in _COLUMNS]
        lines.append("| ours: real test notes vs train notes | " + " | ".join(cells) + " | |")
    for name, values in PAPER_ROWS.items():
        cells = [f"{values[k]:.4g}" if k in values else "" for k in _COLUMNS]
        lines.append(f"| paper: {name} | " + " | ".join(cells) + " | |")
    return "\n".join(lines)


def export(run_folder: Path, rows: Mapping[str, Path], target: Path | None = None,
           earlier: Path | None = None) -> tuple[Path, str]:
    """Copy a run's exported model into the package (or ``target``) with the ablation card.

    Returns the folder and the ablation table (Markdown), which lists the ``earlier``
    rows first, then ``rows`` and ``run_folder`` under its own row name.
    """
    import engine

    from . import WEIGHTS
    from .cards import card_for, row_name
    from .frozen import load_audio_nets
    from .recipe import Face2NSynthConfig

    run = read_finished_run(run_folder)
    config = Face2NSynthConfig.model_validate(run.config)
    pipeline = engine.load(str(run_folder / "model"))
    card = card_for(config, run.metrics, load_audio_nets().meta)
    card.training_command = run.command(out="runs/face2nsynth")
    runs = {name: read_finished_run(path) for name, path in rows.items()}
    runs[row_name(config)] = run
    table_rows: dict[str, Row] = {}
    if earlier is not None:
        for name, values in json.loads(earlier.read_text(encoding="utf-8")).items():
            table_rows[name] = (values, float(values.get("train_seconds", float("nan"))))
    table_rows.update({name: (r.metrics, r.seconds) for name, r in runs.items()})
    table = ablation_table(table_rows)
    card.sections["Ablation (same preset and seed; held-out faces, test notes)"] = (
        table
        + f"\n\nTraining time of this model: {run.seconds / 60:.0f} min on 2 CPU cores "
        f"({config.threads or 'default'} torch threads). Absolute FID/IS are not comparable "
        "with the paper's (other data, other classifiers); compare each FID with our reference row."
    )
    folder = target or WEIGHTS
    pipeline.save_pretrained(folder, metrics=run.metrics, card=card)
    ablation = {name: dict(metrics) for name, (metrics, _) in table_rows.items()}
    atomic_write_text(folder / ABLATION_FILE, json.dumps(ablation, indent=2, sort_keys=True) + "\n")
    return folder, table
