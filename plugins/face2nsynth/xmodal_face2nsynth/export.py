"""Bundle a trained run into the plugin, with the ablation table beside the paper's in its card.

``python -m xmodal_face2nsynth.export runs/aux --row baseline=runs/base --row +metric=runs/metric``
copies ``runs/aux/model`` into ``xmodal_face2nsynth/weights/face2nsynth`` and rewrites its card
with every row's test metrics (read from each run's ``model/metrics.json``) next to Table 1 of
the paper. The table is also printed, as Markdown, for ``docs/results/face2nsynth.md``.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from engine.fileio import atomic_write_text

__all__ = ["ABLATION_FILE", "ablation_table", "export", "main"]

#: Test metrics of every ablation row, saved beside the bundled model: the quality test
#: holds the bundled model's live FID against the baseline row measured with it.
ABLATION_FILE = "ablation.json"

_COLUMNS = ("pc", "sv", "fid_pitch", "is_pitch", "fid_family", "is_family", "fid_phi")


def _read_run(run: Path) -> tuple[dict[str, Any], dict[str, float], float]:
    """(resolved config, test metrics, training seconds) of a run folder."""
    config = json.loads((run / "run.json").read_text(encoding="utf-8"))["config"]
    metrics = json.loads((run / "model" / "metrics.json").read_text(encoding="utf-8"))
    seconds = 0.0
    for line in (run / "log.jsonl").read_text(encoding="utf-8").splitlines():
        event = json.loads(line)
        if event.get("event") == "end":
            seconds = float(event.get("elapsed", 0.0))
    return config, metrics, seconds


def ablation_table(rows: Mapping[str, Path]) -> str:
    """Markdown: our rows (same preset and seed) and the paper's Table 1 rows."""
    from .cards import PAPER_ROWS

    head = "| row | " + " | ".join(_COLUMNS) + " | train time |"
    lines = [head, "|" + "---|" * (len(_COLUMNS) + 2)]
    reference: dict[str, float] = {}
    for name, run in rows.items():
        _, metrics, seconds = _read_run(run)
        reference = {k: metrics[k] for k in ("fid_pitch_ref", "fid_family_ref", "is_pitch_ref",
                                              "is_family_ref", "fid_phi_ref") if k in metrics}
        cells = [f"{metrics[k]:.4g}" if k in metrics else "" for k in _COLUMNS]
        lines.append(f"| ours: {name} | " + " | ".join(cells) + f" | {seconds / 60:.0f} min |")
    if reference:
        ref = {"fid_pitch": reference.get("fid_pitch_ref"), "is_pitch": reference.get("is_pitch_ref"),
               "fid_family": reference.get("fid_family_ref"),
               "is_family": reference.get("is_family_ref"), "fid_phi": reference.get("fid_phi_ref")}
        cells = [f"{ref[k]:.4g}" if ref.get(k) is not None else "" for k in _COLUMNS]
        lines.append("| ours: real test notes vs train notes | " + " | ".join(cells) + " | |")
    for name, values in PAPER_ROWS.items():
        cells = [f"{values[k]:.4g}" if k in values else "" for k in _COLUMNS]
        lines.append(f"| paper: {name} | " + " | ".join(cells) + " | |")
    return "\n".join(lines)


def export(run: Path, rows: Mapping[str, Path], target: Path | None = None) -> Path:
    """Copy ``run``'s exported model into the package (or ``target``) with the ablation card."""
    import engine

    from . import WEIGHTS
    from .cards import card_for, row_name
    from .frozen import load_audio_nets
    from .recipe import Face2NSynthConfig

    config_data, metrics, seconds = _read_run(run)
    config = Face2NSynthConfig.model_validate(config_data)
    pipeline = engine.load(str(run / "model"))
    card = card_for(config, metrics, load_audio_nets().meta)
    saved = json.loads((run / "run.json").read_text(encoding="utf-8"))
    overrides = " ".join(f"--set {k}={json.dumps(v) if not isinstance(v, str) else v}"
                         for k, v in saved.get("overrides", {}).items())
    card.training_command = (f"OMP_NUM_THREADS=1 xmodal train face2nsynth --preset {saved['preset']} "
                             f"--out runs/face2nsynth {overrides}".strip())
    table_rows = {**rows, row_name(config): run}
    card.sections["Ablation (same preset and seed; held-out faces, test notes)"] = (
        ablation_table(table_rows)
        + f"\n\nTraining time of this model: {seconds / 60:.0f} min on 2 shared CPU cores "
        "(1 thread). Absolute FID/IS are not comparable with the paper's (other data, other "
        "classifiers); compare each FID with our reference row."
    )
    folder = target or WEIGHTS
    pipeline.save_pretrained(folder, metrics=metrics, card=card)
    ablation = {name: _read_run(path)[1] for name, path in table_rows.items()}
    atomic_write_text(folder / ABLATION_FILE, json.dumps(ablation, indent=2, sort_keys=True) + "\n")
    return folder


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run", type=Path, help="run folder of the model to bundle")
    parser.add_argument("--row", action="append", default=[], metavar="NAME=RUN",
                        help="another ablation row's run folder (repeatable)")
    parser.add_argument("--target", type=Path, default=None)
    args = parser.parse_args(argv)
    rows = {}
    for item in args.row:
        name, _, path = item.partition("=")
        rows[name] = Path(path)
    print(export(args.run, rows, args.target))
    from .cards import row_name
    from .recipe import Face2NSynthConfig

    config = Face2NSynthConfig.model_validate(_read_run(args.run)[0])
    print(ablation_table({**rows, row_name(config): args.run}))


if __name__ == "__main__":
    main()
