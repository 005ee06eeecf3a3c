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
from typing import Any

from ..errors import DataError
from ..registry import suggest
from .builder import DatasetBuilder
from .cache import BuildResult, Verify, check_entry, ensure_built, entry_dir
from .dataset import Dataset

__all__ = ["build", "cache_path", "dataset_names", "get_builder", "load"]


def _registry() -> Any:
    from ..plugins import get_manager

    return get_manager().datasets


def dataset_names() -> list[str]:
    """Names of every registered dataset (the engine's and installed plugins')."""
    from ..plugins import get_manager

    get_manager().load_all()
    return list(_registry().names())


def get_builder(name: str | DatasetBuilder, **params: Any) -> DatasetBuilder:
    """The registered builder called ``name``, configured with ``params``.

    Plugins are imported only when the name is not one of the engine's own.
    """
    if isinstance(name, DatasetBuilder):
        return name.configure(**params) if params else name
    registry = _registry()
    builder = registry.get(name)
    if builder is None:
        from ..plugins import get_manager

        get_manager().load_all()
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

