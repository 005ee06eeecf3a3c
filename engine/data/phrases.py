"""``gm-phrases``: rendered phrases of the 13 URMP instruments, read as 0.5 s windows.

The cmgan stand-in for URMP performances: seeded random monophonic melodies
(a random key, stepwise motion with leaps, varied note lengths and dynamics)
in each instrument's playable range, rendered dry from three GM soundfonts,
stored whole at 44.1 kHz. cmgan's 0.5 s windows with a 0.1 s stride are cut
by :func:`window_index` when read (storing every overlapping window would be
five times the cache); windows that are (nearly) silent are skipped. One row
is one phrase, so every split keeps whole phrases together and no test window
shares a phrase with a training window.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .gm import SOUNDFONTS, URMP_PROGRAMS, find_soundfont
from .splits import stratified_split

__all__ = ["INSTRUMENT_RANGES", "GmPhrasesBuilder", "random_phrase", "window_index"]

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


def window_index(audio: np.ndarray, window: int, stride: int,
                 silence_db: float = -50.0) -> np.ndarray:
    """``(row, start)`` of every ``window``-sample window at ``stride`` within each phrase row.

    cmgan's protocol slides a 0.5 s window with a 0.1 s stride inside every
    phrase; windows whose RMS is below ``silence_db`` (dBFS) are skipped, since
    a rest between notes says nothing about the instrument. Rows are int16 or
    float phrases of one length; the result is int64 of shape ``(n, 2)``.
    """
    rows = np.asarray(audio)
    if rows.ndim != 2:
        raise ValueError(f"phrases must be a 2-D array (rows, samples), got shape {rows.shape}")
    if window <= 0 or stride <= 0:
        raise ValueError("window and stride must be positive")
    scale = 32768.0 if rows.dtype == np.int16 else 1.0
    floor = 10 ** (silence_db / 20)
    starts = np.arange(0, rows.shape[1] - window + 1, stride)
    out: list[tuple[int, int]] = []
    for r in range(rows.shape[0]):
        x = np.asarray(rows[r], dtype=np.float32) / scale
        power = np.concatenate([[0.0], np.cumsum(x.astype(np.float64) ** 2)])
        rms = np.sqrt((power[starts + window] - power[starts]) / window)
        out.extend((r, int(s)) for s in starts[rms >= floor])
    return np.array(out, dtype=np.int64).reshape(-1, 2)


class GmPhrasesBuilder(DatasetBuilder):
    name = "gm-phrases"
    version = "2.0.0"
    defaults: ClassVar[dict[str, Any]] = {
        "tiny": False, "phrases": 16, "phrase_seconds": 4.0, "window_seconds": 0.5,
        "stride_seconds": 0.1, "sample_rate": 44100, "soundfonts": ",".join(SOUNDFONTS),
        "heldout_soundfont": "MuseScore_General_Lite",
    }
    card = DatasetCard(
        title="gm-phrases: rendered 4 s phrases of the 13 URMP instruments (44.1 kHz)",
        summary="Seeded random melodies for violin, viola, cello, double bass, flute, oboe, "
                "clarinet, bassoon, saxophone, trumpet, horn, trombone and tuba (GM programs "
                "40, 41, 42, 43, 73, 68, 71, 70, 65, 56, 60, 57, 58) from 3 soundfonts, 16 "
                "phrases of 4 s each per instrument and soundfont, stored whole at 44.1 kHz "
                "(int16). cmgan's 0.5 s windows with a 0.1 s stride are cut by the reader "
                "(window_index), skipping silent ones.",
        source="rendered at build time with FluidSynth from FluidR3_GM, MuseScore General Lite "
               "and TimGM6mb (checksums in the manifest).",
        license="FluidR3_GM and MuseScore General: MIT; TimGM6mb: GPL-2",
        splits="train/test: by phrase, 80/20 within every instrument x soundfont (windows of "
               "one phrase never straddle the two). sf-train/sf-test: one soundfont "
               "(meta heldout_soundfont) is the whole test side, a harder split that stands "
               "in for unseen players.",
        differences="Stands in for URMP (real ensemble recordings of 44 pieces, separated "
                    "per instrument): synthetic solo melodies from sampled GM instruments; "
                    "three soundfonts stand in for URMP's one to four players per instrument.",
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
        length = round(seconds * rate)
        instruments = list(URMP_PROGRAMS)
        renderer = Renderer(paths, rate, gain=0.5)
        jobs = [(s, i, k) for s in range(len(paths)) for i in range(len(instruments))
                for k in range(phrases)]
        audio = ctx.create_array("audio", (len(jobs), length), np.int16, kind="audio")
        try:
            for row, (s, i, k) in enumerate(ctx.progress(jobs, desc="render", unit="phrase")):
                name = instruments[i]
                renderer.select(paths[s], URMP_PROGRAMS[name])
                events = random_phrase(ctx.rng("phrase", s, i, k), *INSTRUMENT_RANGES[name],
                                       seconds, rate)
                audio[row] = to_int16(np.clip(renderer.sequence(events, length), -1, 1))
        finally:
            renderer.close()
        instrument = np.array([i for _, i, _ in jobs], dtype=np.int64)
        soundfont = np.array([s for s, _, _ in jobs], dtype=np.int64)
        ctx.add_array("instrument", instrument, kind="label")
        ctx.add_array("soundfont", soundfont, kind="label")
        ctx.set_classes("instrument", instruments, target=True)
        ctx.set_classes("soundfont", names)
        for split, idx in stratified_split(instrument * len(paths) + soundfont,
                                           {"train": 0.8, "test": 0.2}, ctx.rng("split")).items():
            ctx.add_split(split, idx)
        heldout = str(self.params["heldout_soundfont"])
        if heldout in names and len(names) > 1:
            held = soundfont == names.index(heldout)
            ctx.add_split("sf-train", np.flatnonzero(~held))
            ctx.add_split("sf-test", np.flatnonzero(held))
        ctx.meta.update(sample_rate=rate, window_samples=round(float(self.params["window_seconds"])
                                                               * rate),
                        stride_samples=round(float(self.params["stride_seconds"]) * rate),
                        heldout_soundfont=heldout if heldout in names and len(names) > 1 else None,
                        programs=URMP_PROGRAMS,
                        ranges={k: list(v) for k, v in INSTRUMENT_RANGES.items()})
