"""The GAN's data: sound windows by role, their frozen encodings, and the real pictures.

Roles of the ``gm-phrases`` windows:

- ``gan-train``: the ``train`` phrases the generator learns from;
- ``val``: every 8th ``train`` phrase of each instrument (by data-set row), held
  out from the GAN: evaluation *during* training (Gamma's accuracy on pictures
  generated from these) picks the best epoch, so no test window chooses the
  checkpoint. The sound classifier did see these phrases; they are new to the
  generator only;
- ``test``: the ``test`` phrases (the reported ``s2i_accuracy``).

Pairing is by class only (the stand-in data has no frames synchronised with
the sound): a window of instrument c is paired with a training picture of c
drawn uniformly, and with a wrong picture drawn from another class.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import torch

from .features import WindowedLms, phrase_windows

__all__ = ["VAL_EVERY", "EncodedWindows", "S2ITrainSet", "encode", "subsample", "windows_for"]

#: Every VAL_EVERY-th training phrase of an instrument is held out of GAN training.
VAL_EVERY = 8


def _val_mask(table: WindowedLms) -> np.ndarray:
    val = np.zeros(len(table), dtype=bool)
    for c in np.unique(table.instrument):
        rows = np.unique(table.phrase[table.instrument == c])
        held = rows[::VAL_EVERY]
        val |= (table.instrument == c) & np.isin(table.phrase, held)
    return val


def _take(table: WindowedLms, mask: np.ndarray) -> WindowedLms:
    return WindowedLms(table.lms[mask], table.instrument[mask], table.soundfont[mask],
                       table.phrase[mask], table.start[mask], table.classes)


def windows_for(role: str, *, tiny: bool = False, progress: bool = True) -> WindowedLms:
    """The log-mel windows of one role: ``gan-train``, ``val``, ``test`` (or any data-set split)."""
    if role in ("gan-train", "val"):
        table = phrase_windows("train", tiny=tiny, progress=progress)
        val = _val_mask(table)
        return _take(table, val if role == "val" else ~val)
    return phrase_windows(role, tiny=tiny, progress=progress)


def subsample(table: WindowedLms, per_class: int, seed: int = 0) -> WindowedLms:
    """At most ``per_class`` windows of every instrument, drawn with a fixed seed (0: all)."""
    if per_class <= 0:
        return table
    rng = np.random.default_rng(seed)
    keep = np.zeros(len(table), dtype=bool)
    for c in np.unique(table.instrument):
        idx = np.flatnonzero(table.instrument == c)
        keep[rng.choice(idx, size=min(per_class, len(idx)), replace=False)] = True
    return _take(table, keep)


def encode(net: torch.nn.Module, lms: np.ndarray, batch: int = 512) -> torch.Tensor:
    """The frozen encoder's 128-D encodings of ``lms`` ``[N, 128, 44]`` (eval mode, no gradients)."""
    was = net.training
    net.eval()
    out = []
    with torch.no_grad():
        for start in range(0, len(lms), batch):
            chunk = torch.from_numpy(np.asarray(lms[start : start + batch], dtype=np.float32))
            out.append(net.encode(chunk))  # type: ignore[operator]
    net.train(was)
    return torch.cat(out) if out else torch.zeros(0, 128)


@dataclass
class EncodedWindows:
    """Windows of one role with their encodings (what the generator is conditioned on)."""

    table: WindowedLms
    encoding: torch.Tensor  # [N, 128] float32


class S2ITrainSet(torch.utils.data.Dataset[dict[str, torch.Tensor]]):
    """The GAN's sound stream: (encoding, instrument) of every ``gan-train`` window."""

    def __init__(self, encoding: torch.Tensor, label: np.ndarray) -> None:
        self.encoding = encoding.float().contiguous()
        self.label = torch.from_numpy(np.asarray(label, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.label)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {"condition": self.encoding[i], "label": self.label[i]}
