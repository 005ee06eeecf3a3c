"""Generator, discriminators and phase shuffle: shapes, pitch conditioning, determinism."""

from __future__ import annotations

import pytest
import torch
from xmodal_face2nsynth.audio import NUM_PITCHES, NUM_SAMPLES
from xmodal_face2nsynth.discriminator import AuxDiscriminator, NoteDiscriminator, phase_shuffle
from xmodal_face2nsynth.generator import NoteGenerator, default_pitches
from xmodal_face2nsynth.phi import PHI_DIM

from engine import XmodalError


def _faces(n: int) -> torch.Tensor:
    return torch.nn.functional.normalize(torch.randn(n, 128), dim=1)


def test_generator_shapes_and_range() -> None:
    torch.manual_seed(0)
    generator = NoteGenerator(width=2)
    wave = generator(_faces(3), pitch_index=torch.tensor([0, 30, 60]))
    assert wave.shape == (3, 1, NUM_SAMPLES)
    assert float(wave.detach().abs().max()) <= 1.0


def test_pitch_changes_the_note_and_same_input_same_note() -> None:
    torch.manual_seed(0)
    generator = NoteGenerator(width=2)
    for norm in generator.norms:  # make pitch embeddings differ from their initial 1 / 0
        torch.nn.init.normal_(norm.gamma.weight, 1.0, 0.3)
    generator.eval()
    faces = _faces(2)
    a, b = generator(faces, pitch=60), generator(faces, pitch=61)
    assert not torch.allclose(a, b)
    torch.testing.assert_close(a, generator(faces, pitch=60))


def test_pitch_out_of_range_is_a_clear_error() -> None:
    with pytest.raises(XmodalError, match="24-84"):
        NoteGenerator(width=2)(_faces(1), pitch=100)


def test_default_pitch_follows_the_distribution_and_the_face() -> None:
    faces = _faces(400)
    only = torch.zeros(NUM_PITCHES)
    only[[10, 20]] = 0.5
    pitches = default_pitches(faces, only)
    assert set(pitches.tolist()) == {10, 20}
    torch.testing.assert_close(pitches, default_pitches(faces.clone(), only))


def test_discriminators_score_each_item() -> None:
    torch.manual_seed(0)
    wave = torch.randn(4, 1, NUM_SAMPLES)
    score = NoteDiscriminator(width=2)(wave, torch.tensor([0, 1, 2, 3]))
    assert score.shape == (4,)
    assert AuxDiscriminator(PHI_DIM)(torch.randn(4, PHI_DIM)).shape == (4,)
    projected = AuxDiscriminator(16, classes=61)  # the control critic: judged per pitch
    x = torch.randn(3, 16).repeat(2, 1)
    score = projected(x, torch.tensor([0, 0, 0, 1, 2, 3]))
    assert score.shape == (6,) and not torch.allclose(score[:3], score[3:])


def test_phase_shuffle_shifts_by_at_most_n() -> None:
    torch.manual_seed(0)
    x = torch.arange(40.0).view(1, 1, 40).repeat(8, 2, 1)
    y = phase_shuffle(x, 2)
    assert y.shape == x.shape
    shift = (y[:, 0, 10] - x[:, 0, 10]).abs()
    assert bool((shift <= 2).all())
    torch.testing.assert_close(y[:, 0], y[:, 1])  # one shift per item, all channels alike
    assert torch.equal(phase_shuffle(x, 0), x)
