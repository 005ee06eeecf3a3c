"""Speaking one utterance with one voice: the engine's command, prosody, and recorded jitter.

A synthesiser says a text identically every time, which would make "speaker"
the same as "waveform generator". Every take therefore gets a prosody setting
(rate and pitch factors, from a fixed grid so that held-out settings can be
kept out of training) and a recording jitter: a gain, additive noise at a drawn
SNR and, for some takes, a synthetic room (an exponentially decaying noise
impulse response with a drawn RT60). All of it is stored with the clip.
"""

from __future__ import annotations

import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from ..errors import DataError
from .audio import frame_autocorrelation, load_clip, trim_silence
from .voices_table import Voice

__all__ = ["PROSODY_GRID", "SAMPLE_RATE", "Jitter", "apply_jitter", "draw_jitter", "median_f0",
           "speak"]

SAMPLE_RATE = 16000
#: (rate, pitch) factors; cell (i, j) of RATES x PITCHES. 1.0 is the voice's own default.
RATES = (0.8, 0.9, 1.0, 1.12, 1.25)
PITCHES = (0.88, 0.94, 1.0, 1.06, 1.12)
PROSODY_GRID = [(r, p) for r in RATES for p in PITCHES]
#: flite voices' own mean F0 (Hz), which flite's pitch setting replaces rather than scales.
_FLITE_F0 = {"kal16": 105.0, "awb": 110.0, "rms": 95.0, "slt": 165.0}


@dataclass(frozen=True)
class Jitter:
    """How one take was 'recorded': gain, noise and room."""

    gain_db: float
    snr_db: float  # additive noise; 99 means none
    rt60: float  # seconds of reverberation; 0 means a dry take


def draw_jitter(rng: np.random.Generator) -> Jitter:
    """Gain -12..0 dB; noise at 15-40 dB SNR on 80% of takes; a room on half of them."""
    noisy, roomy = rng.random() < 0.8, rng.random() < 0.5
    return Jitter(gain_db=round(float(rng.uniform(-12, 0)), 2),
                  snr_db=round(float(rng.uniform(15, 40)), 2) if noisy else 99.0,
                  rt60=round(float(rng.uniform(0.1, 0.5)), 3) if roomy else 0.0)


def apply_jitter(clip: np.ndarray, jitter: Jitter, rng: np.random.Generator) -> np.ndarray:
    """The clip as if recorded in a room, through a noisy channel, at a gain (peak <= 0.99)."""
    from scipy.signal import fftconvolve

    x = np.asarray(clip, dtype=np.float64)
    if jitter.rt60 > 0:
        n = int(jitter.rt60 * SAMPLE_RATE)
        t = np.arange(n) / SAMPLE_RATE
        tail = rng.standard_normal(n) * np.exp(-6.9 * t / jitter.rt60)  # -60 dB at rt60
        ir = np.concatenate([[1.0], 0.3 * tail[1:] / np.sqrt(np.sum(tail ** 2) + 1e-12)])
        x = fftconvolve(x, ir)[: len(x) + n // 4]
    if jitter.snr_db < 99:
        power = np.mean(x ** 2) + 1e-12
        x = x + rng.standard_normal(len(x)) * np.sqrt(power / 10 ** (jitter.snr_db / 10))
    x = x / (np.max(np.abs(x)) + 1e-9) * 0.9 * 10 ** (jitter.gain_db / 20)
    out: np.ndarray = np.asarray(x, dtype=np.float32)
    return out


def _command(voice: Voice, text: str, rate: float, pitch: float, out: Path) -> tuple[list[str], str | None]:
    """The command line (and its stdin) that writes ``text`` to ``out``."""
    if voice.engine == "mbrola":
        p = int(np.clip(round(50 + (pitch - 1) * 250), 0, 99))
        return ["espeak-ng", "-v", voice.voice, "-s", str(round(175 * rate)), "-p", str(p),
                "-w", str(out), text], None
    if voice.engine == "rhvoice":
        # RHVoice-test takes rate and pitch in percent of the voice's default.
        return ["RHVoice-test", "-p", voice.voice, "-r", str(round(100 * rate)),
                "-t", str(round(100 * pitch)), "-o", str(out)], text
    if voice.engine == "pico":
        marked = f'<speed level="{round(100 * rate)}"><pitch level="{round(100 * pitch)}">' \
                 f"{text}</pitch></speed>"
        return ["pico2wave", "-l", voice.voice, "-w", str(out), marked], None
    if voice.engine == "flite":
        f0 = _FLITE_F0.get(voice.voice, 110.0) * pitch
        return ["flite", "-voice", voice.voice, "--setf", f"int_f0_target_mean={f0:.1f}",
                "--setf", f"duration_stretch={1 / rate:.3f}", "-t", text, "-o", str(out)], None
    raise DataError(f"no synthesiser for engine {voice.engine!r}")


def speak(voice: Voice, text: str, rate: float, pitch: float, workdir: Path) -> np.ndarray:
    """``text`` said by ``voice`` at the given prosody: mono 16 kHz float32, silence-trimmed."""
    with tempfile.NamedTemporaryFile(suffix=".wav", dir=workdir) as fh:
        out = Path(fh.name)
        cmd, stdin = _command(voice, text, rate, pitch, out)
        try:
            subprocess.run(cmd, input=stdin.encode() if stdin else None, check=True,
                           capture_output=True, timeout=120)
            clip = load_clip(out, SAMPLE_RATE)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired, OSError) as exc:
            raise DataError(f"{voice.engine} failed for {voice.id} saying {text!r}: "
                            f"{getattr(exc, 'stderr', b'') or exc}") from exc
        except Exception as exc:  # an empty or unreadable file: the engine wrote nothing
            raise DataError(f"{voice.engine} wrote no audio for {voice.id} saying {text!r}") from exc
    return trim_silence(clip, SAMPLE_RATE)


def median_f0(clip: np.ndarray) -> float:
    """Median F0 (Hz) over the loud frames: the check of a package's gender label.

    A plain autocorrelation pitch per 40 ms frame is enough to put a voice on
    the right side of 160 Hz, and needs neither librosa's start-up nor numba.
    """
    ac = frame_autocorrelation(clip, 640, 160, loud=0.3)
    if len(ac) == 0:
        return float("nan")
    lo, hi = SAMPLE_RATE // 400, SAMPLE_RATE // 60
    lags = lo + np.argmax(ac[:, lo:hi], axis=1)
    voiced = ac[np.arange(len(ac)), lags] > 0.25 * ac[:, 0]
    return float(np.median(SAMPLE_RATE / lags[voiced])) if voiced.any() else float("nan")
