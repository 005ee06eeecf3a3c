"""What plugins register: named models, datasets, metrics and recipes.

A :class:`Registry` is a name -> value table that remembers which plugin owns
each name, refuses silent overrides, and suggests near names for typos. The
plugin manager fills four of them through the hooks in :mod:`engine.hookspecs`.
"""

from __future__ import annotations

import difflib
import importlib
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from .errors import PluginError

__all__ = ["ModelSpec", "Registry", "import_object", "suggest"]

T = TypeVar("T")


def suggest(name: str, candidates: Iterable[str]) -> str:
    """A ``" (did you mean ...?)"`` suffix for a typo, or an empty string."""
    close = difflib.get_close_matches(name, sorted(set(candidates)), n=3, cutoff=0.6)
    if not close:
        return ""
    return " (did you mean " + " or ".join(repr(c) for c in close) + "?)"


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
    pipeline: Any
    weights: str | Path | None = None
    task: str = ""
    description: str = ""
    plugin: str = ""

    def pipeline_class(self) -> Any:
        """The pipeline class, importing it now if it was registered as a string."""
        if isinstance(self.pipeline, str):
            return import_object(self.pipeline)
        return self.pipeline


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
