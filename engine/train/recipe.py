"""The recipe: everything about training one model that is specific to its paper.

The engine owns the loop (devices, processes, seeding, data order, logging,
evaluation schedule, checkpoints, resume, divergence checks, export); a recipe
only says what to build, how one step trains it, how to evaluate it and how to
package it. That split is what lets one loop serve GANs with five critic steps
and VAEs with one optimiser alike.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, ClassVar, Generic, Literal, TypeVar

from ..card import CardInfo
from ..errors import PluginError, XmodalError
from ..registry import import_object, suggest
from .config import REQUIRED_PRESETS, RecipeConfig, resolve_config

if TYPE_CHECKING:
    import torch
    from torch import nn
    from torch.utils.data import Dataset

    from ..pipeline import Pipeline
    from .context import StepContext

__all__ = ["Recipe", "Selection", "check_recipe_class", "find_recipe", "recipe_for_pipeline"]

C = TypeVar("C", bound=RecipeConfig)

#: ``(metric name, "max" | "min")``: how evaluation picks the best checkpoint.
Selection = tuple[str, Literal["max", "min"]]


class Recipe(ABC, Generic[C]):
    """Subclass per trainable model; register it with the ``register_recipes`` hook.

    Class attributes: ``Config`` (a :class:`RecipeConfig` subclass), ``presets``
    (name -> field overrides; at least ``test``, ``cpu-small`` and ``paper``),
    ``model_type`` (the :class:`~engine.Pipeline` type it trains, which is how
    ``xmodal eval`` finds the recipe of a saved model) and ``selection`` (the
    metric that picks the best checkpoint, or ``None`` to keep the last) and
    ``averaged`` (the module, typically a GAN's generator, whose moving average
    the loop keeps when the config's ``ema`` is above 0: the loop adds it as
    ``NAME_ema``, updates it after every step and hands it to :meth:`pipeline`
    in place of ``NAME``; ``None``: the recipe has no such module).
    """

    Config: ClassVar[type[RecipeConfig]] = RecipeConfig
    presets: ClassVar[dict[str, dict[str, Any]]] = {}
    model_type: ClassVar[str] = ""
    selection: ClassVar[Selection | None] = None
    averaged: ClassVar[str | None] = None

    def __init__(self, config: C) -> None:
        self.config = config

    @classmethod
    def configure(cls, preset: str = "cpu-small", overrides: Mapping[str, Any] | None = None) -> C:
        """The validated config for ``preset`` with ``--set`` style overrides."""
        return resolve_config(cls.Config, cls.presets, preset, overrides)  # type: ignore[return-value]

    # -- what the loop calls, in order -----------------------------------------
    @abstractmethod
    def train_dataset(self) -> Dataset[Any]:
        """The training set; items are collated with torch's default collate."""

    @abstractmethod
    def build(self) -> dict[str, nn.Module]:
        """Freshly initialised trainable modules by name (e.g. generator, discriminator).

        Each is wrapped for data parallelism and mixed precision; call them only
        through ``ctx.modules`` in :meth:`train_step` so gradients are synchronised.
        """

    @abstractmethod
    def optimizers(self, modules: Mapping[str, nn.Module]) -> dict[str, torch.optim.Optimizer]:
        """Optimisers by name over the (unwrapped) modules' parameters."""

    def schedulers(self, optimizers: Mapping[str, torch.optim.Optimizer]) -> dict[str, Any]:
        """Learning-rate schedulers by name, stepped once after every training step."""
        return {}

    @abstractmethod
    def train_step(self, batch: Any, ctx: StepContext) -> Mapping[str, Any]:
        """One training step on ``batch`` (already on the device); returns named losses.

        Update with ``ctx.optimize(name, loss)``; draw further batches (extra
        critic steps) with ``ctx.next_batch()`` and noise with ``ctx.randn``.
        Every returned value is logged and checked for NaN/inf.
        """

    @abstractmethod
    def pipeline(self, modules: Mapping[str, nn.Module]) -> Pipeline:
        """The inference pipeline around the trained modules (sharing their parameters)."""

    def evaluate(self, pipeline: Pipeline, split: str) -> dict[str, float]:
        """The paper's metrics for ``pipeline`` on ``split`` (``val`` or ``test``)."""
        return {}

    def card(self, metrics: Mapping[str, Any]) -> CardInfo:
        """What the exported model card says besides the metrics."""
        return CardInfo()


def check_recipe_class(name: str, recipe_cls: Any) -> type[Recipe[Any]]:
    """A registered recipe is a Recipe subclass with the required presets."""
    if isinstance(recipe_cls, str):
        recipe_cls = import_object(recipe_cls)
    if not (isinstance(recipe_cls, type) and issubclass(recipe_cls, Recipe)):
        raise PluginError(f"recipe {name!r} is not an engine.train.Recipe subclass")
    missing = [p for p in REQUIRED_PRESETS if p not in recipe_cls.presets]
    if missing:
        raise PluginError(f"recipe {name!r} lacks the preset(s) {', '.join(missing)}")
    return recipe_cls


def find_recipe(name: str) -> type[Recipe[Any]]:
    """The recipe registered as ``name`` by the engine or any installed plugin."""
    from ..plugins import get_manager

    manager = get_manager()
    entry = manager.recipes.get(name)
    if entry is None:
        manager.load_all()
        entry = manager.recipes.get(name)
    if entry is None:
        known = manager.recipes.names()
        raise XmodalError(
            f"unknown recipe {name!r}{suggest(name, known)}; known recipes: "
            f"{', '.join(known) or 'none'}"
        )
    return check_recipe_class(name, entry)


def recipe_for_pipeline(pipeline: Pipeline) -> tuple[str, type[Recipe[Any]]]:
    """The recipe that trains ``pipeline``'s model type (its own name preferred)."""
    from ..plugins import get_manager

    manager = get_manager()
    manager.load_all()
    model_type = pipeline.config.model_type
    matches: list[tuple[str, type[Recipe[Any]]]] = []
    for name, entry in manager.recipes.items():
        try:
            cls = check_recipe_class(name, entry)
        except (PluginError, ImportError, AttributeError):
            continue
        if cls.model_type == model_type:
            matches.append((name, cls))
    if not matches:
        raise XmodalError(f"no installed recipe evaluates model type {model_type!r}")
    for name, cls in matches:
        if name == pipeline.config.name:
            return name, cls
    return matches[0]
