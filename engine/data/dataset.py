"""A built dataset as plugins see it: a manifest plus lazily memory-mapped arrays.

Nothing is read into memory until asked for: ``ds["image"]`` is a read-only
``np.memmap``, a ragged field (clips of different lengths) is a :class:`Ragged`
view over one flat array, and a :class:`Split` is just an index array over the
same memory maps. The torch view lives in :mod:`engine.data.torchview`, so this
module does not import torch.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, overload

import numpy as np

from ..errors import DataError
from ..names import suggest
from .manifest import Manifest

if TYPE_CHECKING:
    from .torchview import TorchDataset

__all__ = ["Dataset", "Field", "Ragged", "Split"]


class Ragged(Sequence[np.ndarray]):
    """Variable-length items stored back to back: ``ragged[i]`` is item ``i``'s 1-D array."""

    def __init__(self, flat: np.ndarray, offsets: np.ndarray,
                 index: np.ndarray | None = None) -> None:
        #: ``index`` selects (and orders) a subset of the stored items.
        self.flat = flat
        self.offsets = offsets
        self.selection = index

    def __len__(self) -> int:
        return len(self.selection) if self.selection is not None else len(self.offsets) - 1

    @overload
    def __getitem__(self, i: int) -> np.ndarray: ...
    @overload
    def __getitem__(self, i: slice) -> Ragged: ...
    def __getitem__(self, i: int | slice | Any) -> Any:
        if isinstance(i, slice | np.ndarray | list):
            base = np.arange(len(self))[i]
            return self.take(base)
        n = len(self)
        if not -n <= int(i) < n:
            raise IndexError(f"item {i} out of range for {n} items")
        j = int(self.selection[i]) if self.selection is not None else int(i) % n
        return np.asarray(self.flat[self.offsets[j]:self.offsets[j + 1]])

    def take(self, indices: np.ndarray | Sequence[int]) -> Ragged:
        """A view of a subset of the items (no copying)."""
        idx = np.asarray(indices, dtype=np.int64)
        base = self.selection[idx] if self.selection is not None else idx
        return Ragged(self.flat, self.offsets, base)

    @property
    def lengths(self) -> np.ndarray:
        """The length of every item."""
        lengths = np.diff(self.offsets)
        return lengths[self.selection] if self.selection is not None else lengths

    def __iter__(self) -> Iterator[np.ndarray]:
        for i in range(len(self)):
            yield self[i]

    def __repr__(self) -> str:
        return f"Ragged({len(self)} items, dtype={self.flat.dtype})"


#: What ``ds[field]`` gives: an array (memory-mapped) or a ragged view.
Field = np.ndarray | Ragged


class Dataset:
    """A cached dataset: its manifest, its arrays, its splits."""

    def __init__(self, path: Path, manifest: Manifest) -> None:
        self.path = Path(path)
        self.manifest = manifest
        self._cache: dict[str, np.ndarray] = {}

    # -- description ----------------------------------------------------------
    @property
    def name(self) -> str:
        return self.manifest.name

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def meta(self) -> dict[str, Any]:
        """Dataset-wide facts such as ``sample_rate``."""
        return self.manifest.meta

    @property
    def classes(self) -> dict[str, list[str]]:
        """Class names of every label field (``classes["digit"][3] == "3"``)."""
        return self.manifest.classes

    @property
    def target(self) -> str | None:
        """The main label field."""
        return self.manifest.target

    @property
    def fields(self) -> list[str]:
        """Per-item fields (images, audio, labels, values), in manifest order."""
        return [n for n, a in self.manifest.arrays.items()
                if a.kind in ("image", "audio", "label", "value")]

    @property
    def splits(self) -> dict[str, int]:
        return dict(self.manifest.splits)

    @property
    def preview_path(self) -> Path:
        return self.path / "preview.png"

    def __len__(self) -> int:
        return self.manifest.count

    def __repr__(self) -> str:
        splits = ", ".join(f"{k}={v}" for k, v in self.manifest.splits.items())
        return f"<Dataset {self.name} {self.version}: {len(self)} items ({splits})>"

    # -- data -----------------------------------------------------------------
    def array(self, name: str) -> np.ndarray:
        """The raw memory-mapped array called ``name`` (including splits and offsets)."""
        if name not in self._cache:
            info = self.manifest.arrays.get(name)
            if info is None:
                raise DataError(f"dataset {self.name!r} has no array {name!r}"
                                + suggest(name, self.manifest.arrays))
            try:
                self._cache[name] = np.load(self.path / info.file, mmap_mode="r")
            except (OSError, ValueError) as exc:
                raise DataError(
                    f"{self.path / info.file}: unreadable cached array ({exc}); "
                    f"rebuild with `xmodal data build {self.name}`") from exc
        return self._cache[name]

    def __getitem__(self, field: str) -> Field:
        """One per-item field over all items: an array, or a :class:`Ragged` view."""
        if field not in self.fields:
            raise DataError(f"dataset {self.name!r} has no field {field!r}"
                            + suggest(field, self.fields))
        info = self.manifest.arrays[field]
        if info.offsets is not None:
            return Ragged(self.array(field), self.array(info.offsets))
        return self.array(field)

    def split(self, name: str) -> Split:
        """The items of one split (``"train"``, ``"test"``, ...)."""
        if name not in self.manifest.splits:
            raise DataError(f"dataset {self.name!r} has no split {name!r} (splits: "
                            f"{', '.join(self.manifest.splits) or 'none'})"
                            + suggest(name, self.manifest.splits))
        return Split(self, name, np.asarray(self.array(f"split.{name}")))

    def all(self) -> Split:
        """Every item, as a split-like view."""
        return Split(self, "all", np.arange(len(self), dtype=np.int64))

    def item(self, index: int) -> dict[str, Any]:
        """One item as a dict of field -> numpy value."""
        return self.all().item(index)

    def torch(self, split: str | None = None, *, fields: Sequence[str] | None = None,
              transform: Callable[[dict[str, Any]], Any] | None = None) -> TorchDataset:
        """A ``torch.utils.data.Dataset`` over one split (or all items)."""
        view = self.split(split) if split is not None else self.all()
        return view.torch(fields=fields, transform=transform)


class Split:
    """A subset of a dataset's items; fields are indexed lazily."""

    def __init__(self, dataset: Dataset, name: str, indices: np.ndarray) -> None:
        self.dataset = dataset
        self.name = name
        self.indices = indices

    def __len__(self) -> int:
        return len(self.indices)

    def __repr__(self) -> str:
        return f"<Split {self.dataset.name}/{self.name}: {len(self)} items>"

    def __getitem__(self, field: str) -> Field:
        """The field's values for this split (a copy for arrays, a view for ragged ones)."""
        values = self.dataset[field]
        if isinstance(values, Ragged):
            return values.take(self.indices)
        return np.asarray(values[self.indices])

    def item(self, index: int) -> dict[str, Any]:
        """Item ``index`` of this split (0-based within the split) as field -> value."""
        j = int(self.indices[index])
        return {f: self.dataset[f][j] for f in self.dataset.fields}

    def torch(self, *, fields: Sequence[str] | None = None,
              transform: Callable[[dict[str, Any]], Any] | None = None) -> TorchDataset:
        """A ``torch.utils.data.Dataset`` over this split's items."""
        from .torchview import TorchDataset

        return TorchDataset(self.dataset, self.indices, fields=fields, transform=transform)
