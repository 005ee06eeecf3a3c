"""Plugin discovery and loading, lazy and fault-isolated.

Listing plugins reads entry-point metadata only; a plugin module is imported the
first time something it provides is needed. A plugin whose import raises, or
whose declared API range excludes :data:`engine.API_VERSION`, is recorded with
its error and skipped, so one broken package never takes the engine down. Set
``XMODAL_STRICT_PLUGINS=1`` to make such errors raise instead (useful in a
plugin's own CI), and run :func:`check_models` there too.
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

from ._version import API_VERSION
from .entrypoints import EntryPointRecord, entry_points
from .errors import PluginError
from .registry import ModelSpec, Registry, model_spec

if TYPE_CHECKING:
    import click
    import pluggy

    from .data.builder import DatasetBuilder
    from .hookspecs import (
        MetricFactory,
        RegisterDataset,
        RegisterMetric,
        RegisterModel,
        RegisterRecipe,
    )
    from .pipeline import Pipeline
    from .train.recipe import Recipe

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "PluginManager",
    "check_models",
    "get_manager",
    "strict_mode",
]

ENTRY_POINT_GROUP = "xmodal"
HOOK_NAMES = (
    "register_models",
    "register_datasets",
    "register_metrics",
    "register_recipes",
    "register_commands",
)


def strict_mode() -> bool:
    """Whether plugin failures should raise (``XMODAL_STRICT_PLUGINS`` set and not 0)."""
    return os.environ.get("XMODAL_STRICT_PLUGINS", "") not in ("", "0", "false", "no")


@dataclass
class PluginInfo:
    """What the engine knows about one plugin, before and after importing it."""

    name: str
    module: str
    distribution: str = ""
    version: str = ""
    state: str = "available"  # available | loaded | failed
    error: str = ""
    api: str = ""
    hooks: list[str] = field(default_factory=list)


def _api_compatible(spec: str) -> bool:
    from packaging.specifiers import InvalidSpecifier, SpecifierSet

    try:
        return SpecifierSet(spec).contains(API_VERSION, prereleases=True)
    except InvalidSpecifier as exc:
        raise PluginError(f"__xmodal_api__ = {spec!r} is not a version specifier") from exc


class PluginManager:
    """Finds plugins through entry points and fills the engine's registries."""

    def __init__(self, *, strict: bool | None = None) -> None:
        self.strict = strict_mode() if strict is None else strict
        self._infos: dict[str, PluginInfo] | None = None
        self._entry_points: dict[str, EntryPointRecord] = {}
        self._modules: dict[str, ModuleType] = {}
        self._pm: pluggy.PluginManager | None = None
        self._collected: dict[str, set[str]] = {}
        # Registries are filled lazily, per hook, on every read: loading a model
        # does not import dataset or metric code, and a reference taken before a
        # plugin was loaded still sees that plugin's contributions.
        self.models: Registry[ModelSpec] = Registry(
            "model", lambda: self._collect("register_models")
        )
        self.datasets: Registry[DatasetBuilder] = Registry(
            "dataset", lambda: self._collect("register_datasets")
        )
        self.metrics: Registry[MetricFactory] = Registry(
            "metric", lambda: self._collect("register_metrics")
        )
        self.recipes: Registry[type[Recipe[Any]] | str] = Registry(
            "recipe", lambda: self._collect("register_recipes")
        )

    # -- discovery (no imports) -------------------------------------------------
    def infos(self) -> dict[str, PluginInfo]:
        """All known plugins by name, discovered from entry points without importing them."""
        if self._infos is None:
            self._infos = {}
            for ep in entry_points(ENTRY_POINT_GROUP):
                if ep.name in self._infos:
                    continue  # the first distribution on sys.path wins, like imports do
                self._entry_points[ep.name] = ep
                self._infos[ep.name] = PluginInfo(
                    name=ep.name, module=ep.value, distribution=ep.distribution, version=ep.version
                )
        return self._infos

    def is_installed(self, name: str) -> bool:
        return name in self.infos()

    # -- loading ----------------------------------------------------------------
    def _pluggy(self) -> pluggy.PluginManager:
        if self._pm is None:
            import pluggy

            from . import hookspecs

            self._pm = pluggy.PluginManager(hookspecs.PROJECT_NAME)
            self._pm.add_hookspecs(hookspecs)
        return self._pm

    def load(self, name: str) -> ModuleType | None:
        """Import and register one plugin; ``None`` (with the error recorded) if it fails."""
        infos = self.infos()
        if name in self._modules:
            return self._modules[name]
        info = infos.get(name)
        if info is None:
            raise PluginError(f"no plugin named {name!r} is installed")
        if info.state == "failed":
            return None
        try:
            module: ModuleType = _load_entry_point(self._entry_points[name].value)
            self._activate(name, module, info)
        except Exception as exc:
            info.state = "failed"
            info.error = _one_line(exc)
            if self.strict:
                raise PluginError(f"plugin {name!r} failed to load: {info.error}") from exc
            return None
        return module

    def load_all(self) -> None:
        """Load every installed plugin, isolating failures."""
        for name in list(self.infos()):
            self.load(name)

    def register_module(self, module: Any, name: str | None = None) -> None:
        """Register an already-imported plugin object (tests, notebooks, scripts)."""
        name = name or getattr(module, "__name__", None) or repr(module)
        infos = self.infos()
        info = infos.setdefault(
            name, PluginInfo(name=name, module=getattr(module, "__name__", name))
        )
        self._activate(name, module, info)

    def _activate(self, name: str, module: Any, info: PluginInfo) -> None:
        spec = getattr(module, "__xmodal_api__", None)
        if spec is None:
            raise PluginError(
                f"plugin {name!r} does not declare __xmodal_api__ (the engine API range it supports)"
            )
        info.api = str(spec)
        if not _api_compatible(str(spec)):
            raise PluginError(
                f"plugin {name!r} supports engine API {spec} but this engine speaks "
                f"{API_VERSION}; upgrade the plugin or the engine"
            )
        pm = self._pluggy()
        pm.register(module, name=name)
        self._modules[name] = module
        info.state = "loaded"
        info.error = ""
        info.hooks = sorted(
            h.name for h in pm.get_hookcallers(module) or [] if h.name in HOOK_NAMES
        )

    def _call(self, hook: str, plugin: Any, **kwargs: Any) -> None:
        pm = self._pluggy()
        others = [p for p in pm.get_plugins() if p is not plugin]
        pm.subset_hook_caller(hook, remove_plugins=others)(**kwargs)

    def _registrar(
        self, hook: str, name: str
    ) -> RegisterModel | RegisterDataset | RegisterMetric | RegisterRecipe:
        """The ``register`` callback handed to plugin ``name`` for ``hook``."""
        if hook == "register_models":
            return self._register_model(name)
        if hook == "register_datasets":
            return self._register_dataset(name)
        if hook == "register_metrics":
            return self._register_metric(name)
        return self._register_recipe(name)

    def _register_model(self, owner: str) -> RegisterModel:
        def register_model(
            model: str,
            *,
            pipeline: type[Pipeline] | str,
            weights: str | Path | None = None,
            task: str = "",
            description: str = "",
        ) -> None:
            from .catalogue import catalogue

            spec = model_spec(
                model, plugin=owner, pipeline=pipeline, weights=weights, task=task,
                description=description, entry=catalogue().get(model),
            )
            self.models.add(model, spec, owner)

        return register_model

    def _register_dataset(self, owner: str) -> RegisterDataset:
        def register_dataset(builder: DatasetBuilder) -> None:
            self.datasets.add(getattr(builder, "name", ""), builder, owner)

        return register_dataset

    def _register_metric(self, owner: str) -> RegisterMetric:
        def register_metric(metric: str, factory: MetricFactory) -> None:
            if not callable(factory):
                raise PluginError(f"{owner}: metric {metric!r} needs a callable factory")
            self.metrics.add(metric, factory, owner)

        return register_metric

    def _register_recipe(self, owner: str) -> RegisterRecipe:
        def register_recipe(recipe: str, recipe_cls: type[Recipe[Any]] | str) -> None:
            self.recipes.add(recipe, recipe_cls, owner)

        return register_recipe

    def _collect(self, hook: str) -> None:
        """Call ``hook`` on every loaded plugin that has not answered it yet."""
        done = self._collected.setdefault(hook, set())
        for name, module in list(self._modules.items()):
            if name in done:
                continue
            done.add(name)
            try:
                self._call(hook, module, register=self._registrar(hook, name))
            except Exception as exc:
                info = self.infos()[name]
                info.state = "failed"
                info.error = f"{hook}: {_one_line(exc)}"
                if self.strict:
                    raise PluginError(f"plugin {name!r} failed in {hook}: {info.error}") from exc

    def add_commands(self, cli: click.Group) -> None:
        """Let every loadable plugin add CLI commands; failures stay isolated."""
        self.load_all()
        for name, module in list(self._modules.items()):
            try:
                self._call("register_commands", module, cli=cli)
            except Exception as exc:
                self.infos()[name].error = f"register_commands: {_one_line(exc)}"
                if self.strict:
                    raise

    def dataset_registry(self) -> _PluginDatasets:
        """This manager's datasets as the data layer looks them up (see :mod:`engine._wiring`)."""
        return _PluginDatasets(self)

    def failures(self) -> list[PluginInfo]:
        return [i for i in self.infos().values() if i.state == "failed"]


