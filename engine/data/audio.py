"""Clip helpers shared by the audio datasets: decode through engine.media, store as int16.

Decoding goes through :class:`engine.media.Audio` (the engine's single audio
decoder) so a bad file fails with the same message everywhere. Clips are stored
as int16, the sources' own resolution, which halves the cache against float32
and is exact for 16-bit WAV sources.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

__all__ = ["frame_autocorrelation", "load_clip", "resample_int16", "to_int16", "trim_silence"]


def load_clip(path: Path, sample_rate: int) -> np.ndarray:
    """A mono float32 clip at ``sample_rate`` (mixed down and resampled when needed)."""
    from ..media import Audio

    audio = Audio.load(path).to_mono().resample(sample_rate)
    return audio.data[0].numpy()


def to_int16(clip: np.ndarray) -> np.ndarray:
    """Float samples in [-1, 1] to int16 (exact for 16-bit sources), clipping overs."""
    return np.clip(np.round(np.asarray(clip, dtype=np.float64) * 32768.0), -32768, 32767).astype(
        np.int16)


def trim_silence(clip: np.ndarray, sample_rate: int, threshold_db: float = -40.0,
                 pad_seconds: float = 0.02) -> np.ndarray:
    """Cut leading/trailing silence (frames ``threshold_db`` below the peak), keeping a margin.

    Synthesised speech starts and ends with long pauses that recorded corpora
    such as FSDD have trimmed away; trimming keeps the two alike.
    """
    x = np.asarray(clip, dtype=np.float32)
    frame = max(1, int(sample_rate * 0.01))
    n = len(x) // frame
    if n == 0:
        return x
    energy = np.sqrt(np.mean(x[: n * frame].reshape(n, frame) ** 2, axis=1) + 1e-12)
    loud = np.flatnonzero(20 * np.log10(energy / (energy.max() + 1e-12)) > threshold_db)
    if len(loud) == 0:
        return x
    pad = int(sample_rate * pad_seconds)
    start = max(0, loud[0] * frame - pad)
    stop = min(len(x), (loud[-1] + 1) * frame + pad)
    return x[start:stop]


def resample_int16(clip: np.ndarray, source_rate: int, target_rate: int) -> np.ndarray:
    """Resample a stored int16 clip (polyphase, anti-aliased) and store it as int16 again."""
    from math import gcd

    from scipy.signal import resample_poly

    if source_rate == target_rate:
        return np.asarray(clip, dtype=np.int16)
    g = gcd(source_rate, target_rate)
    y = resample_poly(np.asarray(clip, dtype=np.float32) / 32768.0, target_rate // g,
                      source_rate // g)
    return to_int16(y)


def frame_autocorrelation(clip: np.ndarray, frame: int, hop: int, *, loud: float,
                          floor: float = 0.0, centre: bool = False,
                          normalise: bool = False) -> np.ndarray:
    """Autocorrelation (lags ``0 .. frame-1``) of every loud Hann-windowed frame of a clip.

    The common core of the plain pitch trackers here (a voice's median F0, a
    speech check's voicing): frames whose RMS exceeds ``max(loud * loudest,
    floor)`` are kept, optionally centred, windowed, and autocorrelated through
    a zero-padded FFT. With ``normalise`` each row is divided by its lag-0 value
    and by the window's own autocorrelation (Boersma 1993), so a periodic
    frame peaks near 1 at any lag instead of being shrunk by the taper.
    Returns shape ``(loud frames, frame)``; no rows when the clip is shorter
    than a frame or nothing is loud.
    """
    x = np.asarray(clip, dtype=np.float64)
    if len(x) < frame:
        return np.zeros((0, frame))
    frames = np.lib.stride_tricks.sliding_window_view(x, frame)[::hop]
    rms = np.sqrt(np.mean(frames ** 2, axis=1))
    frames = frames[rms > max(loud * rms.max(), floor)]
    window = np.hanning(frame)
    if centre:
        frames = frames - frames.mean(1, keepdims=True)
    frames = frames * window
    spec = np.fft.rfft(frames, 2 * frame, axis=1)
    ac = np.fft.irfft(np.abs(spec) ** 2, axis=1)[:, :frame]
    if normalise and len(ac):
        w_ac = np.fft.irfft(np.abs(np.fft.rfft(window, 2 * frame)) ** 2)[:frame]
        ac = ac / (ac[:, :1] + 1e-12) / (w_ac / w_ac[0] + 1e-3)
    return np.asarray(ac)
