"""The paper's log-mel geometry, the window table of gm-phrases, its cache and the inverse."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from xmodal_cmgan.features import LMS, clip_windows, lms_stats, lms_to_waveform, log_mel, phrase_windows


def _tone(freq: float, seconds: float = 0.5, rate: int = 44100) -> np.ndarray:
    t = np.arange(int(seconds * rate)) / rate
    return (0.5 * np.sin(2 * np.pi * freq * t)).astype(np.float32)


def test_half_second_window_is_128_by_44() -> None:
    assert LMS.shape == (128, 44)
    lms = log_mel(_tone(440.0)[None])
    assert lms.shape == (1, 128, 44)
    assert torch.isfinite(lms).all()


def test_int16_input_is_scaled_like_float() -> None:
    wave = _tone(440.0)
    as_int = (wave * 32767).astype(np.int16)
    ref = log_mel(wave[None])
    loud = ref > -9  # far above the int16 quantisation noise
    assert torch.allclose(log_mel(as_int[None])[loud], ref[loud], atol=1e-2)


def test_a_tone_peaks_in_the_mel_band_of_its_frequency() -> None:
    import librosa

    low, high = log_mel(_tone(220.0)[None])[0], log_mel(_tone(3520.0)[None])[0]
    band_low, band_high = int(low.mean(1).argmax()), int(high.mean(1).argmax())
    mels = librosa.mel_frequencies(n_mels=130, fmin=0.0, fmax=22050.0, htk=False)[1:-1]
    assert abs(mels[band_low] - 220.0) < 60 and abs(mels[band_high] - 3520.0) < 400
    assert band_high > band_low


def test_matches_librosa_log_mel() -> None:
    """The pinned settings are librosa's for a 2048/512 log-power mel (Slaney), reflect-padded.

    librosa pads with zeros since 0.10, so only frames whose FFT window lies
    inside the signal are compared.
    """
    import librosa

    wave = _tone(660.0) + 0.1 * np.random.default_rng(0).standard_normal(22050).astype(np.float32)
    ref = librosa.feature.melspectrogram(y=wave, sr=44100, n_fft=2048, hop_length=512, n_mels=128,
                                         power=2.0)
    ours = log_mel(wave[None])[0].numpy()
    np.testing.assert_allclose(ours[:, 2:-2], np.log(ref + LMS.log_floor)[:, 2:-2], atol=2e-3,
                               rtol=1e-3)


def test_griffin_lim_gives_back_the_pitch() -> None:
    wave = lms_to_waveform(log_mel(_tone(440.0)[None]), n_iter=32)
    assert wave.shape[0] == 1 and abs(wave.shape[1] - 22050) < 600
    spectrum = np.abs(np.fft.rfft(wave[0].numpy()))
    peak = np.fft.rfftfreq(wave.shape[1], 1 / 44100)[spectrum.argmax()]
    assert abs(peak - 440.0) < 25.0
    again = lms_to_waveform(log_mel(_tone(440.0)[None]), n_iter=32)
    assert torch.equal(wave, again)  # seeded phase: the same spectrogram sounds the same


def test_stats_are_per_band() -> None:
    x = np.random.default_rng(0).normal(size=(20, 128, 44)).astype(np.float32)
    x[:, 5] += 3.0
    stats = lms_stats(x, chunk=7)
    assert stats.mean.shape == (128,) and abs(stats.mean[5] - 3.0) < 0.1
    np.testing.assert_allclose(stats.std, x.std(axis=(0, 2)), rtol=1e-4)


def test_clip_windows_pads_short_clips_and_skips_silence() -> None:
    short = clip_windows(_tone(440.0, 0.2))
    assert short.shape == (1, 22050) and not short[0, 9000:].any()
    clip = np.concatenate([np.zeros(44100, np.float32), _tone(440.0, 1.0)])
    windows = clip_windows(clip)
    assert windows.shape[1] == 22050 and len(windows) >= 6
    assert all(np.sqrt(np.mean(w**2)) > 0.003 for w in windows)
    assert clip_windows(np.zeros(44100, np.float32)).shape == (1, 22050)  # silence: one window


def test_phrase_windows_of_the_tiny_build_are_cached() -> None:
    table = phrase_windows("train", tiny=True, progress=False)
    assert table.lms.shape[1:] == (128, 44) and table.lms.dtype == np.float16
    assert len(table) == len(table.instrument) == len(table.start) > 0
    assert (np.diff(table.start[table.phrase == table.phrase[0]]) % LMS.stride_samples == 0).all()
    assert len(table.classes) == 13
    again = phrase_windows("train", tiny=True, progress=False)
    np.testing.assert_array_equal(again.lms, table.lms)
    # the cached window is the log-mel of the phrase's own samples
    from engine import data

    ds = data.load("gm-phrases", tiny=True)
    row, start = int(table.phrase[3]), int(table.start[3])
    wave = np.asarray(ds["audio"][row][start : start + 22050])
    np.testing.assert_allclose(log_mel(wave[None])[0].numpy(), table.lms[3].astype(np.float32),
                               atol=0.02, rtol=0.01)
    with pytest.raises(Exception, match="split"):
        phrase_windows("nope", tiny=True, progress=False)
