"""What a run is: recipe, preset, overrides and the resolved config, kept in ``run.json``.

A fresh run resolves its config from the recipe's preset and ``--set``
overrides; ``--resume`` reads it back from ``run.json`` (applying any new
overrides on top), so a resumed run continues exactly what was started.
"""

from __future__ import annotations

import json
import os
import shlex
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .._version import __version__
from ..errors import DataError, XmodalError
from ..fileio import atomic_write_text
from ..pretrained import METRICS_NAME
from .checkpoint import CheckpointStore
from .config import RecipeConfig, apply_overrides
from .recipe import Recipe, check_recipe_class, find_recipe
from .runlog import read_log

__all__ = ["RUN_FILE", "FinishedRun", "RunSpec", "read_finished_run", "resolve_run", "train_command"]

RUN_FILE = "run.json"
DEFAULT_PRESET = "cpu-small"


@dataclass
class RunSpec:
    """A resolved run: everything needed to start or continue it."""

    name: str
    recipe_cls: type[Recipe[Any]]
    out: Path
    config: RecipeConfig
    preset: str
    overrides: dict[str, Any]
    resuming: bool

    @property
    def command(self) -> str:
        """The ``xmodal train`` command line that (re)creates this run."""
        return train_command(self.name, self.preset, self.out, self.overrides)

    def write(self) -> None:
        record = {
            "recipe": self.name, "preset": self.preset, "overrides": self.overrides,
            "config": self.config.model_dump(mode="json"), "engine_version": __version__,
        }
        atomic_write_text(self.out / RUN_FILE, json.dumps(record, indent=2) + "\n")


def train_command(recipe: str, preset: str, out: str | Path, overrides: Mapping[str, Any]) -> str:
    """The ``xmodal train`` command line for a recipe, preset, output folder and overrides."""
    parts = ["xmodal", "train", recipe, "--preset", preset, "--out", str(out)]
    for key, value in overrides.items():
        text = value if isinstance(value, str) else json.dumps(value)
        parts += ["--set", f"{key}={text}"]
    return shlex.join(parts)


@dataclass(frozen=True)
class FinishedRun:
    """What a finished ``xmodal train`` run folder records, for tables and cards made from runs."""

    folder: Path
    recipe: str
    preset: str
    overrides: dict[str, Any]
    #: The resolved config as saved (plain JSON values).
    config: dict[str, Any]
    #: The final evaluation of the exported model (``model/metrics.json``).
    metrics: dict[str, Any]
    #: Training time from the log's ``end`` record (``nan`` if the log has none).
    seconds: float

    def command(self, out: str | Path | None = None) -> str:
        """The command that trains this run again (into ``out``, default the same folder)."""
        return train_command(self.recipe, self.preset, out or self.folder, self.overrides)


def read_finished_run(folder: str | os.PathLike[str]) -> FinishedRun:
    """Read ``run.json``, ``model/metrics.json`` and the log of a finished run folder."""
    folder = Path(folder)
    try:
        saved = json.loads((folder / RUN_FILE).read_text(encoding="utf-8"))
        metrics = json.loads((folder / "model" / METRICS_NAME).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DataError(f"{folder}: not a finished run ({exc.__class__.__name__})") from None
    ends = [r for r in read_log(folder / "log.jsonl") if r.get("event") == "end"]
    return FinishedRun(
        folder=folder, recipe=str(saved.get("recipe")), preset=str(saved.get("preset")),
        overrides=dict(saved.get("overrides", {})), config=dict(saved["config"]), metrics=dict(metrics),
        seconds=float(ends[-1].get("elapsed", float("nan"))) if ends else float("nan"),
    )


def resolve_run(
    recipe: str | type[Recipe[Any]],
    out: Path,
    *,
    preset: str | None,
    overrides: Mapping[str, Any],
    resume: bool,
    name: str | None = None,
) -> RunSpec:
    """The run's spec: from ``run.json`` when resuming one, else from preset and overrides."""
    if isinstance(recipe, str):
        name = name or recipe
        recipe_cls = find_recipe(recipe)
    else:
        name = name or recipe.__name__
        recipe_cls = check_recipe_class(name, recipe)
    overrides = dict(overrides)
    run_file = out / RUN_FILE
    if resume and run_file.is_file():
        saved = json.loads(run_file.read_text(encoding="utf-8"))
        if saved.get("recipe") != name:
            raise XmodalError(f"{out} holds a run of {saved.get('recipe')!r}, not {name!r}")
        if preset is not None and preset != saved["preset"]:
            raise XmodalError(
                f"{out} was trained with preset {saved['preset']!r}; resume it without --preset "
                f"or with --preset {saved['preset']}"
            )
        base = recipe_cls.Config.model_validate(saved["config"])
        config = apply_overrides(base, overrides) if overrides else base
        merged = {**saved.get("overrides", {}), **overrides}
        return RunSpec(name, recipe_cls, out, config, saved["preset"], merged, True)
    if not resume and (run_file.exists() or CheckpointStore(out / "checkpoints").steps()):
        raise XmodalError(
            f"{out} already holds a training run; pass --resume to continue it or choose "
            f"another --out"
        )
    preset = preset or DEFAULT_PRESET
    config = recipe_cls.configure(preset, overrides)
    return RunSpec(name, recipe_cls, out, config, preset, overrides, resume)
