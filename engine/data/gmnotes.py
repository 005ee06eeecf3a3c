"""``gm-notes``: an NSynth-like set of single notes rendered from General-MIDI soundfonts.

Three soundfonts (FluidR3_GM, MuseScore General Lite, TimGM6mb) x the GM
programs of the ten NSynth families x MIDI pitches 24-84 x three velocities,
rendered dry at 16 kHz. NSynth notes are 4 s long with the key released at
3 s, and the face2nsynth paper keeps only the first 8192 samples; since a note
is held for all of those, rendering 8192 samples gives exactly the first 8192
samples of the 4 s render, so the full 4 s are only rendered when asked for
(``full=true``: 8x the disk, about 4 GB). Notes whose peak stays below -60 dBFS
(programs without samples at that pitch) are dropped. Splits are by instrument
(soundfont x program), stratified by family, so test instruments are unseen.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .gm import FAMILIES, SOUNDFONTS, find_soundfont, gm_programs
from .splits import group_split

__all__ = ["GmNotesBuilder", "render_instrument"]

SAMPLE_RATE = 16000
SAMPLES = 8192
FULL_SAMPLES = 4 * SAMPLE_RATE
RELEASE_AT = 3 * SAMPLE_RATE
PITCHES = tuple(range(24, 85))
VELOCITIES = (25, 75, 127)
SILENT_PEAK = 10 ** (-60 / 20)
GAIN = 0.5

_RENDERER: Any = None


def _init_worker(soundfonts: Sequence[str]) -> None:
    global _RENDERER
    from .synth import Renderer

    _RENDERER = Renderer([Path(p) for p in soundfonts], SAMPLE_RATE, GAIN)


def render_instrument(task: tuple[str, int, Sequence[tuple[int, int]], bool]
                      ) -> tuple[list[int], np.ndarray, np.ndarray | None]:
    """Render one instrument's notes in a worker: kept note numbers, first 8192, full 4 s."""
    soundfont, program, notes, full = task
    renderer = _RENDERER
    path = Path(soundfont)
    if not renderer.has_preset(path, program):
        return [], np.zeros((0, SAMPLES), np.float16), None
    renderer.select(path, program)
    renderer.prime(notes, SAMPLES)
    kept: list[int] = []
    heads: list[np.ndarray] = []
    fulls: list[np.ndarray] = []
    for k, (pitch, velocity) in enumerate(notes):
        if full:
            wave = renderer.note(pitch, velocity, FULL_SAMPLES, release_at=RELEASE_AT)
        else:
            wave = renderer.note(pitch, velocity, SAMPLES)
        head = wave[:SAMPLES]
        if not np.isfinite(head).all() or float(np.abs(head).max()) < SILENT_PEAK:
            continue
        kept.append(k)
        heads.append(np.clip(head, -1, 1).astype(np.float16))
        if full:
            fulls.append(np.clip(wave, -1, 1).astype(np.float16))
    head_arr = np.stack(heads) if heads else np.zeros((0, SAMPLES), np.float16)
    return kept, head_arr, (np.stack(fulls) if fulls else None) if full else None


