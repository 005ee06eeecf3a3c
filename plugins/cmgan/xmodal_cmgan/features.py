"""The paper's sound features: 128 x 44 log-mel spectrograms of 0.5 s windows at 44.1 kHz.

Chen et al. compute an STFT with a 2048-point FFT and a hop of 512 samples on
44.1 kHz audio, apply a mel filterbank and take the log; a 0.5 s window then
has 44 frames (``1 + 22050 // 512`` with centred frames). Every setting the
paper leaves open is pinned in :class:`LmsConfig` (the filterbank follows the
common Slaney convention: Slaney mel scale, area-normalised filters, power
spectrum, natural log with a small floor), so the I2S side can invert the very
same transform (:func:`lms_to_waveform`, Griffin-Lim).

Training windows come from the ``gm-phrases`` v2 phrases, 0.5 s long with a
0.1 s stride as Sub-URMP's, near-silent windows skipped by the data layer's
``window_index``. They are computed once per split and cached under
``$XMODAL_CACHE_DIR/cmgan/`` (float16, about 11 KB a window), keyed by the data
set's content fingerprint and the LMS settings, so a changed data set or
setting never reads a stale cache.
"""

from __future__ import annotations

import functools
import hashlib
import json
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

__all__ = [
    "LMS",
    "LmsConfig",
    "LmsStats",
    "WindowedLms",
    "clip_windows",
    "lms_stats",
    "lms_to_waveform",
    "log_mel",
    "phrase_windows",
]

_CACHE_VERSION = 1


@dataclass(frozen=True)
class LmsConfig:
    """Every setting of the log-mel spectrogram, so that it can be inverted exactly.

    ``frames`` is 44 for the paper's 0.5 s window: centred frames, one per hop,
    plus the one at sample 0.
    """

    sample_rate: int = 44100
    n_fft: int = 2048
    hop_length: int = 512
    n_mels: int = 128
    f_min: float = 0.0
    f_max: float = 22050.0
    #: The STFT's magnitude is squared (a power spectrogram) before the filterbank.
    power: float = 2.0
    mel_scale: str = "slaney"
    #: Filters normalised by their bandwidth (Slaney); ``None`` would keep unit peaks.
    norm: str | None = "slaney"
    center: bool = True
    pad_mode: str = "reflect"
    #: ``log(mel + floor)``: a floor of 1e-6 on a [-1, 1] signal's power is about -60 dB.
    log_floor: float = 1e-6
    window_samples: int = 22050
    stride_samples: int = 4410
    #: Windows quieter than this (RMS, dB re full scale) are skipped, as the data layer does.
    silence_db: float = -50.0

    @property
    def frames(self) -> int:
        """Frames of one window (44 for 0.5 s at 44.1 kHz with hop 512)."""
        return 1 + self.window_samples // self.hop_length if self.center else \
            1 + (self.window_samples - self.n_fft) // self.hop_length

    @property
    def shape(self) -> tuple[int, int]:
        """(mel bands, frames) of one window's spectrogram."""
        return (self.n_mels, self.frames)

    @property
    def mel_norm(self) -> str | None:
        """The filterbank normalisation (``norm``), under torchaudio's keyword for inverses."""
        return self.norm

    def apply_log(self, mel: torch.Tensor) -> torch.Tensor:
        """Mel power -> the features' log units: ``log(mel + log_floor)``."""
        return torch.log(mel + self.log_floor)

    def undo_log(self, lms: torch.Tensor) -> torch.Tensor:
        """The inverse of :meth:`apply_log`: log-mel -> mel power (never negative)."""
        return (torch.exp(lms) - self.log_floor).clamp_min(0.0)


#: The paper's settings.
LMS = LmsConfig()


@functools.cache
def _mel(config: LmsConfig) -> Any:
    import torchaudio

    return torchaudio.transforms.MelSpectrogram(
        sample_rate=config.sample_rate, n_fft=config.n_fft, hop_length=config.hop_length,
        f_min=config.f_min, f_max=config.f_max, n_mels=config.n_mels, power=config.power,
        mel_scale=config.mel_scale, norm=config.norm, center=config.center,
        pad_mode=config.pad_mode)


