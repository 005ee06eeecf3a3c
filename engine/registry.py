"""What plugins register: named models, datasets, metrics and recipes.

A :class:`Registry` is a name -> value table that remembers which plugin owns
each name, refuses silent overrides, and suggests near names for typos. The
plugin manager fills four of them through the hooks in :mod:`engine.hookspecs`.

Models have one source of metadata: a model the catalogue (``registry.toml``)
lists takes its task and description from there (:func:`model_spec`), so the
listing that reads only the catalogue and the loaded registry cannot disagree.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar

from .errors import PluginError, XmodalError
from .names import suggest

if TYPE_CHECKING:
    from .catalogue import CatalogueEntry
    from .pipeline import Pipeline

__all__ = ["ModelSpec", "Registry", "import_object", "model_spec", "suggest"]

T = TypeVar("T")


def import_object(ref: str) -> Any:
    """Import ``"package.module:Attr"``; used so registration need not import torch."""
    module_name, _, attr = ref.partition(":")
    if not attr:
        raise PluginError(f"{ref!r} is not of the form 'module:attribute'")
    obj: Any = importlib.import_module(module_name)
    for part in attr.split("."):
        obj = getattr(obj, part)
    return obj


@dataclass(frozen=True)
class ModelSpec:
    """A loadable model: its pipeline class and where its pretrained folder is."""

    name: str
    pipeline: type[Pipeline] | str
    weights: str | Path | None = None
    task: str = ""
    description: str = ""
    plugin: str = ""

    def pipeline_class(self) -> type[Pipeline]:
        """The pipeline class, importing it now if it was registered as a string."""
        from .pipeline import Pipeline

        obj = import_object(self.pipeline) if isinstance(self.pipeline, str) else self.pipeline
        if not (isinstance(obj, type) and issubclass(obj, Pipeline)):
            raise PluginError(
                f"{self.plugin}: model {self.name!r} registers {self.pipeline!r}, "
                "which is not an engine.Pipeline subclass"
            )
        return obj


def model_spec(
    name: str,
    *,
    plugin: str,
    pipeline: type[Pipeline] | str,
    weights: str | Path | None,
    task: str,
    description: str,
    entry: CatalogueEntry | None,
) -> ModelSpec:
    """The spec for one ``register_models`` call, its metadata taken from ``entry``.

    ``entry`` is the model's catalogue entry, if it has one. The catalogue is the
    source of truth for what it lists, because ``xmodal list`` shows it without
    importing plugins: a registration may leave task and description out (they are
    filled in from the entry), but one that contradicts the entry, or that claims
    a model the catalogue attributes to another plugin, is a plugin error.
    """
    if entry is None:
        return ModelSpec(name, pipeline, weights, task, description, plugin)
    if entry.plugin != plugin:
        raise PluginError(
            f"{plugin}: model {name!r} is catalogued (registry.toml) as provided by the "
            f"plugin {entry.plugin!r}"
        )
    for what, given, known in (("task", task, entry.task), ("description", description,
                                                              entry.description)):
        if given and given != known:
            raise PluginError(
                f"{plugin}: model {name!r} registers {what} {given!r} but registry.toml says "
                f"{known!r}; leave it out to use the catalogue's"
            )
    return ModelSpec(name, pipeline, weights, entry.task, entry.description, plugin)


class Registry(Generic[T]):
    """A table of named things contributed by plugins."""

    def __init__(self, kind: str, refresh: Callable[[], None] | None = None) -> None:
        self.kind = kind
        self._items: dict[str, T] = {}
        self._owners: dict[str, str] = {}
        # Called before every read, so that plugins loaded after someone took a
        # reference to this registry still show up in it.
        self._refresh = refresh or (lambda: None)

    def add(self, name: str, item: T, owner: str) -> None:
        """Add ``item``; a name taken by another owner is a plugin error."""
        if not name or not isinstance(name, str):
            raise PluginError(f"{owner}: a {self.kind} needs a non-empty string name")
        if name in self._items and self._owners[name] != owner:
            raise PluginError(
                f"{owner}: {self.kind} {name!r} is already registered by {self._owners[name]}"
            )
        self._items[name] = item
        self._owners[name] = owner

    def get(self, name: str) -> T | None:
        self._refresh()
        return self._items.get(name)

    def find(self, name: str, *, load_more: Callable[[], None], hint: str = "") -> T:
        """``name``'s item, calling ``load_more`` (say, load every plugin) only if it is absent.

        An unknown name is a user error that suggests near names, then ``hint``.
        """
        item = self.get(name)
        if item is None:
            load_more()
            item = self.get(name)
        if item is None:
            raise XmodalError(f"unknown {self.kind} {name!r}{suggest(name, self._items)}{hint}")
        return item

    def owner(self, name: str) -> str | None:
        self._refresh()
        return self._owners.get(name)

    def names(self) -> list[str]:
        self._refresh()
        return sorted(self._items)

    def items(self) -> Iterator[tuple[str, T]]:
        self._refresh()
        yield from sorted(self._items.items())

    def __contains__(self, name: object) -> bool:
        self._refresh()
        return name in self._items

    def __len__(self) -> int:
        self._refresh()
        return len(self._items)
