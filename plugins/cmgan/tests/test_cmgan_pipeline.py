"""The S2I pipeline: any audio -> the loudest window -> a 64x64 picture, seeded; shapes of G and D."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from xmodal_cmgan.networks import S2IDiscriminator, S2IGenerator
from xmodal_cmgan.pipeline import CmganArchitecture, CmganPipeline, loudest_window

from engine import Audio, MediaError


def _tone(freq: float, seconds: float, rate: int, amp: float = 0.5) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (amp * np.sin(2 * np.pi * freq * t)).astype(np.float32)


@pytest.fixture(scope="module")
def pipeline() -> CmganPipeline:
    return CmganPipeline.make(CmganArchitecture(sound_width=2, sound_hidden=8, g_width=2)).eval()


def test_generator_and_discriminator_shapes() -> None:
    g, d = S2IGenerator(128, 4), S2IDiscriminator(128, 4)
    pictures = g(torch.randn(5, 128), torch.randn(5, 100))
    assert pictures.shape == (5, 3, 64, 64) and pictures.abs().max() <= 1.0
    assert d(pictures, torch.randn(5, 128)).shape == (5,)
    assert g.project[0].out_features == 64  # phi(A) is 64-D


def test_any_rate_and_length_gives_one_picture(pipeline: CmganPipeline) -> None:
    short = Audio(torch.from_numpy(_tone(440, 0.2, 16000))[None], 16000)
    stereo = Audio(torch.from_numpy(np.stack([_tone(330, 3.0, 48000)] * 2)), 48000)
    for clip in (short, stereo):
        picture = pipeline.translate(clip)
        assert tuple(picture.data.shape) == (3, 64, 64)
        assert float(picture.data.min()) >= 0.0 and float(picture.data.max()) <= 1.0


def test_seed_decides_the_picture(pipeline: CmganPipeline) -> None:
    clip = Audio(torch.from_numpy(_tone(440, 1.0, 44100))[None], 44100)
    other = Audio(torch.from_numpy(_tone(880, 1.0, 44100))[None], 44100)
    a, b = pipeline.translate(clip, seed=3), pipeline.translate(clip, seed=3)
    assert torch.equal(a.data, b.data)
    assert not torch.equal(a.data, pipeline.translate(clip, seed=4).data)
    batch = pipeline.translate([other, clip], seed=3)  # a picture depends on its own input only
    assert torch.allclose(batch[1].data, a.data, atol=1e-6)


def test_loudest_window_and_silence() -> None:
    rate = 44100
    clip = np.concatenate([_tone(440, 1.0, rate, 0.01), _tone(440, 0.5, rate, 0.8),
                           _tone(440, 1.0, rate, 0.01)])
    window = loudest_window(Audio(torch.from_numpy(clip)[None], rate))
    assert len(window) == 22050 and np.abs(window).max() > 0.7
    with pytest.raises(MediaError, match="silent"):
        loudest_window(Audio(torch.zeros(1, rate), rate))


def test_autoencoder_variant_builds() -> None:
    model = CmganPipeline.make(CmganArchitecture(encoder="autoencoder", ae_channels=2, g_width=2))
    clip = Audio(torch.from_numpy(_tone(440, 0.6, 44100))[None], 44100)
    assert tuple(model.translate(clip).data.shape) == (3, 64, 64)
