"""Speech in: any WAV to 16 kHz mono, refused with one line when it holds no voice.

A face drawn from silence or from noise would be a confident answer to no
question, so the pipeline first checks that there is a voice: a clip must
have samples, must not be (near) silent, and must contain at least
:data:`MIN_VOICED_SECONDS` of *voiced* frames (and voiced frames must be at
least :data:`MIN_VOICED_FRACTION` of its loud ones): frames whose
autocorrelation has a clear pitch peak between 60 and 400 Hz at nearly the
lag of the frame before. Noise (white, pink or brown) has only chance peaks
at unrelated lags; speech, even at 15 dB SNR in a room, is voiced for about
half its loud frames. Whispered speech has no pitch and is refused too.

Also here: speaking a probe with one of the assigned voices (the demo and the
CI tests synthesise the few utterances they need rather than building the
whole ``voices`` data set).
"""

from __future__ import annotations

import tempfile
from pathlib import Path

import numpy as np

from engine import Audio, MediaError
from engine.data.audio import frame_autocorrelation

__all__ = ["MIN_VOICED_SECONDS", "SAMPLE_RATE", "check_speech", "speech_of", "synthesise",
           "voicing"]

SAMPLE_RATE = 16000
#: Less voiced speech than this is "no voice" (a short word has about 0.2 s).
MIN_VOICED_SECONDS = 0.2
#: ...or voiced for less than this share of its loud part (long noise has chance peaks).
MIN_VOICED_FRACTION = 0.06
#: Peak amplitude under which a clip is silent (-80 dBFS).
SILENT_PEAK = 1e-4
_FRAME, _HOP = 640, 160  # 40 ms frames every 10 ms


def voicing(wave: np.ndarray, rate: int = SAMPLE_RATE) -> tuple[float, float]:
    """(voiced seconds, loud seconds): frames with a steady pitch peak at 60-400 Hz, and all
    frames within 26 dB of the loudest."""
    ac = frame_autocorrelation(wave, _FRAME, _HOP, loud=0.05, floor=1e-5, centre=True,
                               normalise=True)
    if len(ac) == 0:
        return 0.0, 0.0
    lo, hi = rate // 400, rate // 60
    span = ac[:, lo - 1:hi + 2]
    inner = span[:, 1:-1]
    # A pitch peak is a local maximum inside the range that rises clearly above the
    # lowest point before it: coloured noise decays from lag 0 with only small ripples.
    dip = np.minimum.accumulate(ac[:, lo // 2:hi + 1], axis=1)[:, lo - lo // 2 - 1:-1]
    peak = ((inner > span[:, :-2]) & (inner >= span[:, 2:]) & (inner > 0.5)
            & (inner - dip > 0.3))
    peak[:, 0] = False
    strength = np.where(peak, inner, -np.inf)
    lag = np.argmax(strength, axis=1) + lo
    has = np.isfinite(strength.max(axis=1))
    # Voice has a pitch that moves smoothly: a frame counts when its neighbour's pitch
    # peak is within 8% of its own (noise's chance peaks land at unrelated lags).
    steady = has[1:] & has[:-1] & (np.abs(lag[1:] - lag[:-1]) <= 0.08 * lag[1:])
    return float(steady.sum() * _HOP / rate), float(len(ac) * _HOP / rate)


def check_speech(wave: np.ndarray, rate: int = SAMPLE_RATE) -> None:
    """Raise :class:`MediaError` (one line) unless ``wave`` holds some voiced speech."""
    if len(wave) == 0:
        raise MediaError("the audio is empty: voice2face needs speech (1 s or more)")
    peak = float(np.max(np.abs(wave)))
    if peak < SILENT_PEAK:
        raise MediaError("the audio is silent: voice2face needs speech (1 s or more)")
    voiced, loud = voicing(wave / peak, rate)
    if voiced < MIN_VOICED_SECONDS or voiced < MIN_VOICED_FRACTION * loud:
        raise MediaError(f"no voice found in the audio ({voiced:.2f} s voiced; noise or "
                         "silence only?): voice2face needs speech")


def speech_of(audio: Audio) -> np.ndarray:
    """A clip as checked 16 kHz mono float32 (any channel count and sample rate in)."""
    mono = audio.to_mono()
    wave = mono.data[0].numpy()
    if len(wave) == 0 or float(np.max(np.abs(wave))) < SILENT_PEAK:
        check_speech(wave, mono.sample_rate)  # raises: empty or silent, before resampling
    out = np.ascontiguousarray(mono.resample(SAMPLE_RATE).data[0].numpy(), dtype=np.float32)
    check_speech(out)
    return out


def synthesise(voice_id: str, text: str, rate: float = 1.0, pitch: float = 1.0) -> np.ndarray:
    """``text`` said by an installed voice (``engine/voice`` id, as in the ``voices`` set), 16 kHz."""
    from engine.data.voices_synth import speak
    from engine.data.voices_table import discover_voices
    from engine.errors import XmodalError

    voices = {v.id: v for v in discover_voices()}
    if voice_id not in voices:
        raise XmodalError(f"voice {voice_id!r} is not installed here (scripts/setup.sh installs "
                          "the synthesisers)")
    with tempfile.TemporaryDirectory(prefix="xmodal-v2f-") as tmp:
        return speak(voices[voice_id], text, rate, pitch, Path(tmp))
