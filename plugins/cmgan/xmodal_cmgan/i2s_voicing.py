"""The I2S decoder: a normalised 128 x 44 log-mel becomes 0.5 s of audio by Griffin-Lim.

Voicing is our addition; the paper stops at the spectrogram (it calls the
log-mel not invertible, which is true of its phase and of the detail the mel
filterbank averages away). The inverse itself is the core's
:func:`~xmodal_cmgan.features.lms_to_waveform` (the same :class:`LmsConfig`
filterbank, least-squares back to linear frequencies, then
:data:`GRIFFIN_LIM_ITERATIONS` Griffin-Lim iterations from a seeded random
phase), so one spectrogram always gives one waveform.

The generator works on per-mel-band standardised log-mels; the statistics it
was trained against are buffers of this decoder, so they travel in
``model.safetensors`` and the decoder can undo them.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np
import torch

from engine import Audio, Image
from engine.interfaces import Decoder, MediaKind

from .features import LMS, lms_to_waveform

__all__ = ["GRIFFIN_LIM_ITERATIONS", "LmsVoicingDecoder"]

#: Griffin-Lim iterations per spectrogram (torchaudio's default is 32; 64 leaves fewer
#: audible phase artefacts and costs about 0.1 s per 0.5 s window on one core).
GRIFFIN_LIM_ITERATIONS = 64


class LmsVoicingDecoder(Decoder):
    """Normalised log-mel ``[B, 128, 44]`` -> waveform ``[B, 1, 22050]`` at 44.1 kHz.

    ``mean`` / ``std`` (``[128]``) are the training log-mels' per-band statistics.
    The waveform is scaled down only if Griffin-Lim overshoots full scale.
    """

    output_kind: ClassVar[MediaKind] = "audio"
    mean: torch.Tensor
    std: torch.Tensor

    def __init__(self, n_iter: int = GRIFFIN_LIM_ITERATIONS) -> None:
        super().__init__()
        self.n_iter = int(n_iter)
        self.register_buffer("mean", torch.zeros(LMS.n_mels))
        self.register_buffer("std", torch.ones(LMS.n_mels))

    def set_stats(self, mean: Any, std: Any) -> None:
        """Store the per-band statistics (``features.LmsStats``) the generator was trained on."""
        self.mean.copy_(torch.as_tensor(np.asarray(mean), dtype=torch.float32))
        self.std.copy_(torch.as_tensor(np.asarray(std), dtype=torch.float32))

    def normalise(self, log_mel: torch.Tensor) -> torch.Tensor:
        """Log-mel ``[B, 128, T]`` in the features' units -> the generator's standardised units."""
        return (log_mel.float() - self.mean[:, None]) / self.std[:, None]

    def log_mel(self, normalised: torch.Tensor) -> torch.Tensor:
        """Undo the normalisation: ``[B, 128, T]`` in the features' log units."""
        return normalised.float() * self.std[:, None] + self.mean[:, None]

    def voice(self, log_mel: torch.Tensor) -> torch.Tensor:
        """Log-mel ``[B, 128, T]`` (features' units) -> ``[B, 1, samples]`` by Griffin-Lim."""
        wave = lms_to_waveform(log_mel.float().cpu(), LMS, n_iter=self.n_iter, seed=0)
        peak = wave.abs().amax(dim=-1, keepdim=True).clamp_min(1.0)
        return (wave / peak).unsqueeze(1).to(log_mel.device)

    def forward(self, representation: torch.Tensor, **options: Any) -> torch.Tensor:
        return self.voice(self.log_mel(representation))

    def to_media(self, batch: torch.Tensor) -> list[Image | Audio]:
        return [Audio(x.float().cpu(), LMS.sample_rate) for x in batch]
