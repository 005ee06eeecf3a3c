"""The data layer's front door: find a dataset by name, build it, load it.

Plugins call :func:`load` and never read source files themselves::

    from engine import data
    ds = data.load("mnist-fsdd")          # builds on first use, with a progress bar
    train = ds.split("train")
    images, audio = train["image"], train["audio"]
    loader = torch.utils.data.DataLoader(ds.torch("train", transform=...), batch_size=64)
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Protocol

from ..errors import DataError
from ..names import suggest
from .builder import DatasetBuilder
from .cache import BuildResult, Verify, check_entry, ensure_built, entry_dir
from .dataset import Dataset

__all__ = ["DatasetRegistry", "build", "cache_path", "dataset_names", "get_builder", "load",
           "use_registry"]


class DatasetRegistry(Protocol):
    """Where the data layer looks builders up by name.

    The data layer knows nothing of plugins: whoever knows where builders come
    from (the plugin manager, a test, a script) hands one of these to
    :func:`use_registry`. ``get`` may do work to find an unknown name (the
    plugin manager imports every plugin then); ``names`` lists everything. An
    :class:`engine.registry.Registry` of builders is one.
    """

    def get(self, name: str) -> DatasetBuilder | None: ...

    def names(self) -> list[str]: ...


class _Builtins:
    """The engine's own datasets: what a bare ``engine.data`` finds by name."""

    def __init__(self) -> None:
        self._builders: dict[str, DatasetBuilder] | None = None

    def _all(self) -> dict[str, DatasetBuilder]:
        if self._builders is None:
            from .builtin import builtin_datasets

            self._builders = {b.name: b for b in builtin_datasets()}
        return self._builders

    def get(self, name: str) -> DatasetBuilder | None:
        return self._all().get(name)

    def names(self) -> list[str]:
        return sorted(self._all())


_BUILTINS = _Builtins()
_explicit: DatasetRegistry | None = None


def use_registry(registry: DatasetRegistry | None) -> None:
    """Look names up in ``registry`` from now on (``None``: back to the default).

    The default is the plugin manager's registry once one exists in this process
    (it announces itself through :mod:`engine._wiring`), else the engine's own
    datasets.
    """
    global _explicit
    _explicit = registry


def _current() -> DatasetRegistry:
    if _explicit is not None:
        return _explicit
    from .. import _wiring

    return _wiring.dataset_registry() if _wiring.dataset_registry is not None else _BUILTINS


def dataset_names() -> list[str]:
    """Names of every dataset the current registry knows."""
    return list(_current().names())


def get_builder(name: str | DatasetBuilder, **params: Any) -> DatasetBuilder:
    """The registered builder called ``name``, configured with ``params``."""
    if isinstance(name, DatasetBuilder):
        return name.configure(**params) if params else name
    registry = _current()
    builder = registry.get(name)
    if builder is None:
        raise DataError(f"unknown dataset {name!r}" + suggest(name, registry.names()))
    return builder.configure(**params) if params else builder


def build(name: str | DatasetBuilder, *, force: bool = False, verify: Verify = "full",
          progress: bool = True, **params: Any) -> BuildResult:
    """Build (or verify) a dataset in the cache; a no-op when an intact build exists.

    ``verify="full"`` re-hashes the cached arrays (what ``xmodal data build``
    does); ``force=True`` rebuilds regardless.
    """
    return ensure_built(get_builder(name, **params), force=force, verify=verify,
                        progress=progress)


def load(name: str | DatasetBuilder, *, build: bool = True, verify: Verify = "quick",
         progress: bool = True, **params: Any) -> Dataset:
    """A built dataset, building it first if needed (unless ``build=False``).

    The default check is quick (files present, sizes right) so that starting a
    training run does not re-hash gigabytes; ``xmodal data build`` does the full check.
    """
    builder = get_builder(name, **params)
    if build:
        return ensure_built(builder, verify=verify, progress=progress).dataset
    directory = entry_dir(builder)
    try:
        return Dataset(directory, check_entry(builder, directory, verify))
    except DataError as exc:
        raise DataError(f"dataset {builder.name!r} is not built ({exc}); run "
                        f"`xmodal data build {builder.name}`") from exc


def cache_path(name: str | DatasetBuilder, **params: Any) -> Path:
    """Where ``name`` is (or would be) cached."""
    return entry_dir(get_builder(name, **params))

