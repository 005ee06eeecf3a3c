"""The two data sets as tensors: sounds (log-mel), pictures (uint8), paired by class.

``object-sounds`` gives 1.0 s clips at 22.05 kHz and ``object-pictures`` the
pictures of the same classes (same class list, same order, checked here).
Pairing is by class, as the paper's pairs share a label: a training pair is a
sound and a picture of its class, drawn at random every time. Spectrograms are
computed once per process and split (they are small: 64 x 87 per clip).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np
import torch

from engine.errors import DataError
from engine.train import uniform_index

from .audio import LogMel

__all__ = ["PICTURES", "SOUNDS", "ObjectData", "demo_clips", "load_objects", "pictures_to_tensor",
           "sample_same_class"]

SOUNDS = "object-sounds"
PICTURES = "object-pictures"


@dataclass
class ObjectData:
    """One split of both data sets: spectrograms, waves, pictures and their labels."""

    split: str
    classes: list[str]
    wave: torch.Tensor  # [N, T] float in [-1, 1]
    spec: torch.Tensor  # [N, 1, M, F] log-mel
    sound_label: torch.Tensor  # [N] int64
    sound_group: list[str]
    picture: torch.Tensor  # [P, S, S, 3] uint8
    picture_label: torch.Tensor  # [P] int64

    @property
    def num_classes(self) -> int:
        return len(self.classes)


def pictures_to_tensor(pictures: torch.Tensor) -> torch.Tensor:
    """uint8 ``[B, S, S, 3]`` -> float ``[B, 3, S, S]`` in [-1, 1] (what the CNNs and GAN2 use)."""
    return pictures.permute(0, 3, 1, 2).float().div(127.5).sub(1.0)


def sample_same_class(labels: torch.Tensor, pool_labels: torch.Tensor, u: torch.Tensor) -> torch.Tensor:
    """For each of ``labels`` an index into ``pool_labels`` of the same class, chosen by ``u`` in [0, 1).

    Deterministic given ``u`` (the loop's seeded noise), so a resumed run draws the same pairs.
    """
    order = torch.argsort(pool_labels, stable=True)
    sorted_labels = pool_labels[order]
    start = torch.searchsorted(sorted_labels, labels, right=False)
    stop = torch.searchsorted(sorted_labels, labels, right=True)
    count = stop - start
    if bool((count == 0).any()):
        missing = sorted({int(c) for c in labels[count == 0]})
        raise DataError(f"no picture of class(es) {missing} to pair with")
    pick = start + uniform_index(u.cpu(), count)
    return order[pick]


@functools.cache
def _spectrograms(tiny: bool, size: int) -> tuple[ObjectData, ...]:
    from engine import data

    sounds = data.load(SOUNDS, tiny=True, progress=False) if tiny else data.load(SOUNDS, progress=False)
    params: dict[str, Any] = {"tiny": True} if tiny else {}
    if size != 64:
        params["size"] = size
    pictures = data.load(PICTURES, progress=False, **params)
    classes = list(sounds.classes["label"])
    if list(pictures.classes["label"]) != classes:
        raise DataError(f"{SOUNDS} and {PICTURES} disagree on their class lists")
    mel = LogMel()
    groups = list(sounds.classes["group"])
    out = []
    for split in ("train", "test"):
        part = sounds.split(split)
        wave = torch.from_numpy(np.asarray(part["audio"][:], dtype=np.float32) / 32768.0)
        with torch.no_grad():
            spec = torch.cat([mel(wave[i:i + 256]) for i in range(0, len(wave), 256)])
        pic = pictures.split(split)
        out.append(ObjectData(
            split=split, classes=classes, wave=wave, spec=spec,
            sound_label=torch.from_numpy(np.asarray(part["label"][:], dtype=np.int64)),
            sound_group=[groups[int(g)] for g in np.asarray(part["group"][:])],
            picture=torch.from_numpy(np.ascontiguousarray(pic["image"][:])),
            picture_label=torch.from_numpy(np.asarray(pic["label"][:], dtype=np.int64))))
    return tuple(out)


def demo_clips(groups: tuple[str, ...] = ("instrument", "digit", "animal")) -> list[tuple[str, torch.Tensor]]:
    """The first test clip of each group as ``(class name, wave [T] in [-1, 1])``.

    Reads only ``object-sounds`` (built with a progress bar on a fresh machine):
    the demo and ``xmodal serve`` need three clips, not the pictures and log-mels
    that :func:`load_objects` prepares for training.
    """
    from engine import data

    sounds = data.load(SOUNDS)
    test = sounds.split("test")
    classes = list(sounds.classes["label"])
    group_names = list(sounds.classes["group"])
    of_clip = [group_names[int(g)] for g in np.asarray(test["group"][:])]
    out = []
    for group in groups:
        idx = next((i for i, g in enumerate(of_clip) if g == group), None)
        if idx is not None:
            wave = torch.from_numpy(np.asarray(test["audio"][idx], dtype=np.float32) / 32768.0)
            out.append((classes[int(test["label"][idx])], wave))
    return out


def load_objects(split: str, *, tiny: bool = False, size: int = 64) -> ObjectData:
    """``train`` or ``test`` (the paper's "eval") of both data sets; cached per process."""
    if split not in ("train", "test"):
        raise DataError(f"unknown split {split!r}: object-sounds has train and test")
    train, test = _spectrograms(bool(tiny), int(size))
    return train if split == "train" else test
