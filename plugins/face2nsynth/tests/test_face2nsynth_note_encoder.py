"""The note autoencoder: the spectral loss, the encoder's shape, and a few real training steps."""

from __future__ import annotations

import math

import torch
from xmodal_face2nsynth.audio import NUM_SAMPLES, SAMPLE_RATE
from xmodal_face2nsynth.data import load_notes
from xmodal_face2nsynth.harmonic import HarmonicGenerator
from xmodal_face2nsynth.note_encoder import NoteEncoder, fit_note_encoder, spectral_loss


def _tone(hz: float) -> torch.Tensor:
    t = torch.arange(NUM_SAMPLES) / SAMPLE_RATE
    return (0.5 * torch.sin(2 * math.pi * hz * t)).view(1, 1, -1)


def test_spectral_loss_is_zero_for_the_same_note_and_ranks_distances() -> None:
    a, near, far = _tone(440.0), _tone(450.0), torch.randn(1, 1, NUM_SAMPLES).clamp(-0.5, 0.5)
    assert float(spectral_loss(a, a)) == 0.0
    assert 0.0 < float(spectral_loss(near, a)) < float(spectral_loss(far, a))
    fake = near.clone().requires_grad_(True)
    spectral_loss(fake, a).backward()
    assert fake.grad is not None and bool(torch.isfinite(fake.grad).all())
    assert float(fake.grad.abs().sum()) > 0


def test_encoder_gives_one_control_vector_per_note() -> None:
    synth = HarmonicGenerator(width=2)
    encoder = NoteEncoder(synth.control_dim, width=4)
    notes = torch.cat([_tone(220.0), _tone(880.0)])
    controls = encoder(notes)
    assert controls.shape == (2, synth.control_dim)
    out = synth.render(controls, torch.tensor([21, 45]))
    assert out.shape == (2, 1, NUM_SAMPLES) and bool(torch.isfinite(out).all())


def test_a_few_steps_of_fitting_bring_the_reconstruction_closer() -> None:
    """Real tiny gm-notes through the real synth: the spectral loss must fall."""
    torch.manual_seed(0)
    notes = load_notes("train", tiny=True)
    synth = HarmonicGenerator(width=2)
    encoder = NoteEncoder(synth.control_dim, width=4)
    info = fit_note_encoder(encoder, synth.render, notes, steps=60, batch=8, lr=2e-3, progress=False)
    assert info["steps"] == 60 and info["seconds"] > 0
    assert info["spectral_loss_last"] < 0.9 * info["spectral_loss_first"]
