"""Plugin discovery and loading, lazy and fault-isolated.

Listing plugins reads entry-point metadata only; a plugin module is imported the
first time something it provides is needed. A plugin whose import raises, or
whose declared API range excludes :data:`engine.API_VERSION`, is recorded with
its error and skipped, so one broken package never takes the engine down. Set
``XMODAL_STRICT_PLUGINS=1`` to make such errors raise instead (useful in a
plugin's own CI).
"""

from __future__ import annotations

import os
import sys
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

from ._version import API_VERSION
from .entrypoints import EntryPointRecord, entry_points
from .errors import PluginError
from .registry import ModelSpec, Registry

__all__ = [
    "ENTRY_POINT_GROUP",
    "PluginInfo",
    "PluginManager",
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
        self._pm: Any = None
        self._collected: dict[str, set[str]] = {}
        # Registries are filled lazily, per hook, on every read: loading a model
        # does not import dataset or metric code, and a reference taken before a
        # plugin was loaded still sees that plugin's contributions.
        self.models: Registry[ModelSpec] = Registry(
            "model", lambda: self._collect("register_models")
        )
        self.datasets: Registry[Any] = Registry(
            "dataset", lambda: self._collect("register_datasets")
        )
        self.metrics: Registry[Callable[..., Any]] = Registry(
            "metric", lambda: self._collect("register_metrics")
        )
        self.recipes: Registry[Any] = Registry(
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
    def _pluggy(self) -> Any:
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
            module = _load_entry_point(self._entry_points[name].value)
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

    def _registrar(self, hook: str, name: str) -> Callable[..., None]:
        """The ``register`` callback handed to plugin ``name`` for ``hook``."""
        if hook == "register_models":

            def register_model(
                model: str,
                *,
                pipeline: Any,
                weights: str | Path | None = None,
                task: str = "",
                description: str = "",
            ) -> None:
                spec = ModelSpec(model, pipeline, weights, task, description, plugin=name)
                self.models.add(model, spec, name)

            return register_model
        if hook == "register_datasets":
            return lambda builder: self.datasets.add(getattr(builder, "name", ""), builder, name)
        if hook == "register_metrics":
            return lambda metric, factory: self.metrics.add(metric, factory, name)
        return lambda recipe, recipe_cls: self.recipes.add(recipe, recipe_cls, name)

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

    def add_commands(self, cli: Any) -> None:
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

    def find(self, name: str) -> Any:
        builder = self._manager.datasets.get(name)
        if builder is None:
            self._manager.load_all()
            builder = self._manager.datasets.get(name)
        return builder

    def names(self) -> list[str]:
        self._manager.load_all()
        return self._manager.datasets.names()


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
