"""The paper's voice features: 64 log-mel bins at 10 ms, per-bin normalised, short clips repeated."""

from __future__ import annotations

import numpy as np
from xmodal_voice2face.voiceenc import MIN_FRAMES, log_mel


def _voiced(seconds: float, f0: float = 140.0) -> np.ndarray:
    t = np.arange(int(seconds * 16000)) / 16000
    pulse = np.sign(np.sin(2 * np.pi * f0 * t))  # a buzz with a syllable-rate envelope
    return (0.3 * pulse * (1 + 0.5 * np.sin(2 * np.pi * 3 * t))).astype(np.float32)


def test_features_are_64_bins_at_100_frames_a_second_and_normalised() -> None:
    feats = log_mel(_voiced(5.0))
    assert feats.shape[0] == 64
    assert abs(feats.shape[1] - 500) <= 3  # 10 ms hop, 25 ms window
    assert np.allclose(feats.mean(1), 0, atol=1e-4)
    assert np.allclose(feats.std(1), 1, atol=1e-2)


def test_short_clips_are_repeated_to_the_minimum_length() -> None:
    assert log_mel(_voiced(0.5)).shape == (64, MIN_FRAMES)
