"""The torch view of a dataset, for ``DataLoader``-based training.

Items come out as dicts of tensors, converted the one way the engine agrees on:
``image`` fields become float ``[C, H, W]`` in ``[0, 1]`` (like
:class:`engine.media.Image`), ``audio`` fields float32 ``[1, samples]`` in
``[-1, 1]`` (like :class:`engine.media.Audio`), labels int64 scalars. Clips of
different lengths cannot be stacked by the default collate function: pass a
``transform`` (crop, pad, spectrogram) that makes them the same size.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import torch
from torch.utils.data import Dataset as _TorchDataset

from ..errors import DataError

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["TorchDataset", "to_tensor"]


def to_tensor(value: Any, kind: str) -> torch.Tensor:
    """Convert one stored value to the engine's tensor convention for its kind."""
    arr = np.asarray(value)
    if kind == "image":
        t = torch.from_numpy(np.array(arr))
        t = t.float() / 255.0 if not t.is_floating_point() else t.float()
        return t.unsqueeze(0) if t.ndim == 2 else t.permute(2, 0, 1).contiguous()
    if kind == "audio":
        if arr.dtype == np.int16:
            t = torch.from_numpy(arr.astype(np.float32) / 32768.0)
        else:
            t = torch.from_numpy(np.array(arr, dtype=np.float32))
        return t.reshape(1, -1)
    if kind == "label":
        return torch.tensor(int(arr), dtype=torch.long)
    return torch.from_numpy(np.array(arr)) if arr.ndim else torch.tensor(arr.item())


class TorchDataset(_TorchDataset[Any]):
    """``ds[i]`` is ``{field: tensor}`` (or whatever ``transform`` makes of that dict)."""

    def __init__(self, dataset: Dataset, indices: np.ndarray, *,
                 fields: Sequence[str] | None = None,
                 transform: Callable[[dict[str, Any]], Any] | None = None) -> None:
        self.dataset = dataset
        self.indices = np.asarray(indices, dtype=np.int64)
        self.fields = list(fields) if fields is not None else dataset.fields
        unknown = [f for f in self.fields if f not in dataset.fields]
        if unknown:
            raise DataError(f"dataset {dataset.name!r} has no field(s) {', '.join(unknown)}")
        self.transform = transform
        self._kinds = {f: dataset.manifest.arrays[f].kind for f in self.fields}

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, i: int) -> Any:
        j = int(self.indices[i])
        item = {f: to_tensor(self.dataset[f][j], self._kinds[f]) for f in self.fields}
        return self.transform(item) if self.transform is not None else item
