"""The mel front end: any rate, channel count and length in, one 48x48 picture out."""

from __future__ import annotations

import math

import pytest
import torch
from xmodal_aivae.frontend import MelFrontEnd, MelSettings, mel_image

from engine import Audio, MediaError


def _chirp(seconds: float, rate: int, channels: int = 1) -> Audio:
    """A rising tone with silence on both sides: speech-like enough for the front end."""
    t = torch.arange(int(seconds * rate)) / rate
    tone = 0.5 * torch.sin(2 * math.pi * (300 + 400 * t) * t)
    envelope = ((t > 0.1 * seconds) & (t < 0.9 * seconds)).float()
    wave = (tone * envelope).unsqueeze(0).repeat(channels, 1)
    return Audio(wave, rate)


def test_picture_shape_and_range() -> None:
    picture = MelFrontEnd().prepare(_chirp(0.6, 8000))
    assert picture.shape == (1, 48, 48)
    assert picture.dtype == torch.float32
    assert float(picture.min()) >= 0.0 and float(picture.max()) <= 1.0
    assert float(picture.max()) == pytest.approx(1.0, abs=0.05)  # scaled to its own peak


def test_48khz_stereo_matches_8khz_mono() -> None:
    front = MelFrontEnd()
    low = front.prepare(_chirp(0.6, 8000))
    high = front.prepare(_chirp(0.6, 48000, channels=2))
    assert high.shape == low.shape
    assert float((high - low).abs().mean()) < 0.05


def test_short_and_long_clips() -> None:
    front = MelFrontEnd()
    assert front.prepare(_chirp(0.2, 8000)).shape == (1, 48, 48)
    assert front.prepare(Audio(torch.full((1, 100), 0.3), 8000)).shape == (1, 48, 48)
    # Longer than max_seconds: the start is kept, the rest ignored.
    long = _chirp(5.0, 8000)
    settings = MelSettings(trim_db=None)
    start = Audio(long.data[:, : int(settings.max_seconds * 8000)], 8000)
    assert torch.allclose(mel_image(long.data[0], settings), mel_image(start.data[0], settings))


def test_silence_is_trimmed() -> None:
    clip = _chirp(0.6, 8000)
    padded = Audio(torch.cat([torch.zeros(1, 8000), clip.data, torch.zeros(1, 8000)], 1), 8000)
    front = MelFrontEnd()
    assert float((front.prepare(padded) - front.prepare(clip)).abs().mean()) < 0.02


def test_silent_clip_is_refused() -> None:
    with pytest.raises(MediaError, match="silent"):
        MelFrontEnd().prepare(Audio(torch.zeros(1, 4000), 8000))


def test_settings_are_hashable_and_strict() -> None:
    assert hash(MelSettings()) == hash(MelSettings())
    with pytest.raises(ValueError):
        MelSettings(size=4)
