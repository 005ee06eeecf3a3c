"""The audio metric phi: MFCC layout (13 x 29), shapes, and gradients back to the generator."""

from __future__ import annotations

import torch
from xmodal_face2nsynth.audio import MFCC_DIM, NUM_SAMPLES, SAMPLE_RATE, Mfcc
from xmodal_face2nsynth.frozen import random_audio_nets
from xmodal_face2nsynth.generator import NoteGenerator
from xmodal_face2nsynth.phi import PHI_DIM, max_pairwise_distance


def _tone(freq: float, n: int = 1) -> torch.Tensor:
    t = torch.arange(NUM_SAMPLES) / SAMPLE_RATE
    return (0.5 * torch.sin(2 * torch.pi * freq * t)).repeat(n, 1, 1)


def test_mfcc_is_13_by_29_per_note_and_batch_independent() -> None:
    mfcc = Mfcc()
    assert MFCC_DIM == 377
    a = mfcc(_tone(440.0))
    assert a.shape == (1, 377)
    batch = torch.cat([_tone(440.0), 1e-3 * _tone(1000.0)])
    torch.testing.assert_close(mfcc(batch)[0:1], a)  # the dB floor is per note, not per batch


def test_phi_shape_scales_and_gradients_reach_the_generator() -> None:
    torch.manual_seed(0)
    nets = random_audio_nets()
    waves = torch.cat([_tone(f) for f in (220.0, 440.0, 880.0, 1760.0)])
    l1, l2 = nets.phi.fit_scales(waves)
    assert l1 > 0 and l2 > 0
    assert abs(max_pairwise_distance(nets.phi.mfcc(waves) * l2) - 1.0) < 1e-5
    assert not any(p.requires_grad for p in nets.phi.parameters())
    generator = NoteGenerator(width=2)
    faces = torch.nn.functional.normalize(torch.randn(4, 128), dim=1)
    features = nets.phi(generator(faces, pitch_index=torch.tensor([0, 10, 20, 30])))
    assert features.shape == (4, PHI_DIM)
    features.square().sum().backward()
    grads = [p.grad for p in generator.parameters() if p.grad is not None]
    assert grads and all(torch.isfinite(g).all() for g in grads)
    assert any(float(g.abs().sum()) > 0 for g in grads)
    assert generator.dense.weight.grad is not None


def test_phi_stays_frozen_in_train_mode() -> None:
    nets = random_audio_nets()
    nets.phi.train()
    assert not nets.phi.training and not nets.phi.psi.training
