"""``tts-digits``: spoken digits from synthetic speakers (flite and espeak-ng), split by voice.

The Speech Commands stand-in. Four flite voices (kal16, awb, rms, slt) give
genuinely different timbres; espeak-ng variants add many more, weaker ones.
Each speaker is one fixed setting of engine, voice, pitch, speaking rate and a
formant factor (a resampling that changes the vocal-tract length, which
espeak-ng's variants barely do); each take adds a small jitter to pitch and rate,
because a synthesiser says the same word identically every time.

The split keeps whole voice groups apart (all settings derived from one flite
voice, or one espeak-ng variant), so test speakers are unseen voices.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..errors import DataError
from .audio import load_clip, to_int16, trim_silence
from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .splits import group_split

__all__ = ["DIGIT_WORDS", "Speaker", "TtsDigitsBuilder", "speaker_table", "synthesize"]

DIGIT_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine")
SAMPLE_RATE = 16000

#: flite voice -> (nominal mean F0 in Hz, gender). rms ignores the F0 setting.
FLITE_VOICES = {"kal16": (105.0, "male"), "awb": (110.0, "male"), "rms": (95.0, "male"),
                "slt": (165.0, "female")}
#: espeak-ng variants that sound like speech (no robots, whispers or croaks), with gender.
ESPEAK_VARIANTS = {
    "m1": "male", "m2": "male", "m3": "male", "m4": "male", "m5": "male", "m6": "male",
    "m7": "male", "adam": "male", "Andy": "male", "benjamin": "male", "caleb": "male",
    "david": "male", "edward": "male", "gustave": "male", "john": "male", "max": "male",
    "paul": "male", "quincy": "male", "rob": "male", "travis": "male",
    "f1": "female", "f2": "female", "f3": "female", "f4": "female", "f5": "female",
    "Alicia": "female", "Annie": "female", "belinda": "female", "linda": "female",
    "steph": "female", "anika": "female", "aunty": "female",
}
ESPEAK_ACCENTS = ("en-us", "en-gb", "en-gb-scotland", "en-gb-x-rp", "en-029", "en-gb-x-gbclan")
FLITE_SETTINGS = 3  # speakers per flite voice


@dataclass(frozen=True)
class Speaker:
    """One synthetic speaker: a fixed synthesiser setting."""

    id: str
    engine: str  # "flite" or "espeak-ng"
    voice: str  # flite voice name, or espeak-ng "accent+variant"
    group: str  # what the split keeps together (the base voice)
    gender: str
    pitch: float  # flite: mean F0 in Hz; espeak-ng: -p 0..99
    rate: float  # flite: duration stretch (>1 slower); espeak-ng: words per minute
    formant: float  # >1 shorter vocal tract (higher formants), applied by resampling


def speaker_table(rng: np.random.Generator, tiny: bool = False) -> list[Speaker]:
    """The fixed list of speakers (drawn from a seeded generator)."""
    speakers: list[Speaker] = []
    flite = list(FLITE_VOICES.items())[: 2 if tiny else None]
    for name, (f0, gender) in flite:
        for k in range(1 if tiny else FLITE_SETTINGS):
            speakers.append(Speaker(
                id=f"flite-{name}-{k}", engine="flite", voice=name, group=f"flite-{name}",
                gender=gender, pitch=round(f0 * float(rng.uniform(0.85, 1.18)), 1),
                rate=round(float(rng.uniform(0.85, 1.2)), 3),
                formant=round(float(rng.uniform(0.9, 1.1)), 3)))
    variants = list(ESPEAK_VARIANTS.items())[: 2 if tiny else None]
    for k, (variant, gender) in enumerate(variants):
        accent = ESPEAK_ACCENTS[k % len(ESPEAK_ACCENTS)]
        speakers.append(Speaker(
            id=f"espeak-{accent}+{variant}", engine="espeak-ng", voice=f"{accent}+{variant}",
            group=f"espeak-{variant}", gender=gender, pitch=float(rng.integers(30, 71)),
            rate=float(rng.integers(140, 191)), formant=round(float(rng.uniform(0.9, 1.1)), 3)))
    return speakers


def _command(speaker: Speaker, word: str, pitch: float, rate: float, out: Path) -> list[str]:
    if speaker.engine == "flite":
        return ["flite", "-voice", speaker.voice, "--setf", f"int_f0_target_mean={pitch:.1f}",
                "--setf", f"duration_stretch={rate:.3f}", "-t", word, "-o", str(out)]
    return ["espeak-ng", "-v", speaker.voice, "-p", str(round(pitch)), "-s", str(round(rate)),
            "-w", str(out), word]


def synthesize(speaker: Speaker, word: str, pitch_jitter: float, rate_jitter: float,
               workdir: Path) -> np.ndarray:
    """One take of ``word`` by ``speaker``: trimmed, formant-shifted, mono 16 kHz float32."""
    from scipy.signal import resample_poly

    pitch = speaker.pitch * pitch_jitter
    if speaker.engine == "espeak-ng":
        pitch = float(np.clip(pitch, 0, 99))
    # flite's stretch slows down as it grows; espeak-ng's rate speeds up.
    rate = speaker.rate * (rate_jitter if speaker.engine == "espeak-ng" else 1 / rate_jitter)
    with tempfile.NamedTemporaryFile(suffix=".wav", dir=workdir) as fh:
        out = Path(fh.name)
        try:
            subprocess.run(_command(speaker, word, pitch, rate, out), check=True,
                           capture_output=True, timeout=60)
        except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as exc:
            raise DataError(f"{speaker.engine} failed for {speaker.id} saying {word!r}: "
                            f"{getattr(exc, 'stderr', b'') or exc}") from exc
        clip = load_clip(out, SAMPLE_RATE)
    # Playing a clip back faster by `formant` shifts pitch and formants together.
    up, down = round(100 / speaker.formant), 100
    clip = resample_poly(clip, up, down).astype(np.float32)
    return trim_silence(clip, SAMPLE_RATE)


def _require_tools() -> dict[str, str]:
    versions = {}
    for tool in ("flite", "espeak-ng"):
        if shutil.which(tool) is None:
            raise DataError(f"{tool} is not installed (needed to synthesise tts-digits); "
                            f"install it with: apt-get install {tool}")
        proc = subprocess.run([tool, "--version"], capture_output=True, text=True, check=False)
        versions[tool] = (proc.stdout or proc.stderr).strip().splitlines()[0] if (
            proc.stdout or proc.stderr) else "unknown"
    return versions


class TtsDigitsBuilder(DatasetBuilder):
    name = "tts-digits"
    version = "1.0.0"
    runtime_params = frozenset({"workers"})
    defaults: ClassVar[dict[str, Any]] = {"tiny": False, "takes": 8, "workers": 2}
    card = DatasetCard(
        title="tts-digits: synthesised spoken digits (Speech Commands stand-in)",
        summary="Digits 'zero'..'nine' spoken by 44 synthetic speakers: 4 flite voices "
                "(kal16, awb, rms, slt) x 3 settings and 32 espeak-ng variants across 6 English "
                "accents; 8 takes per digit with pitch/rate jitter; mono 16 kHz int16, "
                "silence-trimmed.",
        source="synthesised at build time with Debian flite and espeak-ng (versions in the "
               "manifest).",
        license="generated audio; flite and espeak-ng impose no restriction on their output",
        splits="by voice group (a flite voice with all its settings, or an espeak-ng variant), "
               "80/20 per engine: test speakers are unseen voices.",
        differences="Stands in for Speech Commands digits (thousands of real speakers, 1 s "
                    "clips, noise): far fewer and synthetic speakers, clean audio.",
    )

    def build(self, ctx: BuildContext) -> None:
        ctx.meta["tools"] = _require_tools()
        tiny, takes = bool(self.params["tiny"]), int(self.params["takes"])
        speakers = speaker_table(ctx.rng("speakers"), tiny=tiny)
        takes = min(takes, 2) if tiny else takes
        jobs = [(s, d, t) for s in range(len(speakers)) for d in range(10) for t in range(takes)]
        jitter = ctx.rng("jitter").uniform([0.95, 0.94], [1.05, 1.06], size=(len(jobs), 2))
        with tempfile.TemporaryDirectory(prefix="xmodal-tts-") as tmp, ThreadPoolExecutor(
                max_workers=max(1, int(self.params["workers"]))) as pool:
            futures = [pool.submit(synthesize, speakers[s], DIGIT_WORDS[d], float(j[0]),
                                   float(j[1]), Path(tmp))
                       for (s, d, _), j in zip(jobs, jitter, strict=True)]
            clips = [to_int16(f.result()) for f in
                     ctx.progress(futures, total=len(futures), desc="synthesise", unit="clip")]
        speaker = np.array([s for s, _, _ in jobs], dtype=np.int64)
        ctx.add_ragged("audio", clips, kind="audio", dtype=np.int16)
        ctx.add_array("digit", np.array([d for _, d, _ in jobs], dtype=np.int64), kind="label")
        ctx.add_array("speaker", speaker, kind="label")
        ctx.add_array("take", np.array([t for _, _, t in jobs], dtype=np.int64), kind="value")
        engines = ["flite", "espeak-ng"]
        ctx.add_array("engine", np.array([engines.index(speakers[s].engine) for s in speaker],
                                         dtype=np.int64), kind="label")
        ctx.set_classes("digit", [str(d) for d in range(10)], target=True)
        ctx.set_classes("speaker", [s.id for s in speakers])
        ctx.set_classes("engine", engines)
        groups = sorted({s.group for s in speakers})
        group_of = np.array([groups.index(speakers[s].group) for s in speaker])
        strata = {groups.index(s.group): engines.index(s.engine) for s in speakers}
        for split, idx in group_split(group_of, {"train": 0.8, "test": 0.2}, ctx.rng("split"),
                                      strata=strata).items():
            ctx.add_split(split, idx)
        ctx.meta.update(sample_rate=SAMPLE_RATE, words=list(DIGIT_WORDS),
                        speakers={s.id: asdict(s) for s in speakers})
