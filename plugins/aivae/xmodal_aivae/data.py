"""The paper's data settings as (mel picture, MNIST image, digit) tensors, from the data layer.

``many-to-one`` is ``mnist-fsdd`` (every MNIST image with a random same-digit
FSDD clip); ``one-to-one`` is ``mnist-digits-1to1`` (every clip with its own
image; the Speech Commands stand-in); ``unseen-speakers`` trains on the FSDD
clips of ``mnist-digits-1to1`` only and tests on its synthesised (tts-digits)
test speakers, which the model never heard. ``voices-1to1`` and its three
test-only companions add the ``voices`` data set (:mod:`.voicepairs`).

The ``val`` split is carved out of ``train`` by clip, never by pair: in the
many-to-one set one clip is paired with several images, and a pair-level cut
would leak validation clips into training.

Mel pictures are computed once per process (a few seconds per thousand clips)
and kept in memory; every later epoch and evaluation reuses them.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset

from .frontend import MelSettings, mel_image
from .pipeline import Setting
from .voicepairs import VOICE_SETTINGS, voice_pairs

__all__ = ["SETTING_DATASETS", "PairedMels", "load_pairs"]

#: The data-layer dataset behind each setting.
SETTING_DATASETS: dict[str, str] = {
    "many-to-one": "mnist-fsdd",
    "one-to-one": "mnist-digits-1to1",
    "unseen-speakers": "mnist-digits-1to1",
    # today's pairs plus the English digit takes of `voices` (see voicepairs.py)
    "voices-1to1": "mnist-digits-1to1",
    "voices-heard": "voices",
    "voices-unheard": "voices",
    "voices-engine": "voices",
}

_SPLITS = ("train", "val", "test")


@dataclass(frozen=True)
class PairedMels(Dataset[dict[str, torch.Tensor]]):
    """Aligned tensors: ``mel`` [N, 1, S, S], ``image`` [N, 1, 28, 28] in [0, 1], ``digit`` [N]."""

    mel: torch.Tensor
    image: torch.Tensor
    digit: torch.Tensor

    def __len__(self) -> int:
        return len(self.digit)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {"mel": self.mel[i], "image": self.image[i], "digit": self.digit[i]}



def _indices(ds: Any, setting: Setting, split: str, val_fraction: float, seed: int) -> np.ndarray:
    """Dataset item indices of ``split`` under ``setting`` (train/val cut by clip)."""
    base = "test" if split == "test" else "train"
    idx = np.asarray(ds.split(base).indices)
    if setting == "unseen-speakers":
        origin = np.asarray(ds["origin"])[idx]
        wanted = ds.classes["origin"].index("tts-digits" if base == "test" else "fsdd")
        idx = idx[origin == wanted]
    if base == "test":
        return idx
    clips = np.asarray(ds["fsdd_index"])[idx] if "fsdd_index" in ds.fields else idx
    unique = np.unique(clips)
    held = np.random.default_rng(seed).permutation(unique)[: round(val_fraction * len(unique))]
    in_val = np.isin(clips, held)
    return idx[in_val] if split == "val" else idx[~in_val]


def _mels(ds: Any, idx: np.ndarray, settings: MelSettings) -> torch.Tensor:
    """Mel pictures of the clips at ``idx``, each distinct clip computed once."""
    audio = ds["audio"]
    scale = 1.0 / 32768.0
    keys = np.asarray(ds["fsdd_index"])[idx] if "fsdd_index" in ds.fields else idx
    done: dict[int, torch.Tensor] = {}
    out = torch.empty(len(idx), 1, settings.size, settings.size)
    for row, (i, key) in enumerate(zip(idx.tolist(), keys.tolist(), strict=True)):
        if key not in done:
            wave = torch.from_numpy(np.asarray(audio[i], dtype=np.float32) * scale)
            done[key] = mel_image(wave, settings)
        out[row] = done[key]
    return out


@functools.lru_cache(maxsize=8)
def load_pairs(setting: Setting, split: str, settings: MelSettings, val_fraction: float = 0.1,
               seed: int = 0, limit: int | None = None) -> PairedMels:
    """The ``split`` (``train``, ``val`` or ``test``) of ``setting`` as in-memory tensors.

    ``limit`` keeps the first items only (tests and quick runs), before any mel is computed.
    """
    from engine import data
    from engine.errors import DataError

    if split not in _SPLITS:
        raise DataError(f"aivae has no split {split!r} (splits: {', '.join(_SPLITS)})")
    if split == "val" and val_fraction <= 0:
        raise DataError("the val split is empty: set val_fraction above 0")
    if setting in VOICE_SETTINGS:
        return PairedMels(*voice_pairs(setting, split, settings, val_fraction, seed, limit))
    ds = data.load(SETTING_DATASETS[setting], progress=False)
    idx = _indices(ds, setting, split, val_fraction, seed)[:limit]
    images = torch.from_numpy(np.asarray(ds["image"])[idx].astype(np.float32) / 255.0)
    digits = torch.from_numpy(np.asarray(ds["digit"])[idx].astype(np.int64))
    return PairedMels(_mels(ds, idx, settings), images.unsqueeze(1), digits)
