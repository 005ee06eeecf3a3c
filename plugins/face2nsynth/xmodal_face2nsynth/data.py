"""The recipe's view of its two data sets: gm-notes (target notes) and olivetti-dlib (faces).

Both come from the engine's data layer; this module only selects splits and
fields and turns them into tensors. Faces and notes are unpaired (the method is
unsupervised): a training item is a real note with its pitch and family, plus
a face that the generator will translate at that note's pitch.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import torch
from torch.utils.data import Dataset as TorchDataset

from engine import data

from .audio import peak_normalise

__all__ = [
    "NOTES_DATASET",
    "SPLITS",
    "FaceSet",
    "NoteSet",
    "TrainPairs",
    "load_faces",
    "load_notes",
]

NOTES_DATASET = "gm-notes"
#: Evaluation split name -> (face split, note split).
SPLITS = {"val": ("val", "valid"), "valid": ("val", "valid"), "test": ("test", "test"),
          "train": ("train", "train")}


@dataclass
class NoteSet:
    """One split of gm-notes: float16 waveforms (memory-mapped) with their labels."""

    waves: _Gather  # rows [N, 8192] float16, read on access
    pitch: np.ndarray  # [N] pitch class 0..60
    family: np.ndarray  # [N] family 0..9
    instrument: np.ndarray  # [N]
    version: str = ""  # the gm-notes build (keys what is cached from the notes)

    def __len__(self) -> int:
        return len(self.pitch)

    def tensor(self, index: np.ndarray | list[int] | slice) -> torch.Tensor:
        """Waveforms ``[n, 1, 8192]`` float32 of the chosen notes, peak-normalised."""
        raw = torch.from_numpy(np.asarray(self.waves[index], dtype=np.float32)).unsqueeze(1)
        return peak_normalise(raw)

    def sample(self, count: int, seed: int) -> np.ndarray:
        """A fixed random subset of at most ``count`` indices (sorted, for memory-map locality)."""
        if count >= len(self):
            return np.arange(len(self))
        return np.sort(np.random.default_rng(seed).choice(len(self), count, replace=False))

    def pitch_distribution(self, classes: int) -> torch.Tensor:
        counts = np.bincount(self.pitch, minlength=classes).astype(np.float64)
        return torch.from_numpy(counts / counts.sum()).float()


@dataclass
class FaceSet:
    """One split of olivetti-dlib: unit face embeddings with identities and source images."""

    embedding: np.ndarray  # [N, 128] float32
    identity: np.ndarray
    image_index: np.ndarray
    variant: np.ndarray

    def __len__(self) -> int:
        return len(self.identity)

    def tensor(self) -> torch.Tensor:
        return torch.from_numpy(np.asarray(self.embedding, dtype=np.float32))


def load_notes(split: str, tiny: bool = False) -> NoteSet:
    """A gm-notes split (``train``, ``valid`` or ``test``), built on first use."""
    ds = data.load(NOTES_DATASET, tiny=tiny) if tiny else data.load(NOTES_DATASET)
    part = ds.split(split)
    idx = part.indices
    return NoteSet(
        waves=_Gather(ds.array("audio"), idx),
        pitch=np.asarray(ds.array("pitch"))[idx],
        family=np.asarray(ds.array("family"))[idx],
        instrument=np.asarray(ds.array("instrument"))[idx],
        version=ds.version,
    )


class _Gather:
    """Rows ``indices`` of a memory-mapped array, read only when indexed."""

    def __init__(self, array: np.ndarray, indices: np.ndarray) -> None:
        self.array, self.indices = array, np.asarray(indices)

    def __len__(self) -> int:
        return len(self.indices)

    def __getitem__(self, key: Any) -> np.ndarray:
        rows = self.indices[key]
        if np.ndim(rows) == 0:
            return np.asarray(self.array[int(rows)])
        order = np.argsort(rows)
        out = np.empty((len(rows), *self.array.shape[1:]), dtype=self.array.dtype)
        out[order] = self.array[rows[order]]
        return out


def load_faces(split: str, augmentations: int = 7, tiny: bool = False) -> FaceSet:
    """An olivetti-dlib split (``train``, ``val`` or ``test``), built on first use."""
    from .facedata import OlivettiDlibBuilder

    ds = data.load(OlivettiDlibBuilder(augmentations=augmentations, tiny=tiny))
    part = ds.split(split)
    return FaceSet(
        embedding=np.asarray(part["embedding"], dtype=np.float32),
        identity=np.asarray(part["identity"]),
        image_index=np.asarray(part["image_index"]),
        variant=np.asarray(part["variant"]),
    )


class TrainPairs(TorchDataset[dict[str, torch.Tensor]]):
    """Item ``i``: real note ``i`` (waveform, pitch, family) and a face to translate.

    The face of item ``i`` is a fixed pseudo-random choice, so items are
    deterministic per index (exact resumes, process-count invariance) while a
    shuffled epoch still pairs notes and faces at random.
    """

    def __init__(self, notes: NoteSet, faces: FaceSet) -> None:
        self.notes = notes
        self.faces = faces.tensor()
        rng = np.random.default_rng(12345)
        self.face_of = rng.integers(0, len(faces), size=len(notes))

    def __len__(self) -> int:
        return len(self.notes)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {
            "audio": self.notes.tensor([i])[0],
            "pitch": torch.tensor(int(self.notes.pitch[i])),
            "family": torch.tensor(int(self.notes.family[i])),
            "face": self.faces[int(self.face_of[i])],
            "index": torch.tensor(i),
        }
