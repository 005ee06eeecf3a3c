"""Griffin-Lim voicing: real log-mels survive the trip to audio and back."""

from __future__ import annotations

import numpy as np
import torch
from xmodal_cmgan.features import LMS, log_mel, phrase_windows
from xmodal_cmgan.i2s_voicing import LmsVoicingDecoder


def _real_windows(n: int = 6) -> torch.Tensor:
    windows = phrase_windows("test", tiny=True, progress=False)
    # Windows spread over the split (different phrases, instruments where the tiny set has them).
    rows = np.linspace(0, len(windows) - 1, n).round().astype(int)
    return torch.from_numpy(np.asarray(windows.lms[rows], dtype=np.float32))


def test_voiced_real_lms_comes_back_as_itself() -> None:
    lms = _real_windows()
    wave = LmsVoicingDecoder().voice(lms)
    assert wave.shape == (len(lms), 1, (LMS.frames - 1) * LMS.hop_length)
    assert torch.isfinite(wave).all() and float(wave.abs().max()) <= 1.0
    assert float(wave.std()) > 1e-4  # not silence
    again = log_mel(torch.nn.functional.pad(wave[:, 0], (0, LMS.window_samples - wave.shape[-1])))
    assert again.shape == lms.shape
    # Compare what is particular to each window (its deviation from the windows' mean): each
    # voiced window must correlate with its own source and with no other as much.
    mean = lms.mean(dim=0, keepdim=True)
    source, heard = (lms - mean).flatten(1).numpy(), (again - mean).flatten(1).numpy()
    corr = np.corrcoef(heard, source)[: len(lms), len(lms):]
    own = np.diag(corr)
    others = corr[~np.eye(len(lms), dtype=bool)].reshape(len(lms), -1).max(axis=1)
    assert own.min() > 0.5, own  # measured 0.55-1.0 (others at most about 0.1)
    assert (own > others + 0.3).all(), corr


def test_voicing_is_deterministic_and_undoes_the_normalisation() -> None:
    lms = _real_windows(2)
    decoder = LmsVoicingDecoder()
    decoder.set_stats(lms.mean(dim=(0, 2)), lms.std(dim=(0, 2)))
    normalised = decoder.normalise(lms)
    assert torch.allclose(decoder.log_mel(normalised), lms, atol=1e-4)
    assert torch.equal(decoder(normalised), decoder(normalised))
    assert torch.allclose(decoder(normalised), LmsVoicingDecoder().voice(lms), atol=1e-4)
