"""Harmonic-plus-noise synthesis (in the spirit of DDSP), differentiable, written for the CPU.

A note is a sum of harmonics of a *given* f0 plus filtered noise, so its pitch is
exact by construction and a network only has to choose the timbre. The controls
are pitch-free: spectral shapes live on a log-frequency grid and are read at the
harmonics ``k * f0``, so one timbre keeps its colour across the keyboard.

CPU trick: instead of a ``[batch, harmonics, 8192]`` tensor, each 256-sample
segment is one matrix product. With amplitudes linear inside a segment,
``sum_k a_k sin(p_k + w_k n) = sum_k (a_k sin p_k) cos(w_k n) + (a_k cos p_k) sin(w_k n)``,
where ``p_k`` is the phase at the segment start: two ``bmm`` with a ``[harmonics, 256]``
basis per note (forward + backward about 10x faster at batch 32).
"""

from __future__ import annotations

import itertools
import math

import torch
import torch.nn.functional as F

from .audio import NUM_SAMPLES, SAMPLE_RATE

__all__ = [
    "GRID_MAX_HZ", "GRID_MIN_HZ", "KNOTS", "SEGMENT", "band_noise", "knot_times", "midi_to_hz",
    "read_log_grid", "sum_sinusoids", "upsample_knots",
]

#: Samples per segment; amplitudes are given at the ``KNOTS`` segment boundaries.
SEGMENT = 256
SEGMENTS = NUM_SAMPLES // SEGMENT
KNOTS = SEGMENTS + 1
GRID_MIN_HZ, GRID_MAX_HZ = 20.0, SAMPLE_RATE / 2


def midi_to_hz(midi: torch.Tensor) -> torch.Tensor:
    """Equal temperament, A4 = MIDI 69 = 440 Hz."""
    return 440.0 * torch.pow(2.0, (midi.double() - 69.0) / 12.0)


def knot_times() -> torch.Tensor:
    """Seconds of every knot ``[KNOTS]`` (segment boundaries)."""
    return torch.arange(KNOTS, dtype=torch.float32) * (SEGMENT / SAMPLE_RATE)


def read_log_grid(values: torch.Tensor, hz: torch.Tensor) -> torch.Tensor:
    """Values ``[B, G]`` on a log-frequency grid (20 Hz - Nyquist) read at ``hz [B, K]`` (linear).

    Frequencies outside the grid take the edge value; gradients reach the two
    grid points around every frequency.
    """
    g = values.shape[1]
    span = math.log(GRID_MAX_HZ / GRID_MIN_HZ)
    pos = (torch.log(hz.clamp(min=GRID_MIN_HZ) / GRID_MIN_HZ) / span * (g - 1)).clamp(0, g - 1)
    low = pos.floor().long().clamp(max=g - 2)
    w = (pos - low).to(values.dtype)
    return values.gather(1, low) * (1 - w) + values.gather(1, low + 1) * w


def sum_sinusoids(amplitude: torch.Tensor, hz: torch.Tensor, phase: torch.Tensor) -> torch.Tensor:
    """``amplitude [B, KNOTS, K]`` of harmonics at ``hz [B, K]`` from ``phase [K]`` -> ``[B, N]``.

    Amplitudes are linear between knots; harmonics at or above Nyquist must
    already have amplitude zero (the caller masks them).
    """
    b = amplitude.shape[0]
    omega = 2 * math.pi * hz / SAMPLE_RATE  # float64 [B, K]
    n = torch.arange(SEGMENT, dtype=torch.float64, device=hz.device)
    local = omega[:, :, None] * n  # [B, K, L]
    starts = torch.arange(SEGMENTS, dtype=torch.float64, device=hz.device) * SEGMENT
    start = torch.remainder(omega[:, None, :] * starts[None, :, None] + phase.double(), 2 * math.pi)
    dtype = amplitude.dtype
    cos_l, sin_l = torch.cos(local).to(dtype), torch.sin(local).to(dtype)
    sin_s, cos_s = torch.sin(start).to(dtype), torch.cos(start).to(dtype)

    def segments(a: torch.Tensor) -> torch.Tensor:  # [B, S, K] -> [B, S, L]
        return torch.bmm(a * sin_s, cos_l) + torch.bmm(a * cos_s, sin_l)

    ramp = (n / SEGMENT).to(dtype)
    out = segments(amplitude[:, :-1]) * (1 - ramp) + segments(amplitude[:, 1:]) * ramp
    return out.reshape(b, SEGMENTS * SEGMENT)


def upsample_knots(values: torch.Tensor) -> torch.Tensor:
    """``[B, C, KNOTS]`` -> ``[B, C, N]``, linear between knots (knot j at sample j * SEGMENT)."""
    padded = F.interpolate(values, size=SEGMENTS * SEGMENT + 1, mode="linear", align_corners=True)
    return padded[..., :NUM_SAMPLES]


def band_noise(bands: int, seed: int = 0) -> torch.Tensor:
    """Fixed white noise split into ``bands`` log-spaced bands, ``[bands, N]``, unit RMS each.

    The noise is part of the instrument, not a random input: the same face and
    pitch must give the same note, so it is drawn once from a fixed seed.
    """
    white = torch.randn(NUM_SAMPLES, generator=torch.Generator().manual_seed(seed), dtype=torch.float64)
    spectrum = torch.fft.rfft(white)
    hz = torch.fft.rfftfreq(NUM_SAMPLES, 1 / SAMPLE_RATE, dtype=torch.float64)
    edges = torch.logspace(math.log10(GRID_MIN_HZ), math.log10(GRID_MAX_HZ), bands + 1, dtype=torch.float64)
    edges[-1] += 1.0
    out = []
    for lo, hi in itertools.pairwise(edges):
        part = torch.fft.irfft(spectrum * ((hz >= lo) & (hz < hi)), n=NUM_SAMPLES)
        out.append(part / part.pow(2).mean().sqrt().clamp(min=1e-12))
    return torch.stack(out).float()
