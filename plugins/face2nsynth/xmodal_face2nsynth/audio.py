"""The note format and the differentiable audio front ends (log-mel, MFCC) in torch.

Everything downstream of the generator (the metric phi, the auxiliary
discriminator, the evaluation classifiers) must see the same note format and,
for phi, pass gradients back to the generator, so the front ends are torchaudio
transforms rather than librosa calls.
"""

from __future__ import annotations

import torch
import torchaudio
from torch import nn

__all__ = [
    "FAMILIES",
    "MFCC_DIM",
    "NOTE_PEAK",
    "NUM_FAMILIES",
    "NUM_PITCHES",
    "NUM_SAMPLES",
    "PITCH_MAX",
    "PITCH_MIN",
    "SAMPLE_RATE",
    "LogMel",
    "Mfcc",
    "midi_to_index",
    "peak_normalise",
]

SAMPLE_RATE = 16000
#: The paper keeps the first 8192 samples (0.51 s) of each NSynth note.
NUM_SAMPLES = 8192
PITCH_MIN, PITCH_MAX = 24, 84
NUM_PITCHES = PITCH_MAX - PITCH_MIN + 1
FAMILIES = ("bass", "brass", "flute", "guitar", "keyboard", "mallet", "organ", "reed", "string",
            "vocal")
NUM_FAMILIES = len(FAMILIES)

#: Real notes are scaled to this peak. The soundfont renders are quiet (median peak 0.05) and
#: their level varies 100-fold with velocity and program; loudness is not what a face should
#: decide, and a generator would otherwise spend its first thousand steps learning to whisper.
NOTE_PEAK = 0.5

#: The paper's MFCC: frame 1024, hop 256, 80 mels in 80-7600 Hz, 13 coefficients, no
#: centre padding, so 8192 samples give 29 frames and 13 x 29 = 377 values.
_N_FFT, _HOP, _N_MELS, _F_MIN, _F_MAX, _N_MFCC = 1024, 256, 80, 80.0, 7600.0, 13
MFCC_FRAMES = 1 + (NUM_SAMPLES - _N_FFT) // _HOP
MFCC_DIM = _N_MFCC * MFCC_FRAMES


def midi_to_index(midi: int) -> int:
    """MIDI note number -> pitch class index 0..60, refusing notes outside 24-84."""
    from engine.errors import XmodalError

    if not PITCH_MIN <= int(midi) <= PITCH_MAX:
        raise XmodalError(f"pitch {midi} is outside the MIDI range {PITCH_MIN}-{PITCH_MAX} of the notes")
    return int(midi) - PITCH_MIN


def peak_normalise(wave: torch.Tensor, peak: float = NOTE_PEAK) -> torch.Tensor:
    """Scale each note (last axis) to the given peak; silence stays silence."""
    top = wave.abs().amax(dim=-1, keepdim=True).clamp(min=1e-4)
    return wave * (peak / top)


def _as_batch(wave: torch.Tensor) -> torch.Tensor:
    """``[B, N]`` or ``[B, 1, N]`` -> ``[B, 1, N]`` (a channel axis keeps dB clamping per note)."""
    return wave.unsqueeze(1) if wave.ndim == 2 else wave


class Mfcc(nn.Module):
    """Waveforms ``[B, (1,) 8192]`` -> flattened MFCCs ``[B, 377]``, with gradients."""

    def __init__(self) -> None:
        super().__init__()
        self.transform = torchaudio.transforms.MFCC(
            sample_rate=SAMPLE_RATE, n_mfcc=_N_MFCC,
            melkwargs={"n_fft": _N_FFT, "hop_length": _HOP, "n_mels": _N_MELS, "f_min": _F_MIN,
                       "f_max": _F_MAX, "center": False},
        )

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        # [B, 1, N] -> [B, 1, 13, 29]: torchaudio clamps to top_db per leading item, so the
        # channel axis makes each note's dB floor its own, not the batch's.
        return self.transform(_as_batch(wave).float()).flatten(1)


class LogMel(nn.Module):
    """Waveforms -> log-mel spectrograms ``[B, 1, n_mels, frames]`` (input of the audio nets)."""

    def __init__(self, n_fft: int = _N_FFT, hop: int = _HOP, n_mels: int = _N_MELS,
                 f_min: float = _F_MIN, f_max: float = _F_MAX) -> None:
        super().__init__()
        self.transform = torchaudio.transforms.MelSpectrogram(
            sample_rate=SAMPLE_RATE, n_fft=n_fft, hop_length=hop, n_mels=n_mels, f_min=f_min,
            f_max=f_max, center=False, power=2.0,
        )

    def forward(self, wave: torch.Tensor) -> torch.Tensor:
        return torch.log(self.transform(_as_batch(wave).float()) + 1e-6)
