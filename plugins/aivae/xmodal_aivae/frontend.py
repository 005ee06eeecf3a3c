"""The audio front end: any clip -> a 48x48 mel-spectrogram picture in [0, 1].

The paper feeds its encoder "mel spectrograms resized to 48x48" and leaves
every other setting open. The choices here, and why:

1. Mix to mono and resample to 8 kHz (FSDD's rate, and enough for a spoken
   digit: nothing above 4 kHz is needed to tell digits apart).
2. Trim leading and trailing silence (frames more than ``trim_db`` below the
   loudest frame), so a digit said in the middle of a long recording looks the
   same as a tightly cut FSDD clip.
3. Keep at most ``max_seconds`` (a digit lasts under a second); clips shorter
   than one FFT window are zero-padded to it.
4. Power mel spectrogram (32 ms windows, 8 ms hop, 64 mel bands 20-4000 Hz), in
   dB, clamped to the ``top_db`` below its own peak and mapped to [0, 1]: the
   picture does not depend on how loud the speaker was.
5. Bilinear resize to 48x48. Stretching the time axis to a fixed width makes
   slow and fast speakers look alike, which is what the paper's resizing does.

A clip with no signal at all (digital silence) is refused with a MediaError:
there is no digit in it to draw.
"""

from __future__ import annotations

import functools
import os
from typing import Any, ClassVar

import torch
import torch.nn.functional as F
from pydantic import BaseModel, ConfigDict, Field

from engine import Encoder, MediaError
from engine.interfaces import MediaKind
from engine.media import Audio

__all__ = ["MelFrontEnd", "MelSettings", "mel_image"]


class MelSettings(BaseModel):
    """Every front-end setting; saved in ``config.json`` so a model always hears as it was trained."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    sample_rate: int = Field(default=8000, ge=1000)
    n_fft: int = Field(default=256, ge=16)
    hop_length: int = Field(default=64, ge=1)
    n_mels: int = Field(default=64, ge=8)
    f_min: float = Field(default=20.0, ge=0.0)
    f_max: float = Field(default=4000.0, gt=0.0)
    size: int = Field(default=48, ge=8, description="side of the square picture the encoder sees")
    top_db: float = Field(default=80.0, gt=0.0, description="dynamic range kept below the peak")
    trim_db: float | None = Field(default=60.0, gt=0.0, description="silence cut below the loudest frame")
    max_seconds: float = Field(default=2.0, gt=0.0, description="longer clips keep their start")
    silence_peak: float = Field(default=1e-4, ge=0.0, description="quieter clips count as silent")


@functools.lru_cache(maxsize=8)
def _mel_transform(settings: MelSettings) -> torch.nn.Module:
    import torchaudio

    return torchaudio.transforms.MelSpectrogram(
        sample_rate=settings.sample_rate, n_fft=settings.n_fft, hop_length=settings.hop_length,
        n_mels=settings.n_mels, f_min=settings.f_min, f_max=min(settings.f_max, settings.sample_rate / 2),
        power=2.0, center=True, pad_mode="reflect", norm="slaney", mel_scale="slaney",
    )


def _trim_silence(wave: torch.Tensor, settings: MelSettings) -> torch.Tensor:
    """The part of ``wave`` between its first and last frame within ``trim_db`` of the loudest."""
    if settings.trim_db is None or wave.numel() <= settings.n_fft:
        return wave
    frames = wave.unfold(0, settings.n_fft, settings.hop_length)
    rms = frames.pow(2).mean(dim=1).sqrt()
    loud = torch.nonzero(rms >= rms.max() * 10.0 ** (-settings.trim_db / 20.0)).flatten()
    start = int(loud[0]) * settings.hop_length
    stop = int(loud[-1]) * settings.hop_length + settings.n_fft
    return wave[start:stop]


def mel_image(wave: torch.Tensor, settings: MelSettings) -> torch.Tensor:
    """A mono waveform at ``settings.sample_rate`` -> ``[1, size, size]`` in [0, 1]."""
    wave = wave.detach().float().reshape(-1).cpu()
    if wave.numel() == 0 or float(wave.abs().max()) <= settings.silence_peak:
        raise MediaError("the clip is silent: no spoken digit to translate")
    wave = _trim_silence(wave, settings)
    wave = wave[: int(settings.max_seconds * settings.sample_rate)]
    if wave.numel() < settings.n_fft:
        wave = F.pad(wave, (0, settings.n_fft - wave.numel()))
    power = _mel_transform(settings)(wave)  # [n_mels, frames]
    db = 10.0 * torch.log10(power.clamp_min(1e-10))
    floor = db.max() - settings.top_db
    picture = ((db - floor) / settings.top_db).clamp(0.0, 1.0)
    picture = F.interpolate(
        picture[None, None], size=(settings.size, settings.size), mode="bilinear",
        align_corners=False, antialias=True,
    )[0]
    return picture.clamp(0.0, 1.0).contiguous()


class MelFrontEnd(Encoder):
    """The encoder role: audio of any rate, length and channel count -> a mel picture.

    It has no trained weights; the trained audio encoder is the first half of
    the VAE (the translator), as in the paper.
    """

    input_kind: ClassVar[MediaKind] = "audio"

    def __init__(self, settings: MelSettings | None = None) -> None:
        super().__init__()
        self.settings = settings or MelSettings()

    def load(self, item: Any) -> Audio:
        """Decode one input, refusing silent clips here, where the file name is still known."""
        audio = Audio.load(item)
        if float(audio.data.abs().max()) <= self.settings.silence_peak:
            where = f"{item}: " if isinstance(item, str | os.PathLike) else ""
            raise MediaError(f"{where}the clip is silent: no spoken digit to translate")
        return audio

    def prepare(self, media: Any, **options: Any) -> torch.Tensor:
        audio = media if isinstance(media, Audio) else self.load(media)
        audio = audio.to_mono().resample(self.settings.sample_rate)
        return mel_image(audio.data[0], self.settings)

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return batch