class GmNotesBuilder(DatasetBuilder):
    name = "gm-notes"
    version = "1.0.0"
    runtime_params = frozenset({"workers"})
    defaults: ClassVar[dict[str, Any]] = {
        "tiny": False, "full": False, "workers": 2,
        "soundfonts": ",".join(SOUNDFONTS),
    }
    card = DatasetCard(
        title="gm-notes: NSynth-like notes rendered from GM soundfonts",
        summary="Single notes of 264 instruments (3 soundfonts x 88 GM programs in 10 "
                "families), MIDI 24-84, velocities 25/75/127, 16 kHz mono, dry (no reverb or "
                "chorus), the first 8192 samples (0.51 s) as float16; silent renders dropped.",
        source="rendered at build time with FluidSynth (pyfluidsynth) from FluidR3_GM.sf2 "
               "(Debian fluid-soundfont-gm), MuseScore_General_Lite.sf3 (Debian "
               "musescore-general-soundfont-small) and TimGM6mb.sf2 (shipped by pretty_midi); "
               "soundfont checksums in the manifest.",
        license="FluidR3_GM and MuseScore General: MIT; TimGM6mb: GPL-2 (the rendered notes "
                "are derived from these sample sets)",
        splits="by instrument (soundfont x program), stratified by family: about 70% train, "
               "10% valid, 20% test instruments; a test instrument is never heard in training.",
        differences="Stands in for NSynth (305,979 notes of 1,006 instruments, 11 families "
                    "including synth_lead, 4 s at 16 kHz, 5 velocities, acoustic/electronic/"
                    "synthetic sources): fewer, sample-based GM instruments; the 4 s version "
                    "is only stored with full=true.",
    )

    def _soundfonts(self) -> list[str]:
        if self.params["tiny"]:
            return ["TimGM6mb"]
        return [s.strip() for s in str(self.params["soundfonts"]).split(",") if s.strip()]

    def _plan(self) -> tuple[list[tuple[int, str]], list[tuple[int, int]]]:
        programs = gm_programs()
        if self.params["tiny"]:
            per_family: dict[str, list[int]] = {}
            for program, family in programs:
                per_family.setdefault(family, []).append(program)
            chosen = {p for ps in per_family.values() for p in ps[:3]}
            programs = [(p, f) for p, f in programs if p in chosen]
            return programs, [(p, 100) for p in (36, 60, 84)]
        return programs, [(p, v) for p in PITCHES for v in VELOCITIES]

    def build(self, ctx: BuildContext) -> None:
        names = self._soundfonts()
        paths = [find_soundfont(n) for n in names]
        for name, path in zip(names, paths, strict=True):
            ctx.record_input(path, f"soundfont {name}")
        programs, notes = self._plan()
        full = bool(self.params["full"])
        tasks = [(str(path), program, notes, full) for path in paths for program, _ in programs]
        meta = [(s, program, family) for s in range(len(paths)) for program, family in programs]
        total = len(tasks) * len(notes)
        workdir = Path(tempfile.mkdtemp(prefix=".render-", dir=ctx.directory))
        heads = np.lib.format.open_memmap(workdir / "heads.npy", mode="w+", dtype=np.float16,
                                          shape=(total, SAMPLES))
        fulls = np.lib.format.open_memmap(workdir / "fulls.npy", mode="w+", dtype=np.float16,
                                          shape=(total, FULL_SAMPLES)) if full else None
        rows: list[tuple[int, int, int]] = []  # (task, note, instrument) of every kept note
        workers = max(1, int(self.params["workers"]))
        import multiprocessing

        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                 initializer=_init_worker, initargs=([str(p) for p in paths],)
                                 ) as pool, ctx.progress(total=total, desc="render",
                                                         unit="note") as bar:
            for t, (kept, head, whole) in enumerate(pool.map(render_instrument, tasks)):
                start = len(rows)
                heads[start:start + len(kept)] = head
                if fulls is not None and whole is not None:
                    fulls[start:start + len(kept)] = whole
                rows.extend((t, k, t) for k in kept)
                bar.update(len(notes))
        self._write(ctx, rows, heads, fulls, meta, notes, names, programs)
        del heads, fulls
        for f in workdir.iterdir():
            f.unlink()
        os.rmdir(workdir)
        ctx.meta.update(sample_rate=SAMPLE_RATE, samples=SAMPLES, planned_notes=total,
                        silent_dropped=total - len(rows), gain=GAIN,
                        silence_threshold_dbfs=-60)

    def _write(self, ctx: BuildContext, rows: list[tuple[int, int, int]], heads: np.ndarray,
               fulls: np.ndarray | None, meta: list[tuple[int, int, str]],
               notes: list[tuple[int, int]], names: list[str],
               programs: list[tuple[int, str]]) -> None:
        n = len(rows)
        audio = ctx.create_array("audio", (n, SAMPLES), np.float16, kind="audio")
        for start in range(0, n, 4096):
            audio[start:start + 4096] = heads[start:min(n, start + 4096)]
        if fulls is not None:
            whole = ctx.create_array("audio_full", (n, FULL_SAMPLES), np.float16, kind="audio")
            for start in range(0, n, 1024):
                whole[start:start + 1024] = fulls[start:min(n, start + 1024)]
        task = np.array([r[0] for r in rows], dtype=np.int64)
        note = np.array([r[1] for r in rows], dtype=np.int64)
        midi = np.array([notes[k][0] for k in note], dtype=np.int64)
        sf_of = np.array([meta[t][0] for t in task], dtype=np.int64)
        program = np.array([meta[t][1] for t in task], dtype=np.int64)
        family = np.array([FAMILIES.index(meta[t][2]) for t in task], dtype=np.int64)
        instruments = [f"{names[s]}:{p:03d}" for s, p, _ in meta]
        ctx.add_array("pitch", midi - PITCHES[0], kind="label")
        ctx.add_array("midi", midi, kind="value")
        ctx.add_array("velocity", np.array([notes[k][1] for k in note], dtype=np.int64),
                      kind="value")
        ctx.add_array("family", family, kind="label")
        ctx.add_array("instrument", task, kind="label")
        ctx.add_array("soundfont", sf_of, kind="label")
        ctx.add_array("program", program, kind="value")
        ctx.set_classes("family", list(FAMILIES), target=True)
        ctx.set_classes("pitch", [str(p) for p in PITCHES])
        ctx.set_classes("instrument", instruments)
        ctx.set_classes("soundfont", names)
        strata = {t: FAMILIES.index(meta[t][2]) for t in range(len(meta))}
        for split, idx in group_split(task, {"train": 0.7, "valid": 0.1, "test": 0.2},
                                      ctx.rng("split"), strata=strata).items():
            ctx.add_split(split, idx)
        ctx.meta["programs"] = {str(p): f for p, f in programs}
