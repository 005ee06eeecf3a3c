"""The data layer: cached, versioned, memory-mapped datasets built from verified sources.

Plugins get their data here and nowhere else::

    from engine import data

    ds = data.load("mnist-fsdd")            # builds on first use (progress bar), then cached
    ds.classes["digit"], ds.splits          # manifest facts
    train = ds.split("train")
    x, y = train["image"], train["digit"]   # numpy (memory-mapped underneath)
    torch_ds = ds.torch("train")            # dicts of tensors for a DataLoader

A plugin registers its own datasets by subclassing :class:`DatasetBuilder` and
returning instances from its ``register_datasets`` hook. Settings:
``XMODAL_DATA_DIR`` (where sources are; downloads go there when missing),
``XMODAL_CACHE_DIR`` (where builds go; default ``~/.cache/xmodal``),
``XMODAL_OFFLINE`` (never download).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .api import build, cache_path, dataset_names, get_builder, load
from .builder import BuildContext, DatasetBuilder
from .cache import BuildResult
from .cards import DatasetCard
from .dataset import Dataset, Ragged, Split
from .manifest import ArrayInfo, Manifest
from .settings import cache_dir, data_dir
from .sources import Source, download_url, fetch_source
from .splits import group_split, stratified_split

if TYPE_CHECKING:
    from .torchview import TorchDataset

__all__ = [
    "ArrayInfo",
    "BuildContext",
    "BuildResult",
    "Dataset",
    "DatasetBuilder",
    "DatasetCard",
    "Manifest",
    "Ragged",
    "Source",
    "Split",
    "TorchDataset",
    "build",
    "cache_dir",
    "cache_path",
    "data_dir",
    "dataset_names",
    "download_url",
    "fetch_source",
    "get_builder",
    "group_split",
    "load",
    "stratified_split",
]


def __getattr__(name: str) -> Any:
    if name == "TorchDataset":  # imports torch: only on demand
        from .torchview import TorchDataset

        return TorchDataset
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
