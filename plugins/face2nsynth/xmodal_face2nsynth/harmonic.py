"""The harmonic-plus-noise translator: the face chooses a timbre, the pitch only sets f0.

Why not the paper's WaveGAN on a CPU: at cpu-small length it never learns to make a
pitch (its notes are broadband noise, 2.7% pitch accuracy). Here the pitch is
given, so f0 is exact, and a small MLP of the face alone predicts the controls of
:mod:`.synth`. Pitch never enters the network: at one pitch, different faces must
give different instruments, not "the typical instrument of this register".

Controls (all pitch-free; "grid" = log-frequency grid read at ``k * f0``):

- loudness envelope at the 33 segment knots;
- spectral envelope at the onset and a decay rate per grid point, so high partials
  can die faster than low ones (piano, guitar, mallet);
- per-harmonic offsets (odd/even patterns such as a clarinet's);
- filtered noise: a burst at the onset (an attack transient) decaying with its own
  time constant, and sustained noise following the loudness (breath, bow).

The note is peak-normalised like the real notes (loudness is not the face's to decide).

With ``pitch_offsets`` the pitch also adds one learnt control vector, the same for
every face (what a register does to all instruments alike); the face network itself
still never sees the pitch. :meth:`HarmonicGenerator.render` is the synth alone (no
weights): the note autoencoder of :mod:`.note_encoder` decodes with it.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from torch import nn

from engine import Translator

from .audio import NUM_PITCHES, PITCH_MIN, SAMPLE_RATE, peak_normalise
from .generator import pitch_labels
from .synth import KNOTS, band_noise, knot_times, midi_to_hz, read_log_grid, sum_sinusoids, upsample_knots

__all__ = ["HarmonicGenerator"]

HARMONICS = 96
GRID = 48
BANDS = 16


class HarmonicGenerator(Translator):
    """Face embedding ``[B, in_dim]`` + pitch -> waveform ``[B, 1, 8192]`` (harmonics + noise)."""

    options: ClassVar[dict[str, type]] = {"pitch": int}
    pitch_distribution: torch.Tensor
    noise: torch.Tensor
    phase: torch.Tensor
    times: torch.Tensor
    face_mean: torch.Tensor
    face_std: torch.Tensor
    harmonic_number: torch.Tensor

    def __init__(self, width: int = 8, in_dim: int = 128, pitch_offsets: bool = False) -> None:
        super().__init__()
        self.width = width
        hidden = 32 * width
        self.sizes = {"loudness": KNOTS, "onset": GRID, "decay": GRID, "offset": HARMONICS,
                      "burst": BANDS, "breath": BANDS, "burst_time": 1}
        self.body = nn.Sequential(nn.Linear(in_dim, hidden), nn.LeakyReLU(0.2),
                                  nn.Linear(hidden, hidden), nn.LeakyReLU(0.2))
        self.head = nn.Linear(hidden, sum(self.sizes.values()))
        with torch.no_grad():  # start as a dull, steady tone with a little noise
            self.head.weight.mul_(0.5)
            self.head.bias.zero_()
            bias = dict(zip(self.sizes, self.head.bias.split(list(self.sizes.values())), strict=True))
            bias["onset"].copy_(-torch.linspace(0, 6, GRID))
            bias["burst"].fill_(-3.0)
            bias["breath"].fill_(-4.0)
        #: ``pitch_offsets``: one learnt control vector per pitch, *added* to the face's. It
        #: carries what a register does to every instrument alike (high notes die sooner,
        #: low ones carry more noise) and cannot depend on the face, so at one pitch the
        #: face alone still chooses the timbre. Starts at zero (the pitch-free synth).
        self.pitch_offset: nn.Embedding | None = None
        if pitch_offsets:
            self.pitch_offset = nn.Embedding(NUM_PITCHES, sum(self.sizes.values()))
            nn.init.zeros_(self.pitch_offset.weight)
        k = torch.arange(1, HARMONICS + 1, dtype=torch.float64)
        self.register_buffer("harmonic_number", k, persistent=False)
        self.register_buffer("phase", math.pi * k * k / HARMONICS, persistent=False)  # Schroeder
        self.register_buffer("noise", band_noise(BANDS), persistent=False)
        self.register_buffer("times", knot_times(), persistent=False)
        self.register_buffer("pitch_distribution", torch.full((NUM_PITCHES,), 1.0 / NUM_PITCHES))
        #: Centre and scale of the training faces (set by the recipe). dlib embeddings of one
        #: data set crowd into a small cap of the sphere; centred and scaled, two faces differ
        #: by O(1) per dimension, and the timbre network feels it from the first step. The
        #: scale is one number for all dimensions: per-dimension z-scores would distort the
        #: face distances the note distances must follow, and blow up the directions that 25
        #: training people hardly vary in (measured: train-face PC 0.68, held-out 0.26).
        self.register_buffer("face_mean", torch.zeros(in_dim))
        self.register_buffer("face_std", torch.ones(in_dim))

    def fit_faces(self, faces: torch.Tensor) -> None:
        """Remember the training faces' mean and their RMS spread around it (one scale)."""
        centred = faces.float() - faces.float().mean(0)
        self.face_mean.copy_(faces.float().mean(0))
        self.face_std.fill_(float(centred.pow(2).mean().sqrt().clamp(min=1e-6)))

    @property
    def control_dim(self) -> int:
        """Length of the raw control vector :meth:`render` reads."""
        return sum(self.sizes.values())

    def raw_controls(self, features: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        """The synth's controls ``[B, control_dim]`` for each face at pitch indices ``label``.

        The face network never sees the pitch; only the face-independent
        ``pitch_offset`` (when built) depends on it.
        """
        raw = self.head(self.body((features.float() - self.face_mean) / self.face_std))
        return raw if self.pitch_offset is None else raw + self.pitch_offset(label)

    def controls(self, raw: torch.Tensor) -> dict[str, torch.Tensor]:
        """A raw control vector split into the named controls."""
        return dict(zip(self.sizes, raw.split(list(self.sizes.values()), dim=1), strict=True))

    def forward(self, features: torch.Tensor, **condition: Any) -> torch.Tensor:
        """``condition``: ``pitch`` (a MIDI number for all faces) or ``pitch_index`` (a tensor)."""
        label = pitch_labels(features, condition, self.pitch_distribution)
        return self.render(self.raw_controls(features, label), label)

    def render(self, raw: torch.Tensor, label: torch.Tensor) -> torch.Tensor:
        """Raw controls ``[B, control_dim]`` at pitch indices ``label [B]`` -> notes ``[B, 1, 8192]``.

        The synth itself has no weights: a note autoencoder (:mod:`.note_encoder`)
        uses this as its decoder, so real notes and faces share one control space.
        """
        c = self.controls(raw)
        hz = midi_to_hz(label + PITCH_MIN)[:, None] * self.harmonic_number  # [B, K] float64
        t = self.times[None, :, None]  # [1, KNOTS, 1]
        onset = read_log_grid(c["onset"], hz)[:, None, :]
        decay = F.softplus(read_log_grid(c["decay"], hz))[:, None, :]
        log_amp = onset - decay * t * 8.0 + c["offset"][:, None, :]
        audible = (hz < SAMPLE_RATE / 2 * 0.95)[:, None, :]
        share = torch.softmax(log_amp.masked_fill(~audible, -1e4), dim=2)
        loudness = F.softplus(c["loudness"])[:, :, None]
        harmonic = sum_sinusoids(loudness * share, hz, self.phase)
        burst_time = 0.005 + 0.1 * torch.sigmoid(c["burst_time"])  # seconds, [B, 1]
        gains = (torch.exp(c["burst"])[:, :, None] * torch.exp(-self.times / burst_time[:, :, None])
                 + torch.exp(c["breath"])[:, :, None] * loudness.transpose(1, 2))
        noise = (upsample_knots(gains) * self.noise).sum(1)
        return peak_normalise((harmonic + noise).unsqueeze(1))

    @staticmethod
    def midi(pitch_index: torch.Tensor) -> torch.Tensor:
        """Pitch class indices -> MIDI note numbers."""
        return pitch_index + PITCH_MIN
