"""Every hook a plugin can implement, and the callbacks the hooks receive, in one place.

xmodal plugins are ordinary Python packages that expose a module through the
``xmodal`` entry-point group. The engine imports that module on first use,
checks its ``__xmodal_api__`` specifier against :data:`engine.API_VERSION`, and
registers it with pluggy. Each hook receives a ``register`` callback rather than
returning values, so one plugin can contribute any number of models, datasets,
metrics or recipes and the engine stays in charge of naming conflicts.

The callbacks' types are the protocols below (:class:`RegisterModel` and so
on); annotate hook implementations with them, from :mod:`engine.plugin`, and a
type checker sees the same contract the engine enforces at run time.

Example (the whole of a minimal plugin module)::

    from engine.plugin import RegisterModel, hookimpl

    __xmodal_api__ = ">=1,<2"

    @hookimpl
    def register_models(register: RegisterModel) -> None:
        register("shout", pipeline="shout.pipeline:ShoutPipeline", weights=BUNDLED_DIR,
                 task="audio -> audio", description="Makes audio louder.")
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

import pluggy

if TYPE_CHECKING:
    import click

    from .data.builder import DatasetBuilder
    from .interfaces import Metric
    from .pipeline import Pipeline
    from .train.recipe import Recipe

__all__ = [
    "PROJECT_NAME",
    "MetricFactory",
    "RegisterDataset",
    "RegisterMetric",
    "RegisterModel",
    "RegisterRecipe",
    "hookimpl",
    "hookspec",
]

PROJECT_NAME = "xmodal"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


class RegisterModel(Protocol):
    """The ``register`` callback of :func:`register_models`.

    ``name`` is what users type (``engine.load(name)``, ``xmodal translate name``).
    ``pipeline`` is an :class:`engine.Pipeline` subclass or a ``"module:Class"``
    string, imported only when the model is loaded, so that registering does not
    import torch. ``weights`` is the pretrained folder: a path inside the plugin
    package for bundled weights, or a Hub repo id ``org/name[@revision]``.

    ``task`` and ``description`` are only needed for models the catalogue
    (``registry.toml``) does not list: for a catalogued model they come from
    the catalogue, and a value given here that disagrees with it is refused.
    """

    def __call__(
        self,
        name: str,
        /,
        *,
        pipeline: type[Pipeline] | str,
        weights: str | Path | None = None,
        task: str = "",
        description: str = "",
    ) -> None: ...


class RegisterDataset(Protocol):
    """The ``register`` callback of :func:`register_datasets`: one builder instance.

    The builder's ``name`` is the dataset's name in ``engine.data.load(name)``.
    """

    def __call__(self, builder: DatasetBuilder, /) -> None: ...


class MetricFactory(Protocol):
    """What :func:`register_metrics` registers: keyword arguments in, a fresh metric out.

    A :class:`engine.Metric` subclass is itself a factory; so is a function that
    imports the class on first use, which keeps registration free of torch.
    """

    def __call__(self, *args: Any, **kwargs: Any) -> Metric: ...


class RegisterMetric(Protocol):
    """The ``register`` callback of :func:`register_metrics`: a name and its factory."""

    def __call__(self, name: str, factory: MetricFactory, /) -> None: ...


class RegisterRecipe(Protocol):
    """The ``register`` callback of :func:`register_recipes`.

    ``recipe`` is an :class:`engine.train.Recipe` subclass or a ``"module:Class"``
    string; the string form keeps torch out of registration.
    """

    def __call__(self, name: str, recipe: type[Recipe[Any]] | str, /) -> None: ...


@hookspec
def register_models(register: RegisterModel) -> None:
    """Contribute named, loadable models (see :class:`RegisterModel`).

    A pipeline class registered here is also what ``config.json`` files with its
    ``model_type`` resolve to.
    """


@hookspec
def register_datasets(register: RegisterDataset) -> None:
    """Contribute :class:`engine.data.DatasetBuilder` instances to the data layer."""


@hookspec
def register_metrics(register: RegisterMetric) -> None:
    """Contribute metrics by name, for every recipe's evaluation and ``xmodal eval``.

    Recipes build registered metrics with :func:`engine.plugin.build_metric`;
    ``xmodal eval --list-metrics`` shows what is registered and by whom.
    """


@hookspec
def register_recipes(register: RegisterRecipe) -> None:
    """Contribute training recipes for ``xmodal train`` and ``xmodal eval``."""


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add sub-commands to the ``xmodal`` command line.

    Called with the root :class:`click.Group`; add commands with
    ``cli.add_command(...)``. Plugins are only imported for this when a command
    the engine does not know is asked for, or for ``xmodal --help``.
    """