def log_mel(waves: torch.Tensor | np.ndarray, config: LmsConfig = LMS) -> torch.Tensor:
    """``[B, samples]`` waveforms in [-1, 1] (or int16) -> ``[B, n_mels, frames]`` log-mel.

    int16 input is scaled by 1/32768 first. Works on any length; a 0.5 s window
    gives ``config.shape``.
    """
    x = torch.as_tensor(np.array(waves) if isinstance(waves, np.ndarray) else waves)
    if x.dtype == torch.int16:
        x = x.float() / 32768.0
    x = x.float()
    if x.dim() == 1:
        x = x[None]
    with torch.no_grad():
        mel = _mel(config).to(x.device)(x)
    return config.apply_log(mel)


def lms_to_waveform(lms: torch.Tensor, config: LmsConfig = LMS, n_iter: int = 64,
                    seed: int = 0) -> torch.Tensor:
    """Log-mel ``[B, n_mels, frames]`` -> waveforms ``[B, samples]`` by Griffin-Lim.

    The inverse of :func:`log_mel` as far as one exists: undo the log, map the
    mel bands back to linear frequencies by least squares (the filterbank is
    not invertible, so this is its best non-negative fit) and recover a phase
    with ``n_iter`` Griffin-Lim iterations, seeded so that a spectrogram always
    sounds the same. Not in the paper, which says LMS is not invertible.
    """
    import torchaudio

    if lms.dim() == 2:
        lms = lms[None]
    power = config.undo_log(lms.float())
    inverse_mel = torchaudio.transforms.InverseMelScale(
        n_stft=config.n_fft // 2 + 1, n_mels=config.n_mels, sample_rate=config.sample_rate,
        f_min=config.f_min, f_max=config.f_max, norm=config.norm, mel_scale=config.mel_scale)
    griffin = torchaudio.transforms.GriffinLim(
        n_fft=config.n_fft, hop_length=config.hop_length, power=config.power, n_iter=n_iter,
        rand_init=True)
    with torch.no_grad():
        linear = inverse_mel(power).clamp_min(0.0)
        state = torch.random.get_rng_state()
        torch.manual_seed(seed)
        try:
            wave = griffin(linear)
        finally:
            torch.random.set_rng_state(state)
    length = (lms.shape[-1] - 1) * config.hop_length
    return wave[..., :length] if wave.shape[-1] > length else wave


@dataclass(frozen=True)
class LmsStats:
    """Per-mel-band mean and standard deviation of training log-mels (kept with the weights)."""

    mean: np.ndarray  # [n_mels] float32
    std: np.ndarray  # [n_mels] float32


def lms_stats(lms: np.ndarray | torch.Tensor, chunk: int = 4096) -> LmsStats:
    """Mean and std of every mel band over all windows and frames of ``lms`` ``[N, n_mels, T]``."""
    n_mels = lms.shape[1]
    total = np.zeros(n_mels, dtype=np.float64)
    squares = np.zeros(n_mels, dtype=np.float64)
    count = 0
    for start in range(0, len(lms), chunk):
        block = np.asarray(lms[start : start + chunk], dtype=np.float64)
        total += block.sum(axis=(0, 2))
        squares += (block**2).sum(axis=(0, 2))
        count += block.shape[0] * block.shape[2]
    mean = total / max(count, 1)
    std = np.sqrt(np.maximum(squares / max(count, 1) - mean**2, 1e-12))
    return LmsStats(mean.astype(np.float32), std.astype(np.float32))


@dataclass
class WindowedLms:
    """The log-mel windows of one split: one row per window."""

    lms: np.ndarray  # [N, n_mels, frames] float16
    instrument: np.ndarray  # [N] int64, index into classes
    soundfont: np.ndarray  # [N] int64
    phrase: np.ndarray  # [N] int64, the row of the phrase in the data set
    start: np.ndarray  # [N] int64, the window's first sample in its phrase
    classes: list[str]

    def __len__(self) -> int:
        return len(self.instrument)


