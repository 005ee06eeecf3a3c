"""The training runtime: recipes (what a paper trains) run by one engine loop.

A plugin writes a :class:`Recipe` (config with presets, modules, optimisers,
one training step, evaluation, card) and registers it with the
``register_recipes`` hook; ``xmodal train NAME --preset P --out DIR`` or
:func:`train` runs it with seeding, distributed data, mixed precision,
progress, JSONL logs, evaluation with best-checkpoint selection, atomic
checkpoints, exact resume, NaN/inf and signal handling, and export to a
pretrained folder. See ``docs/training.md``.

Importing this package is cheap; the pieces load on first use.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .._lazy import lazy_getattr

if TYPE_CHECKING:
    from .augment import diff_augment
    from .average import averaged_copy, update_average
    from .checkpoint import CheckpointStore
    from .config import REQUIRED_PRESETS, RecipeConfig, parse_overrides
    from .context import StepContext, uniform_index
    from .evaluate import evaluate
    from .guard import TrainingDiverged, TrainingInterrupted
    from .loop import TrainResult, train
    from .recipe import Recipe, Selection, find_recipe, recipe_for_pipeline
    from .runlog import read_log
    from .stage import cached_stage, stage_paths

__all__ = [
    "REQUIRED_PRESETS",
    "CheckpointStore",
    "Recipe",
    "RecipeConfig",
    "Selection",
    "StepContext",
    "TrainResult",
    "TrainingDiverged",
    "TrainingInterrupted",
    "averaged_copy",
    "cached_stage",
    "diff_augment",
    "evaluate",
    "find_recipe",
    "parse_overrides",
    "read_log",
    "recipe_for_pipeline",
    "stage_paths",
    "train",
    "uniform_index",
    "update_average",
]

_WHERE = {
    "diff_augment": "augment",
    "averaged_copy": "average",
    "update_average": "average",
    "CheckpointStore": "checkpoint",
    "REQUIRED_PRESETS": "config",
    "RecipeConfig": "config",
    "parse_overrides": "config",
    "StepContext": "context",
    "uniform_index": "context",
    "evaluate": "evaluate",
    "TrainingDiverged": "guard",
    "TrainingInterrupted": "guard",
    "TrainResult": "loop",
    "train": "loop",
    "Recipe": "recipe",
    "Selection": "recipe",
    "find_recipe": "recipe",
    "recipe_for_pipeline": "recipe",
    "read_log": "runlog",
    "cached_stage": "stage",
    "stage_paths": "stage",
}


__getattr__ = lazy_getattr(__name__, globals(), {k: f".{v}" for k, v in _WHERE.items()})
