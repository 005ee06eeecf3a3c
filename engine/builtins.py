"""The engine's own contributions, registered through the same hooks as plugins.

Datasets and metrics the papers share (MNIST, FSDD, Fréchet distance, ...) live
in the engine, so they are registered here rather than by any one plugin, along
with the small demo model and recipe the training runtime's tests and
benchmarks use.
"""

from __future__ import annotations

from .hookspecs import RegisterDataset, RegisterMetric, RegisterModel, RegisterRecipe, hookimpl

__xmodal_api__ = ">=1,<2"


@hookimpl
def register_models(register: RegisterModel) -> None:
    from .train.builtin import builtin_models

    for name, kwargs in builtin_models().items():
        register(name, **kwargs)


@hookimpl
def register_datasets(register: RegisterDataset) -> None:
    from .data.builtin import builtin_datasets

    for builder in builtin_datasets():
        register(builder)


@hookimpl
def register_metrics(register: RegisterMetric) -> None:
    from .metrics import builtin_metrics

    for name, factory in builtin_metrics().items():
        register(name, factory)


@hookimpl
def register_recipes(register: RegisterRecipe) -> None:
    from .train.builtin import builtin_recipes

    for name, recipe in builtin_recipes().items():
        register(name, recipe)
