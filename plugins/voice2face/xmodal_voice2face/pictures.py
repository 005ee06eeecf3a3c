"""The pictures: generated faces beside the assigned identity's real face, and one voice's faces.

- :func:`unseen_grid`: for held-out (test-identity) voices, each row a
  speaker: the real face assigned to the voice, then faces generated from
  several of its probes. A good model gives faces of the right *gender*; it
  cannot know the assigned face (the pairing is arbitrary).
- :func:`known_grid`: the same for known speakers' held-out utterances, where
  the generated face should be the assigned person.
- :func:`utterance_grid`: one voice's faces across all its utterances.
- Training curves: :func:`engine.train.plots.plot_log` on the run's log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from engine.pictures import image_tile, save_grid

from .assignment import load_assignment
from .data import VoiceTable
from .evaluation import generate, to_uint8

__all__ = ["known_grid", "unseen_grid", "utterance_grid"]


def _rows(pipeline: Any, table: VoiceTable, role: str, faces: list[int], per_row: int,
          path: Path, title: str) -> Path:
    from engine import data

    olivetti = np.asarray(data.load("olivetti")["image"])
    names = {f.index: f for f in load_assignment().faces}
    emb, face = table.select(role)
    tiles: list[tuple[Any, str]] = []
    for k in faces:
        picks = np.flatnonzero(face == k)[:per_row]
        made = list(to_uint8(generate(pipeline, emb[picks]))) if len(picks) else []
        who = names[k]
        tiles.append((image_tile(olivetti[k * 10]), f"{who.face} {who.gender[0].upper()} real"))
        tiles += [(image_tile(x), f"{who.voice_identity[:10]}") for x in made]
        tiles += [(image_tile(np.full((64, 64), 255, np.uint8)), "")] * (per_row - len(made))
    save_grid(tiles, path, title, columns=per_row + 1)
    return path


def unseen_grid(pipeline: Any, table: VoiceTable, path: Path, per_row: int = 7) -> Path:
    """Test identities (never heard): their assigned real face, then faces from their probes."""
    faces = [f.index for f in load_assignment().split("test")]
    return _rows(pipeline, table, "unseen", faces, per_row, path,
                 "unseen voices: assigned real face | generated from different probes")


def known_grid(pipeline: Any, table: VoiceTable, path: Path, per_row: int = 5,
               speakers: int = 10) -> Path:
    """Known speakers' held-out utterances: the assigned face, then the generated ones."""
    faces = [f.index for f in load_assignment().split("train")][:speakers]
    return _rows(pipeline, table, "known-test", faces, per_row, path,
                 "known speakers, held-out utterances: real face | generated")


def utterance_grid(pipeline: Any, table: VoiceTable, face: str, path: Path,
                   limit: int = 24) -> Path:
    """Every probe of one voice (all roles), one generated face each."""
    who = next(f for f in load_assignment().faces if f.face == face)
    keep = np.flatnonzero(table.face == who.index)[:limit]
    made = to_uint8(generate(pipeline, table.embedding[keep]))
    tiles = [(image_tile(x), f"{table.kind[i]} {table.seconds[i]:.1f}s")
             for x, i in zip(made, keep.tolist(), strict=True)]
    save_grid(tiles, path, f"one voice ({who.voice_identity}, face {face}, {who.split}) "
              "across its utterances", columns=8)
    return path
