"""``gm-phrases``: short rendered phrases of the 13 URMP instruments, cut into 0.5 s windows.

The cmgan stand-in for URMP performances: seeded random monophonic melodies
(a random key, stepwise motion with leaps, varied note lengths and dynamics)
in each instrument's playable range, rendered dry from three GM soundfonts,
then cut into 0.5 s windows; windows that are (nearly) silent are dropped.
Splits keep whole phrases together, so no test window shares a phrase with a
training window.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .gm import SOUNDFONTS, URMP_PROGRAMS, find_soundfont
from .splits import group_split

__all__ = ["INSTRUMENT_RANGES", "GmPhrasesBuilder", "random_phrase"]

#: URMP instrument -> (lowest, highest) MIDI pitch used for its melodies (comfortable range).
INSTRUMENT_RANGES = {
    "violin": (55, 84), "viola": (48, 76), "cello": (36, 67), "double bass": (28, 55),
    "flute": (60, 91), "oboe": (58, 84), "clarinet": (50, 81), "bassoon": (34, 65),
    "saxophone": (49, 80), "trumpet": (55, 82), "horn": (41, 77), "trombone": (40, 72),
    "tuba": (28, 58),
}
_MAJOR = (0, 2, 4, 5, 7, 9, 11)
_MINOR = (0, 2, 3, 5, 7, 8, 10)
_BEATS = (0.5, 0.5, 1.0, 1.0, 1.0, 1.5, 2.0, 3.0, 4.0)  # note lengths in eighths


def random_phrase(rng: np.random.Generator, low: int, high: int, seconds: float,
                  sample_rate: int) -> list[tuple[int, int, int, int]]:
    """``(start, stop, pitch, velocity)`` events (samples) of one seeded random melody."""
    tonic = int(rng.integers(0, 12))
    scale = _MAJOR if rng.random() < 0.6 else _MINOR
    pitches = [p for p in range(low, high + 1) if (p - tonic) % 12 in scale]
    eighth = 60.0 / float(rng.uniform(80, 140)) / 2  # tempo 80-140 bpm
    index = int(rng.integers(len(pitches) // 4, 3 * len(pitches) // 4 + 1))
    base_velocity = int(rng.integers(60, 111))
    legato = float(rng.uniform(0.75, 1.0))
    events: list[tuple[int, int, int, int]] = []
    t = 0.0
    while t < seconds:
        length = float(rng.choice(_BEATS)) * eighth
        step = int(rng.choice([-2, -1, -1, 1, 1, 2, 0, -4, 4]))
        index = int(np.clip(index + step, 0, len(pitches) - 1))
        velocity = int(np.clip(base_velocity + rng.integers(-12, 13), 1, 127))
        start = round(t * sample_rate)
        stop = round((t + length * legato) * sample_rate)
        events.append((start, max(start + 1, stop), pitches[index], velocity))
        t += length
    return events


class GmPhrasesBuilder(DatasetBuilder):
    name = "gm-phrases"
    version = "1.0.0"
    defaults: ClassVar[dict[str, Any]] = {
        "tiny": False, "phrases": 24, "phrase_seconds": 4.0, "window_seconds": 0.5,
        "sample_rate": 22050, "soundfonts": ",".join(SOUNDFONTS),
    }
    card = DatasetCard(
        title="gm-phrases: rendered phrases of the 13 URMP instruments (0.5 s windows)",
        summary="Seeded random melodies for violin, viola, cello, double bass, flute, oboe, "
                "clarinet, bassoon, saxophone, trumpet, horn, trombone and tuba (GM programs "
                "40, 41, 42, 43, 73, 68, 71, 70, 65, 56, 60, 57, 58) from 3 soundfonts, 24 "
                "phrases of 4 s each, cut into 0.5 s windows at 22.05 kHz (int16); silent "
                "windows dropped.",
        source="rendered at build time with FluidSynth from FluidR3_GM, MuseScore General Lite "
               "and TimGM6mb (checksums in the manifest).",
        license="FluidR3_GM and MuseScore General: MIT; TimGM6mb: GPL-2",
        splits="by phrase, 80/20 within every instrument x soundfont: windows of one phrase "
               "never straddle train and test.",
        differences="Stands in for URMP (real ensemble recordings of 44 pieces, separated "
                    "per instrument): synthetic solo melodies from sampled GM instruments.",
    )

    def build(self, ctx: BuildContext) -> None:
        from .audio import to_int16
        from .synth import Renderer

        tiny = bool(self.params["tiny"])
        names = ["TimGM6mb"] if tiny else [
            s.strip() for s in str(self.params["soundfonts"]).split(",") if s.strip()]
        paths = [find_soundfont(n) for n in names]
        for name, path in zip(names, paths, strict=True):
            ctx.record_input(path, f"soundfont {name}")
        rate = int(self.params["sample_rate"])
        phrases = 3 if tiny else int(self.params["phrases"])
        seconds = 1.0 if tiny else float(self.params["phrase_seconds"])
        window = round(float(self.params["window_seconds"]) * rate)
        per_phrase = int(seconds * rate) // window
        instruments = list(URMP_PROGRAMS)
        renderer = Renderer(paths, rate, gain=0.5)
        windows: list[np.ndarray] = []
        labels: list[tuple[int, int, int, int]] = []  # instrument, soundfont, phrase id, window
        jobs = [(s, i, k) for s in range(len(paths)) for i in range(len(instruments))
                for k in range(phrases)]
        try:
            for phrase_id, (s, i, k) in enumerate(ctx.progress(jobs, desc="render",
                                                                unit="phrase")):
                name = instruments[i]
                renderer.select(paths[s], URMP_PROGRAMS[name])
                events = random_phrase(ctx.rng("phrase", s, i, k), *INSTRUMENT_RANGES[name],
                                       seconds, rate)
                audio = renderer.sequence(events, per_phrase * window)
                for w in range(per_phrase):
                    piece = audio[w * window:(w + 1) * window]
                    if float(np.sqrt(np.mean(piece ** 2))) < 10 ** (-50 / 20):
                        continue
                    windows.append(to_int16(np.clip(piece, -1, 1)))
                    labels.append((i, s, phrase_id, w))
        finally:
            renderer.close()
        table = np.array(labels, dtype=np.int64)
        ctx.add_array("audio", np.stack(windows), kind="audio")
        ctx.add_array("instrument", table[:, 0], kind="label")
        ctx.add_array("soundfont", table[:, 1], kind="label")
        ctx.add_array("phrase", table[:, 2], kind="value")
        ctx.add_array("window", table[:, 3], kind="value")
        ctx.set_classes("instrument", instruments, target=True)
        ctx.set_classes("soundfont", names)
        strata = {int(p): int(i * len(paths) + s) for i, s, p, _ in labels}
        for split, idx in group_split(table[:, 2], {"train": 0.8, "test": 0.2},
                                      ctx.rng("split"), strata=strata).items():
            ctx.add_split(split, idx)
        ctx.meta.update(sample_rate=rate, window_samples=window, programs=URMP_PROGRAMS,
                        ranges={k: list(v) for k, v in INSTRUMENT_RANGES.items()})
