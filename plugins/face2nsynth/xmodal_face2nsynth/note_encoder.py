"""A note autoencoder whose decoder is the harmonic synth: real notes mapped into the synth's controls.

Why: a GAN judged on audio alone taught the face network steady organ-like
tones (family FID 8.7x the real-vs-real floor). Real notes say directly which
controls make a piano or a plucked string: an encoder trained to reproduce
real notes *through the synth* (multi-resolution spectral loss) gives every
training note a control vector, and a critic on control vectors then asks the
face network for controls like real notes', a far easier target than audio.
The decoder has no weights of its own (:meth:`HarmonicGenerator.render`), so the
face network and the encoder speak exactly the same control language.
"""

from __future__ import annotations

import itertools
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .audio import LogMel
from .data import NoteSet

__all__ = ["STFT_SIZES", "NoteEncoder", "fit_note_encoder", "spectral_loss"]

#: FFT sizes of the multi-resolution spectral loss (DDSP's, up to a quarter second at 16 kHz).
STFT_SIZES = (2048, 1024, 512, 256, 128, 64)


def spectral_loss(fake: torch.Tensor, real: torch.Tensor,
                  sizes: tuple[int, ...] = STFT_SIZES) -> torch.Tensor:
    """Mean over FFT sizes of L1 between magnitudes plus L1 between log magnitudes.

    Both terms: the linear one is led by the loud partials, the log one by the
    decay tails and the noise floor between partials, which is what a family
    classifier hears.
    """
    a, b = fake.flatten(1).float(), real.flatten(1).float()
    total = torch.zeros((), device=a.device)
    for n in sizes:
        window = torch.hann_window(n, device=a.device)
        sa = torch.stft(a, n, n // 4, window=window, return_complex=True).abs()
        sb = torch.stft(b, n, n // 4, window=window, return_complex=True).abs()
        total = total + (sa - sb).abs().mean() + (torch.log(sa + 1e-5) - torch.log(sb + 1e-5)).abs().mean()
    return total / len(sizes)


class NoteEncoder(nn.Module):
    """Waveform ``[B, 1, 8192]`` -> raw synth controls ``[B, control_dim]`` (log-mel CNN).

    The time axis is kept to the last layer (80 x 29 halved three times to
    10 x 4), so the loudness envelope and the decay can be read from it.
    """

    def __init__(self, control_dim: int, width: int = 16) -> None:
        super().__init__()
        self.control_dim = control_dim
        self.mel = LogMel()
        channels = [1, width, 2 * width, 4 * width, 8 * width]
        self.convs = nn.ModuleList(
            [nn.Conv2d(a, b, 3, stride=1 if i == 0 else 2, padding=1)
             for i, (a, b) in enumerate(itertools.pairwise(channels))]
        )
        self.fc = nn.Sequential(nn.Linear(channels[-1] * 10 * 4, 512), nn.LeakyReLU(0.2),
                                nn.Linear(512, control_dim))

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        x = (self.mel(wave) + 5.0) / 5.0
        for conv in self.convs:
            x = F.leaky_relu(conv(x), 0.2)
        return self.fc(x.flatten(1))


def fit_note_encoder(encoder: NoteEncoder, render: Callable[[torch.Tensor, torch.Tensor], torch.Tensor],
                     notes: NoteSet, *, steps: int, batch: int = 32, lr: float = 1e-3, seed: int = 0,
                     progress: bool = True) -> dict[str, Any]:
    """Train ``encoder`` so that ``render(encoder(note), pitch)`` sounds like the note (Adam, cosine).

    Returns the mean spectral loss of the first and the last 100 steps (a quarter of a short
    run) and the seconds taken.
    """
    from tqdm.auto import tqdm

    rng = np.random.default_rng(seed)
    optimizer = torch.optim.Adam(encoder.parameters(), lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, max(steps, 1))
    losses: list[float] = []
    started = time.perf_counter()
    encoder.train()
    with tqdm(total=steps, desc="face2nsynth: note autoencoder", unit="step", disable=not progress) as bar:
        for _ in range(steps):
            index = np.sort(rng.choice(len(notes), min(batch, len(notes)), replace=False))
            real = notes.tensor(index)
            pitch = torch.from_numpy(notes.pitch[index]).long()
            loss = spectral_loss(render(encoder(real), pitch), real)
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            optimizer.step()
            schedule.step()
            losses.append(float(loss.detach()))
            bar.update(1)
            bar.set_postfix(spectral=f"{losses[-1]:.3f}", refresh=False)
    window = max(1, min(100, len(losses) // 4))
    return {"steps": steps, "spectral_loss_first": float(np.mean(losses[:window] or [0.0])),
            "spectral_loss_last": float(np.mean(losses[-window:] or [0.0])),
            "seconds": round(time.perf_counter() - started, 1)}
