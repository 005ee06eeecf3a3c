"""The sound front end: the loudest second, silence refused, fixed shapes."""

from __future__ import annotations

import pytest
import torch
from xmodal_sound2image.audio import CLIP_SAMPLES, N_MELS, LogMel, check_sound, loudest_second

from engine import MediaError


def test_loudest_second_finds_the_sound_in_a_long_clip() -> None:
    wave = torch.zeros(5 * CLIP_SAMPLES)
    wave[3 * CLIP_SAMPLES + 100: 3 * CLIP_SAMPLES + 2000] = 0.5
    clip = loudest_second(wave)
    assert len(clip) == CLIP_SAMPLES
    assert float(clip.abs().sum()) == pytest.approx(0.5 * 1900)


def test_short_clips_are_padded() -> None:
    assert len(loudest_second(torch.ones(100))) == CLIP_SAMPLES


def test_silence_is_refused() -> None:
    with pytest.raises(MediaError):
        check_sound(torch.zeros(CLIP_SAMPLES))
    with pytest.raises(MediaError):
        check_sound(torch.zeros(0))
    check_sound(torch.full((10,), 0.01))


def test_logmel_shape_and_level_invariance() -> None:
    mel = LogMel()
    wave = torch.sin(torch.arange(CLIP_SAMPLES) * 0.05)[None]
    a, b = mel(wave), mel(0.1 * wave)
    assert a.shape == (1, 1, N_MELS, 87)
    assert torch.allclose(a, b, atol=1e-3)  # clips are peak-normalised first
