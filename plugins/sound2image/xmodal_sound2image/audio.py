"""The sound front end: any clip -> its loudest 1.0 s at 22.05 kHz -> a log-mel spectrogram.

The paper feeds SoundNet 22 kHz waveforms scaled to [-256, 256]; our sound CNN
is trained here and reads a log-mel spectrogram instead (64 bands, FFT 1024,
hop 256: 87 frames a second), which trains in minutes on a CPU. Clips are
peak-normalised first (the data set's clips are), so loudness carries nothing,
and a user's longer recording is reduced to its loudest second, where the
sound most likely is, rather than its first second, which is often silence.
"""

from __future__ import annotations

import numpy as np
import torch
import torchaudio
from torch import nn

from engine import MediaError

__all__ = ["CLIP_SAMPLES", "N_MELS", "SAMPLE_RATE", "LogMel", "check_sound", "loudest_second"]

SAMPLE_RATE = 22050
CLIP_SAMPLES = SAMPLE_RATE
N_MELS = 64
#: Peak level clips are normalised to (the object-sounds clips use 0.8).
PEAK = 0.8
#: A clip whose peak is below this (about -80 dBFS) has nothing to hear.
SILENCE = 1e-4


def check_sound(wave: np.ndarray | torch.Tensor) -> None:
    """Refuse a clip with nothing in it: one :class:`MediaError` line."""
    peak = float(torch.as_tensor(wave).abs().max()) if len(wave) else 0.0
    if not np.isfinite(peak) or peak < SILENCE:
        raise MediaError("the clip is silent: there is no sound to picture")


def loudest_second(wave: torch.Tensor, n: int = CLIP_SAMPLES, hop: int = SAMPLE_RATE // 10) -> torch.Tensor:
    """The ``n``-sample window of ``wave`` (1-D) with the most energy (zero-padded if shorter)."""
    if len(wave) <= n:
        return torch.nn.functional.pad(wave, (0, n - len(wave)))
    energy = torch.cumsum(torch.cat([torch.zeros(1), wave.double() ** 2]), 0)
    starts = torch.arange(0, len(wave) - n + 1, hop)
    best = int(starts[torch.argmax(energy[starts + n] - energy[starts])])
    return wave[best:best + n]


def peak_normalise(wave: torch.Tensor) -> torch.Tensor:
    """Scale every clip (``[..., T]``) to the data set's peak level."""
    peak = wave.abs().amax(-1, keepdim=True).clamp_min(SILENCE)
    return wave * (PEAK / peak)


class LogMel(nn.Module):
    """``[B, T]`` waveforms in [-1, 1] -> ``[B, 1, N_MELS, frames]`` log-mel (natural log, floor 1e-5)."""

    def __init__(self, n_mels: int = N_MELS) -> None:
        super().__init__()
        self.mel = torchaudio.transforms.MelSpectrogram(
            sample_rate=SAMPLE_RATE, n_fft=1024, hop_length=256, n_mels=n_mels, f_min=30.0,
            power=2.0)

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        with torch.autocast(wave.device.type, enabled=False):
            spec = self.mel(peak_normalise(wave.float()))
        return torch.log(spec + 1e-5)[:, None]
