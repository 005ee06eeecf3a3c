"""The checked-in catalogue of known models (``registry.toml``).

This module must stay cheap: ``xmodal list`` reads the catalogue and the
installed entry points without importing torch or any plugin.
"""

from __future__ import annotations

import os

from ._marshalcache import load_marshal, save_marshal
from .errors import XmodalError

TYPE_CHECKING = False  # no `typing` import at run time: this is the `xmodal list` hot path
if TYPE_CHECKING:
    from typing import Any

__all__ = ["CatalogueEntry", "Paper", "catalogue", "catalogue_path", "default_cache_dir", "user_cache_dir"]


class Paper:
    """The paper a model reproduces.

    Plain classes rather than dataclasses here: this module is on the
    ``xmodal list`` hot path, and dataclasses would import ``inspect``.
    """

    __slots__ = ("link", "title", "year")

    def __init__(self, title: str, year: int | None = None, link: str = "") -> None:
        self.title = title
        self.year = year
        self.link = link


class CatalogueEntry:
    """One model the project knows about, whether or not its plugin is installed."""

    __slots__ = ("description", "extra", "name", "paper", "plugin", "task", "weights")

    def __init__(
        self,
        name: str,
        plugin: str,
        task: str,
        description: str = "",
        weights: str = "bundled",
        paper: Paper | None = None,
        extra: dict[str, object] | None = None,
    ) -> None:
        self.name = name
        self.plugin = plugin
        self.task = task
        self.description = description
        self.weights = weights
        self.paper = paper
        self.extra = extra or {}

    @property
    def distribution(self) -> str:
        """The distribution a user installs to get this model."""
        return f"xmodal-{self.plugin}"


def catalogue_path() -> str:
    """Where ``registry.toml`` is: inside the installed wheel, else the checkout root."""
    here = os.path.dirname(os.path.abspath(__file__))
    for candidate in (
        os.path.join(here, "registry.toml"),
        os.path.join(os.path.dirname(here), "registry.toml"),
    ):
        if os.path.isfile(candidate):
            return candidate
    raise XmodalError(f"the model catalogue registry.toml is missing (looked in {here})")


def default_cache_dir() -> str:
    """``$XDG_CACHE_HOME/xmodal`` (``~/.cache/xmodal``), whatever ``$XMODAL_CACHE_DIR`` says."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join("~", ".cache")
    return os.path.join(os.path.expanduser(base), "xmodal")


def user_cache_dir() -> str:
    """The engine's cache folder: ``$XMODAL_CACHE_DIR``, else :func:`default_cache_dir`."""
    value = os.environ.get("XMODAL_CACHE_DIR")
    if value:
        return os.path.abspath(os.path.expanduser(value))
    return default_cache_dir()


def _read_toml(path: str) -> dict[str, Any]:
    """The parsed catalogue, through a marshal cache keyed by the file's identity.

    ``tomllib`` imports ``typing``, ``datetime`` and ``string``, a large share of
    the ``xmodal list`` budget; the cached parse (stdlib ``marshal``, no imports)
    is used while the file's path, size and mtime are unchanged.
    """
    st = os.stat(path)
    key = (path, st.st_mtime_ns, st.st_size)
    cache = os.path.join(user_cache_dir(), "catalogue-v1.marshal")
    cached = load_marshal(cache)
    if isinstance(cached, tuple) and len(cached) == 2 and cached[0] == key \
            and isinstance(cached[1], dict):
        return cached[1]
    import tomllib

    with open(path, "rb") as fh:
        data = tomllib.load(fh)
    save_marshal(cache, (key, data))
    return data


_CACHE: dict[str, CatalogueEntry] | None = None


def catalogue() -> dict[str, CatalogueEntry]:
    """Parse the catalogue once per process, keyed by model name."""
    global _CACHE
    if _CACHE is not None:
        return _CACHE
    path = catalogue_path()
    try:
        data = _read_toml(path)
    except (OSError, ValueError) as exc:
        raise XmodalError(f"cannot read the model catalogue {path}: {exc}") from exc
    entries: dict[str, CatalogueEntry] = {}
    for name, raw in data.get("models", {}).items():
        raw = dict(raw)
        paper_raw = raw.pop("paper", None)
        paper = Paper(**paper_raw) if isinstance(paper_raw, dict) else None
        try:
            entries[name] = CatalogueEntry(
                name=name,
                plugin=str(raw.pop("plugin")),
                task=str(raw.pop("task", "")),
                description=str(raw.pop("description", "")),
                weights=str(raw.pop("weights", "bundled")),
                paper=paper,
                extra=raw,
            )
        except KeyError as exc:
            raise XmodalError(f"catalogue entry {name!r} in {path} lacks {exc}") from exc
    _CACHE = entries
    return entries
