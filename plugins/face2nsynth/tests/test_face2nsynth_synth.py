"""The harmonic-plus-noise synth: exact against a naive sum, in tune, pitch-free timbre, deterministic."""

from __future__ import annotations

import math

import torch
from xmodal_face2nsynth.audio import NUM_SAMPLES, SAMPLE_RATE
from xmodal_face2nsynth.harmonic import HarmonicGenerator
from xmodal_face2nsynth.synth import (
    GRID_MAX_HZ,
    GRID_MIN_HZ,
    KNOTS,
    SEGMENT,
    band_noise,
    midi_to_hz,
    read_log_grid,
    sum_sinusoids,
)


def _faces(n: int, seed: int = 0) -> torch.Tensor:
    raw = torch.randn(n, 128, generator=torch.Generator().manual_seed(seed))
    return torch.nn.functional.normalize(raw, dim=1)


def test_segment_products_equal_the_naive_sum() -> None:
    g = torch.Generator().manual_seed(0)
    amp = torch.rand(2, KNOTS, 3, generator=g, dtype=torch.float64)
    hz = torch.tensor([[110.0, 220.0, 330.0], [431.0, 862.0, 1293.0]], dtype=torch.float64)
    phase = torch.tensor([0.0, 1.0, 2.0], dtype=torch.float64)
    n = torch.arange(NUM_SAMPLES, dtype=torch.float64)
    knot, frac = n // SEGMENT, (n % SEGMENT) / SEGMENT
    per_sample = amp[:, knot.long()] * (1 - frac[:, None]) + amp[:, knot.long() + 1] * frac[:, None]
    naive = (per_sample * torch.sin(2 * math.pi * hz[:, None, :] * n[:, None] / SAMPLE_RATE + phase)).sum(2)
    assert torch.allclose(sum_sinusoids(amp, hz, phase), naive, atol=1e-8)


def test_log_grid_reads_grid_points_exactly_and_clamps() -> None:
    values = torch.arange(5, dtype=torch.float32)[None]
    points = torch.logspace(math.log10(GRID_MIN_HZ), math.log10(GRID_MAX_HZ), 5, dtype=torch.float64)
    hz = torch.cat([points, torch.tensor([1.0, 1e5], dtype=torch.float64)])[None]
    assert torch.allclose(read_log_grid(values, hz), torch.tensor([[0, 1, 2, 3, 4, 0, 4.0]]), atol=1e-5)


def test_band_noise_is_fixed_unit_rms_and_band_limited() -> None:
    noise = band_noise(4)
    assert torch.equal(noise, band_noise(4))
    assert torch.allclose(noise.pow(2).mean(1), torch.ones(4), atol=1e-4)
    spectrum = torch.fft.rfft(noise[0].double()).abs()
    hz = torch.fft.rfftfreq(NUM_SAMPLES, 1 / SAMPLE_RATE)
    # the lowest of 4 bands stops at 20 * 400^(1/4) = 89 Hz
    assert float(spectrum[hz > 200].max()) < 1e-4 * float(spectrum.max())


def test_generator_plays_the_asked_pitch() -> None:
    generator = HarmonicGenerator(width=2).eval()
    with torch.no_grad():
        generator.head.bias[-33:].fill_(-40.0)  # silence the noise: harmonics alone must stay below Nyquist
        for midi in (33, 60, 81):
            wave = generator(_faces(1), pitch=midi)[0, 0].double()
            spectrum = torch.fft.rfft(wave * torch.hann_window(NUM_SAMPLES, dtype=torch.float64)).abs()
            hz = torch.fft.rfftfreq(NUM_SAMPLES, 1 / SAMPLE_RATE)
            f0 = float(midi_to_hz(torch.tensor(midi)))
            peak = float(hz[spectrum.argmax()])
            assert abs(peak / f0 - round(peak / f0)) < 0.02, (midi, peak, f0)  # a harmonic of f0
            assert float(spectrum[hz > SAMPLE_RATE / 2 * 0.97].max()) < 1e-2 * float(spectrum.max())


def test_generator_is_deterministic_bounded_and_trainable() -> None:
    generator = HarmonicGenerator(width=2)
    faces = _faces(4)
    pitch = torch.tensor([0, 10, 30, 60])
    out = generator(faces, pitch_index=pitch)
    assert out.shape == (4, 1, NUM_SAMPLES) and float(out.detach().abs().max()) <= 0.5 + 1e-6
    assert torch.equal(out, generator(faces, pitch_index=pitch))
    out.pow(2).mean().backward()
    assert all(p.grad is not None and torch.isfinite(p.grad).all() for p in generator.parameters())


def test_timbre_controls_do_not_depend_on_pitch() -> None:
    generator = HarmonicGenerator(width=2)
    faces = _faces(3)
    controls = generator.controls(generator.raw_controls(faces, torch.zeros(3, dtype=torch.long)))
    assert set(controls) >= {"loudness", "onset", "decay", "offset", "burst", "breath"}
    assert not torch.allclose(controls["onset"][0], controls["onset"][1])  # the face decides



def test_pitch_offsets_move_every_face_alike() -> None:
    """With ``pitch_offsets`` the pitch shifts all faces' controls by one vector: no face x pitch term."""
    generator = HarmonicGenerator(width=2, pitch_offsets=True)
    assert generator.pitch_offset is not None
    torch.nn.init.normal_(generator.pitch_offset.weight)
    faces = _faces(2)
    low = generator.raw_controls(faces, torch.tensor([5, 5]))
    high = generator.raw_controls(faces, torch.tensor([40, 40]))
    assert not torch.allclose(low, high)
    assert torch.allclose(low[0] - low[1], high[0] - high[1], atol=1e-6)
    assert HarmonicGenerator(width=2).pitch_offset is None  # the default stays pitch-free