def _windows_of(audio: Any, index: np.ndarray, window: int) -> np.ndarray:
    rows, starts = index[:, 0], index[:, 1]
    return np.stack([np.asarray(audio[int(r)][int(s) : int(s) + window]) for r, s in
                     zip(rows, starts, strict=True)])


def _cache_file(fingerprint: str, split: str, config: LmsConfig, tiny: bool) -> Path:
    from engine.catalogue import user_cache_dir

    key = json.dumps([_CACHE_VERSION, fingerprint, split, tiny, asdict(config)], sort_keys=True)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(user_cache_dir()) / "cmgan" / f"lms-{split}-{digest}.npz"


def phrase_windows(split: str, *, tiny: bool = False, config: LmsConfig = LMS,
                   progress: bool = True, batch: int = 256) -> WindowedLms:
    """Every non-silent 0.5 s window (0.1 s stride) of a ``gm-phrases`` split, as log-mel.

    ``split`` is one of the data set's splits (``train``, ``test``, ``sf-train``,
    ``sf-test``). Computed once and cached; the cache key holds the data set's
    content fingerprint, so a rebuilt data set is read afresh.
    """
    from engine import data
    from engine.data.phrases import window_index
    from engine.errors import DataError
    from engine.fileio import atomic_path

    ds = data.load("gm-phrases", tiny=tiny)
    rate = int(ds.meta["sample_rate"])
    if rate != config.sample_rate:
        raise DataError(f"gm-phrases is at {rate} Hz; the LMS settings want {config.sample_rate} Hz")
    path = _cache_file(ds.manifest.fingerprint, split, config, tiny)
    classes = list(ds.classes["instrument"])
    if path.is_file():
        z = np.load(path)
        return WindowedLms(z["lms"], z["instrument"], z["soundfont"], z["phrase"], z["start"],
                           classes)
    view = ds.split(split)
    audio = np.asarray(view["audio"])
    index = np.asarray(window_index(audio, config.window_samples, config.stride_samples,
                                    silence_db=config.silence_db), dtype=np.int64)
    from tqdm.auto import tqdm

    lms = np.empty((len(index), *config.shape), dtype=np.float16)
    for start in tqdm(range(0, len(index), batch), desc=f"cmgan: log-mel of {split} windows",
                      unit="batch", disable=not progress):
        chunk = index[start : start + batch]
        lms[start : start + len(chunk)] = log_mel(
            _windows_of(audio, chunk, config.window_samples), config).numpy().astype(np.float16)
    rows = np.asarray(view.indices, dtype=np.int64)[index[:, 0]]
    table = WindowedLms(lms, np.asarray(view["instrument"], dtype=np.int64)[index[:, 0]],
                        np.asarray(view["soundfont"], dtype=np.int64)[index[:, 0]], rows,
                        index[:, 1].copy(), classes)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, lms=table.lms, instrument=table.instrument, soundfont=table.soundfont,
                 phrase=table.phrase, start=table.start)
    return table


def clip_windows(wave: np.ndarray | torch.Tensor, config: LmsConfig = LMS) -> np.ndarray:
    """``[n, window_samples]`` windows of one mono clip already at ``config.sample_rate``.

    A clip shorter than a window is zero-padded at the end to one window. A
    longer clip gives every window at the 0.1 s stride whose RMS is above
    ``config.silence_db``; if none is, the loudest window alone (the caller
    decides whether silence is an error). Windows are ordered by start time.
    """
    x = np.asarray(wave, dtype=np.float32).reshape(-1)
    n = config.window_samples
    if len(x) <= n:
        return np.pad(x, (0, n - len(x)))[None]
    starts = np.arange(0, len(x) - n + 1, config.stride_samples)
    if starts[-1] != len(x) - n:
        starts = np.append(starts, len(x) - n)
    frames = np.stack([x[s : s + n] for s in starts])
    rms_db = 10 * np.log10(np.mean(frames.astype(np.float64) ** 2, axis=1) + 1e-20)
    keep = rms_db > config.silence_db
    if not keep.any():
        return frames[int(np.argmax(rms_db))][None]
    return frames[keep]
