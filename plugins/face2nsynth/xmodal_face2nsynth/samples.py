"""Sample notes a reader can play: held-out faces at a few pitches beside real test notes.

``xmodal face2nsynth samples MODEL --out DIR`` writes short 16-bit WAVs (8192
samples, 16 KB each) and returns the rows of a Markdown table linking them, for
``docs/results/face2nsynth.md``. The faces are the first photo of the first
held-out people, as in the spectrogram picture, so the two can be compared.
"""

from __future__ import annotations

import wave
from pathlib import Path

import numpy as np
import torch

from .audio import FAMILIES, PITCH_MIN, SAMPLE_RATE, midi_to_index
from .data import NoteSet
from .evaluation import Evaluator, translate_waves

__all__ = ["write_samples", "write_wav"]


def write_wav(path: Path, samples: np.ndarray) -> Path:
    """Mono 16-bit PCM at the notes' 16 kHz."""
    path.parent.mkdir(parents=True, exist_ok=True)
    pcm = (np.clip(samples, -1.0, 1.0) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(SAMPLE_RATE)
        out.writeframes(pcm.tobytes())
    return path


def write_samples(evaluator: Evaluator, generator: torch.nn.Module, notes: NoteSet, out: Path,
                  pitches: tuple[int, ...] = (48, 60, 72), people: int = 4,
                  families: tuple[int, ...] = (0, 4, 8)) -> list[str]:
    """WAVs of ``people`` held-out faces at ``pitches`` and real notes; Markdown table lines."""
    firsts = evaluator.first_photos(people)
    faces = evaluator.faces[firsts].repeat_interleave(len(pitches), dim=0)
    index = torch.tensor([midi_to_index(p) for p in pitches] * len(firsts))
    waves = translate_waves(generator, faces, index)[:, 0].numpy()
    lines = ["| note | " + " | ".join(f"MIDI {p}" for p in pitches) + " |",
             "|---|" + "---|" * len(pitches)]
    for r in range(len(firsts)):
        cells = [write_wav(out / f"face{r}-{p}.wav", waves[r * len(pitches) + c]).name
                 for c, p in enumerate(pitches)]
        lines.append(f"| held-out face {r} | " + " | ".join(f"[{c}]({c})" for c in cells) + " |")
    for family in families:
        cells = []
        for p in pitches:
            match = np.flatnonzero((notes.pitch == p - PITCH_MIN) & (notes.family == family))
            if len(match):
                name = write_wav(out / f"real-{FAMILIES[family]}-{p}.wav",
                                 notes.tensor(match[:1])[0, 0].numpy()).name
                cells.append(f"[{name}]({name})")
            else:
                cells.append("")
        lines.append(f"| real {FAMILIES[family]} | " + " | ".join(cells) + " |")
    return lines
