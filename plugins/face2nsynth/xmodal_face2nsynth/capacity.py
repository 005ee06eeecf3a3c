"""Capacity check: can the generator represent pitched notes when told exactly what to play?

Fits a ``NoteGenerator`` directly to a handful of real training notes (fixed
random face vectors, the notes' own pitches) with a log-magnitude STFT L1 loss,
no discriminator, and reports how often the frozen pitch classifier hears the
asked pitch in what it learned. It separates "the network cannot make notes"
from "the adversarial game has not taught it yet" when a short GAN run
produces only noise (see docs/results/face2nsynth.md).

    xmodal face2nsynth fit-notes --width 8 --steps 1000
"""

from __future__ import annotations

import time

import torch

from .data import load_notes
from .frozen import load_audio_nets
from .generator import NoteGenerator

__all__ = ["fit_notes"]


def _log_spectrum(wave: torch.Tensor) -> torch.Tensor:
    window = torch.hann_window(1024)
    return torch.log1p(torch.stft(wave[:, 0], 1024, 256, window=window, return_complex=True).abs())


def fit_notes(width: int, steps: int, count: int = 16, seed: int = 0) -> dict[str, float]:
    """Train a generator of ``width`` on ``count`` notes; pitch accuracy of its outputs."""
    torch.manual_seed(seed)
    notes = load_notes("train")
    index = notes.sample(count, seed + 3)
    target = notes.tensor(index)
    pitch = torch.from_numpy(notes.pitch[index]).long()
    faces = torch.nn.functional.normalize(torch.randn(count, 128), dim=1)
    classifier = load_audio_nets().pitch
    generator = NoteGenerator(width=width)
    optimizer = torch.optim.Adam(generator.parameters(), lr=1e-3)
    started = time.monotonic()
    loss = torch.zeros(())
    for _ in range(steps):
        loss = (_log_spectrum(generator(faces, pitch_index=pitch)) - _log_spectrum(target)).abs().mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    with torch.no_grad():
        heard_train_bn = classifier(generator(faces, pitch_index=pitch)).argmax(1)
        generator.eval()
        heard = classifier(generator(faces, pitch_index=pitch)).argmax(1)
        heard_real = classifier(target).argmax(1)
    return {
        "width": width, "steps": steps, "notes": count, "spectral_l1": float(loss.detach()),
        "pitch_accuracy": float((heard == pitch).float().mean()),
        "pitch_accuracy_batch_stats": float((heard_train_bn == pitch).float().mean()),
        "pitch_accuracy_real": float((heard_real == pitch).float().mean()),
        "seconds": round(time.monotonic() - started, 1),
    }
