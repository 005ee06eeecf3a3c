"""Every hook a plugin can implement, in one place.

xmodal plugins are ordinary Python packages that expose a module through the
``xmodal`` entry-point group. The engine imports that module on first use,
checks its ``__xmodal_api__`` specifier against :data:`engine.API_VERSION`, and
registers it with pluggy. Each hook receives a ``register`` callback rather than
returning values, so one plugin can contribute any number of models, datasets,
metrics or recipes and the engine stays in charge of naming conflicts.

Example (the whole of a minimal plugin module)::

    import engine

    __xmodal_api__ = ">=1,<2"

    @engine.hookimpl
    def register_models(register):
        register("shout", pipeline=ShoutPipeline, weights=BUNDLED_DIR,
                 task="audio -> audio", description="Makes audio louder.")
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    import click

__all__ = ["PROJECT_NAME", "hookimpl", "hookspec"]

PROJECT_NAME = "xmodal"

hookspec = pluggy.HookspecMarker(PROJECT_NAME)
hookimpl = pluggy.HookimplMarker(PROJECT_NAME)


@hookspec
def register_models(register: Any) -> None:
    """Contribute named, loadable models.

    ``register(name, *, pipeline, weights=None, task="", description="")``:
    ``pipeline`` is a :class:`engine.Pipeline` subclass (or a ``"module:Class"``
    string, imported only when the model is loaded); ``weights`` is where the
    pretrained folder lives: a path inside the plugin package for bundled weights,
    or a Hub repo id ``org/name[@revision]``. A pipeline class registered here is
    also what ``config.json`` files with its ``model_type`` resolve to.
    """


@hookspec
def register_datasets(register: Any) -> None:
    """Contribute dataset builders to the data layer.

    ``register(builder)`` takes an :class:`engine.data.DatasetBuilder` instance.
    """


@hookspec
def register_metrics(register: Any) -> None:
    """Contribute metrics, by name, for recipes and ``xmodal eval``.

    ``register(name, factory)``: ``factory(**kwargs)`` returns an
    :class:`engine.Metric`.
    """


@hookspec
def register_recipes(register: Any) -> None:
    """Contribute training recipes for ``xmodal train``.

    ``register(name, recipe_cls)``: ``recipe_cls`` is an
    :class:`engine.train.Recipe` subclass with its config and presets, or a
    ``"module:Class"`` string so that registration does not import torch.
    """


@hookspec
def register_commands(cli: click.Group) -> None:
    """Add sub-commands to the ``xmodal`` command line.

    Called with the root :class:`click.Group`; add commands with
    ``cli.add_command(...)``. Plugins are only imported for this when a command
    the engine does not know is asked for, or for ``xmodal --help``.
    """
