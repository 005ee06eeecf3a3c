"""Evaluating a saved model with the recipe that trained its model type (``xmodal eval``).

Recipes measure with metrics looked up by name in the registry the
``register_metrics`` hook fills (:func:`build_metric`), so a metric one plugin
registers is available to every recipe's evaluation; ``xmodal eval
--list-metrics`` shows that registry.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import torch

from ..errors import PluginError
from . import rng
from .recipe import find_recipe, recipe_for_pipeline

if TYPE_CHECKING:
    from ..interfaces import Metric

__all__ = ["Evaluation", "build_metric", "evaluate"]


def build_metric(name: str, /, *args: Any, **kwargs: Any) -> Metric:
    """A fresh instance of the metric registered as ``name``, built with the arguments given.

    Looks in the engine's and the loaded plugins' registrations first and loads
    every installed plugin only for a name not found there, so that evaluating
    with the engine's own metrics imports no plugin.
    """
    from ..interfaces import Metric
    from ..plugins import get_manager

    manager = get_manager()
    factory = manager.metrics.find(name, load_more=manager.load_all,
                                   hint="; 'xmodal eval --list-metrics' shows the registered ones")
    metric = factory(*args, **kwargs)
    if not isinstance(metric, Metric):
        raise PluginError(
            f"{manager.metrics.owner(name)}: metric {name!r} built a {type(metric).__name__}, "
            "not an engine.Metric"
        )
    return metric


@dataclass
class Evaluation:
    """The metrics of one model on one split, and which recipe measured them."""

    model: str
    recipe: str
    split: str
    preset: str
    metrics: dict[str, float]

    def as_dict(self) -> dict[str, Any]:
        """One flat object: the metrics at the top level (what ``xmodal eval --json``
        promises, e.g. ``{"pc": ..., "sv": ...}``), then where they came from."""
        context = {"model": self.model, "recipe": self.recipe, "split": self.split,
                   "preset": self.preset}
        clash = sorted(set(context) & set(self.metrics))
        if clash:
            raise ValueError(f"metric names {clash} collide with the report's own keys")
        return {**self.metrics, **context}


def evaluate(
    ref: str | os.PathLike[str],
    *,
    split: str = "test",
    preset: str = "cpu-small",
    overrides: Mapping[str, Any] | None = None,
    recipe: str | None = None,
    revision: str | None = None,
    device: str | None = None,
) -> Evaluation:
    """Load ``ref`` (catalogue name, folder or Hub id) and run its recipe's evaluation.

    The recipe is found from the model's ``model_type`` unless named; ``preset``
    and ``overrides`` size the evaluation data (they do not touch the weights).
    ``device`` is where the model runs (default ``$XMODAL_DEVICE``, else cpu).
    """
    from ..loading import load

    pipeline = load(ref, revision=revision, device=device)
    if recipe is None:
        name, recipe_cls = recipe_for_pipeline(pipeline)
    else:
        name, recipe_cls = recipe, find_recipe(recipe)
    config = recipe_cls.configure(preset, overrides)
    rng.seed_everything(config.seed)
    instance = recipe_cls(config)
    pipeline.eval()
    with torch.no_grad():
        metrics = {k: float(v) for k, v in instance.evaluate(pipeline, split).items()}
    return Evaluation(str(ref), name, split, preset, metrics)