class _PluginDatasets:
    """Dataset lookup for the data layer: registered names first, then every plugin."""

    def __init__(self, manager: PluginManager) -> None:
        self._manager = manager

    def get(self, name: str) -> Any:
        builder = self._manager.datasets.get(name)
        if builder is None:
            self._manager.load_all()
            builder = self._manager.datasets.get(name)
        return builder

    def names(self) -> list[str]:
        self._manager.load_all()
        return self._manager.datasets.names()


def check_models(
    plugin: str,
    *,
    announced: Iterable[str] | None = None,
    manager: PluginManager | None = None,
) -> list[str]:
    """Where ``plugin``'s model metadata disagrees with itself; empty when it agrees.

    A model is described in up to three places: the catalogue (``registry.toml``,
    what ``xmodal list`` shows without importing anything), the plugin's
    ``xmodal.models`` entry points (names announced by plugins the catalogue does
    not list) and its ``register_models`` hook (what can be loaded). The rules:
    every registered model is catalogued or announced, never both; everything
    catalogued for or announced by the plugin is registered; and a catalogued
    model's weights are where the catalogue says (bundled, or that Hub id).
    Task and description mismatches are refused at registration already.

    ``announced`` defaults to the installed entry points; pass the names from
    the plugin's ``pyproject.toml`` to check a checkout that is not installed.
    A plugin's test suite can ``assert check_models("myplugin") == []``.
    """
    from .catalogue import catalogue
    from .entrypoints import MODELS_GROUP

    manager = manager or get_manager()
    manager.load(plugin)
    registered = {n: spec for n, spec in manager.models.items() if spec.plugin == plugin}
    info = manager.infos()[plugin]
    if info.state == "failed":
        return [f"{plugin}: the plugin failed to load or register ({info.error})"]
    if announced is None:
        announced = [ep.name for ep in entry_points(MODELS_GROUP) if ep.value == plugin]
    names = set(announced)
    listed = {n: e for n, e in catalogue().items() if e.plugin == plugin}
    problems = [f"{plugin}: registry.toml lists {n!r} but the plugin does not register it"
                for n in sorted(set(listed) - set(registered))]
    problems += [f"{plugin}: {n!r} is announced in xmodal.models but not registered"
                 for n in sorted(names - set(registered))]
    problems += [f"{plugin}: {n!r} is both in registry.toml and announced in xmodal.models; "
                 "drop the announcement" for n in sorted(names & set(listed))]
    problems += [f"{plugin}: {n!r} is registered but neither in registry.toml nor announced in "
                 "xmodal.models, so 'xmodal list' cannot show it"
                 for n in sorted(set(registered) - names - set(listed))]
    for n in sorted(set(listed) & set(registered)):
        want, have = listed[n].weights, registered[n].weights
        if want == "bundled":
            if have is None or not Path(have).is_dir():
                problems.append(f"{plugin}: {n!r} should have bundled weights, but {have!r} "
                                "is not a folder")
        elif str(have) != want:
            problems.append(f"{plugin}: {n!r} registers weights {have!r}; registry.toml says {want!r}")
    return problems


def _load_entry_point(value: str) -> Any:
    """Import ``module`` or ``module:attr`` as an entry-point value names it."""
    import importlib

    module_name, _, attr = value.partition(":")
    obj: Any = importlib.import_module(module_name.strip())
    for part in filter(None, attr.strip().split(".")):
        obj = getattr(obj, part)
    return obj


def _one_line(exc: BaseException) -> str:
    text = "".join(traceback.format_exception_only(type(exc), exc)).strip()
    return " ".join(text.split())


_MANAGER: PluginManager | None = None


def get_manager() -> PluginManager:
    """The process-wide plugin manager, with the engine's own built-ins registered."""
    global _MANAGER
    if _MANAGER is None:
        _MANAGER = PluginManager()
        builtins = sys.modules.get("engine.builtins")
        if builtins is None:
            import importlib

            builtins = importlib.import_module("engine.builtins")
        _MANAGER.register_module(builtins, name="engine")
        from . import _wiring

        _wiring.dataset_registry = _MANAGER.dataset_registry
    return _MANAGER
