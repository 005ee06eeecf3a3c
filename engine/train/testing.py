"""Helpers for testing recipes: the engine's own tests use them, and so can plugins'.

``check_recipe`` is the one-call contract test a plugin's suite should run on
each of its recipes: the ``test`` preset trains, checkpoints, evaluates to
finite numbers, exports a folder that loads back with the same weights.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import torch

from .checkpoint import CheckpointStore
from .loop import TrainResult, train
from .recipe import Recipe

__all__ = ["check_recipe", "checkpoint_tensors"]


def checkpoint_tensors(out: str | os.PathLike[str], which: str = "last") -> dict[str, torch.Tensor]:
    """The module tensors (``module.key``) of a run's ``last`` or ``best`` checkpoint."""
    from safetensors.torch import load_file

    store = CheckpointStore(Path(out) / "checkpoints")
    path = store.pointer(which)
    if path is None or not store.verify(path):
        raise AssertionError(f"{out}: no valid {which!r} checkpoint")
    return load_file(str(path / "modules.safetensors"))


def check_recipe(
    recipe: str | type[Recipe[Any]], out: str | os.PathLike[str], **overrides: Any
) -> TrainResult:
    """Train ``recipe``'s ``test`` preset into ``out`` and check what a run must produce."""
    from ..loading import load_folder

    result = train(recipe, out, preset="test", overrides=overrides)
    out = Path(out)
    for name in ("run.json", "log.jsonl", "losses.png"):
        assert (out / name).is_file(), f"{name} missing from {out}"
    assert CheckpointStore(out / "checkpoints").latest() is not None, "no valid checkpoint"
    assert all(math.isfinite(v) for v in result.metrics.values()), result.metrics
    assert result.model_dir is not None
    loaded = load_folder(result.model_dir)
    exported = loaded.persistent_state_dict()
    assert exported, "the exported pipeline has no weights"
    return result
