"""``object-sounds`` and ``object-pictures``: the 51 classes of the sound2image stand-in.

Two datasets over one class list (:mod:`engine.data.objects_table`), paired by
class as the paper's pairs are (its image and sound share a label):

* ``object-sounds``: 1 s clips at 22.05 kHz (the paper's SoundNet input rate).
  Instruments are soundfont renders (seeded random phrases, or rhythms of the
  GM drum map for percussion) plus random crops of the real GCompris / Tux
  Paint recordings; digits are FSDD takes; animals are crops of their two to
  four real recordings. Crops of a recording are varied (offset, speed, gain)
  so that a class with one recording is not one clip repeated.
* ``object-pictures``: augmented drawings and photos on a ``size`` canvas
  (the ``instruments-clipart`` augmentation), and MNIST digits.

Splits are by source. Sounds: a whole recording per class is held out when
the class has two or more (else the recording's last 30% gives the test crops:
meta ``window_split_classes``), one FSDD speaker is held out, and renders are
split 90/10 (each render is its own phrase). Pictures: a quarter of each
class's drawings is held out (classes with one drawing split augmentations:
meta ``augmentation_split_classes``); MNIST digits come from MNIST's train or
test images. Every clip is peak-normalised, so loudness says nothing of the source.
"""

from __future__ import annotations

import math
from typing import Any, ClassVar

import numpy as np

from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .clipart import augment, cutout, held_out
from .debian_media import media_file, read_recording
from .gm import SOUNDFONTS, find_soundfont
from .objects_table import CLASSES, DIGIT_NAMES
from .phrases import random_phrase
from .splits import stratified_split

__all__ = ["ObjectPicturesBuilder", "ObjectSoundsBuilder", "random_beat"]

_GROUPS = ("instrument", "digit", "animal")
#: Share of a single recording kept for test crops.
_TEST_TAIL = 0.3
_PEAK = 0.8


def random_beat(rng: np.random.Generator, notes: tuple[int, ...], seconds: float,
                sample_rate: int) -> list[tuple[int, int, int, int]]:
    """``(start, stop, note, velocity)`` of a seeded rhythm on GM drum-map ``notes``.

    A drum kit (four or more notes) gets a groove: kick on the beats, snare on
    the backbeat, hi-hats on the eighths; other percussion plays its notes on
    a random eighth/sixteenth grid.
    """
    beat = 60.0 / float(rng.uniform(80, 150))
    events: list[tuple[int, int, int, int]] = []

    def hit(t: float, note: int, velocity: int) -> None:
        start = round(t * sample_rate)
        events.append((start, start + round(0.1 * sample_rate), note, velocity))

    if len(notes) >= 4:
        kick, snare, hat = notes[0], notes[1], notes[2]
        t, k = float(rng.uniform(0, beat / 2)), 0
        while t < seconds:
            hit(t, hat, int(rng.integers(50, 90)))
            if k % 2 == 0:
                hit(t, kick if (k // 2) % 2 == 0 else snare, int(rng.integers(80, 120)))
            t += beat / 2
            k += 1
        return sorted(events)
    step = beat / float(rng.choice([2, 4]))
    t = float(rng.uniform(0, step))
    while t < seconds:
        if rng.random() < 0.7:
            hit(t, int(rng.choice(notes)), int(rng.integers(60, 121)))
        t += step
    if not events:
        hit(0.0, notes[0], 100)
    return sorted(events)


def _fit(clip: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """Exactly ``n`` samples: a random crop of a long clip, a random placement of a short one."""
    if len(clip) >= n:
        start = int(rng.integers(0, len(clip) - n + 1))
        return clip[start:start + n]
    out = np.zeros(n, dtype=np.float32)
    start = int(rng.integers(0, n - len(clip) + 1))
    out[start:start + len(clip)] = clip
    return out


def _normalise(clip: np.ndarray) -> np.ndarray:
    peak = float(np.abs(clip).max())
    return (clip * (_PEAK / peak)).astype(np.float32) if peak > 1e-6 else clip


def _loud_span(clip: np.ndarray, rate: int) -> tuple[int, int]:
    """Start and stop of the part of a recording within 30 dB of its loudest 50 ms."""
    frame = max(1, rate // 20)
    n = max(1, len(clip) // frame)
    energy = np.sqrt(np.mean(clip[: n * frame].reshape(n, frame) ** 2, axis=1) + 1e-12)
    loud = np.flatnonzero(energy > energy.max() * 10 ** (-30 / 20))
    return int(loud[0] * frame), int(min(len(clip), (loud[-1] + 1) * frame))


def _crops(clip: np.ndarray, count: int, n: int, rate: int,
           rng: np.random.Generator) -> list[np.ndarray]:
    """``count`` varied 1 s crops of a recording: random offset, speed +-8%, from its loud part."""
    from scipy.signal import resample

    lo, hi = _loud_span(clip, rate)
    body = clip[lo:hi]
    out = []
    for _ in range(count):
        speed = float(rng.uniform(0.92, 1.08))
        varied = resample(body, max(1, round(len(body) / speed))).astype(np.float32)
        out.append(_normalise(_fit(varied, n, rng) * float(rng.uniform(0.6, 1.0))))
    return out


class ObjectSoundsBuilder(DatasetBuilder):
    name = "object-sounds"
    version = "1.0.0"
    defaults: ClassVar[dict[str, Any]] = {
        "tiny": False, "renders": 30, "recording_crops": 24, "animal_crops": 96,
        "digit_takes": 25, "sample_rate": 22050, "clip_seconds": 1.0,
        "soundfonts": ",".join(SOUNDFONTS),
    }
    card = DatasetCard(
        title="object-sounds: 1 s sounds of 51 classes (instruments, spoken digits, animals)",
        summary="31 musical instruments (30 seeded soundfont phrases or rhythms per soundfont "
                "from 3 GM soundfonts, plus 24 varied crops of each real GCompris / Tux Paint "
                "recording), 10 spoken digits (FSDD, 6 speakers x 25 takes) and 10 farm "
                "animals (96 varied crops of their 1-4 real recordings), as peak-normalised "
                "1 s clips at 22.05 kHz (int16).",
        source="FluidSynth renders (FluidR3_GM, MuseScore General Lite, TimGM6mb); Debian "
               "gcompris-qt-data and tuxpaint-stamps-default recordings; FSDD from "
               "../shared/data (checksums in the manifest).",
        license="soundfonts: MIT / GPL-2; GCompris: GPL (one CC Sampling Plus drum kit); "
                "Tux Paint: GPL-2; FSDD: CC BY-SA 4.0",
        splits="by source: one whole recording per class held out where a class has two or "
               "more (the cat, the instruments with one recording and their crops use the "
               "recording's last 30%: meta window_split_classes); one FSDD speaker held out; "
               "renders 90/10 (every render is its own phrase).",
        differences="Stands in for the paper's SoundNet-Flickr sounds (52 unlisted classes, "
                    "2,000 pairs each, labelled by SoundNet): clean single-source sounds, "
                    "mostly rendered, with only 1-4 real recordings per animal.",
    )

    def build(self, ctx: BuildContext) -> None:
        from .audio import resample_int16, to_int16
        from .synth import Renderer

        tiny = bool(self.params["tiny"])
        rate = int(self.params["sample_rate"])
        n = round(float(self.params["clip_seconds"]) * rate)
        renders = 2 if tiny else int(self.params["renders"])
        rec_crops = 2 if tiny else int(self.params["recording_crops"])
        animal_crops = 4 if tiny else int(self.params["animal_crops"])
        takes = 1 if tiny else int(self.params["digit_takes"])
        fonts = ["TimGM6mb"] if tiny else [
            s.strip() for s in str(self.params["soundfonts"]).split(",") if s.strip()]
        paths = [find_soundfont(f) for f in fonts]
        for f, path in zip(fonts, paths, strict=True):
            ctx.record_input(path, f"soundfont {f}")
        sources = [*fonts, "gcompris", "tuxpaint", "fsdd"]
        clips: list[np.ndarray] = []
        rows: list[tuple[int, int, bool]] = []  # class, source, test?
        origins: list[str] = []  # the recording, speaker or render each clip comes from
        window_split: list[str] = []

        # 1. soundfont renders of the instruments (90/10 by render: each render is a phrase)
        instruments = [(c, k) for c, k in enumerate(CLASSES) if k.group == "instrument"]
        renderer = Renderer(paths, rate, gain=0.5)
        render_rows: list[int] = []
        try:
            jobs = [(s, c) for s in range(len(paths)) for c, _ in instruments]
            for s, c in ctx.progress(jobs, desc="render", unit="instrument"):
                spec = CLASSES[c]
                for k in range(renders):
                    rng = ctx.rng("render", s, c, k)
                    if spec.drum_notes:
                        renderer.select(paths[s], 0, bank=128, channel=9)
                        events = random_beat(rng, spec.drum_notes, n / rate, rate)
                        audio = renderer.sequence(events, n, channel=9)
                    else:
                        renderer.select(paths[s], int(spec.program or 0))
                        low, high = spec.pitch_range
                        events = random_phrase(rng, low, high, n / rate, rate)
                        audio = renderer.sequence(events, n)
                    render_rows.append(len(clips))
                    clips.append(_normalise(audio))
                    rows.append((c, s, False))
                    origins.append(f"render:{fonts[s]}")
        finally:
            renderer.close()
        labels = np.array([rows[i][0] for i in render_rows])
        test_renders = stratified_split(labels, {"train": 0.9, "test": 0.1},
                                        ctx.rng("render-split"))["test"]
        for i in test_renders:
            rows[render_rows[int(i)]] = (*rows[render_rows[int(i)]][:2], True)

        # 2. crops of real recordings (instruments and animals), a recording held out
        recorded = set()
        for c, spec in enumerate(ctx.progress(CLASSES, desc="recordings", unit="class")):
            if not spec.recordings:
                continue
            per_class = animal_crops if spec.group == "animal" else rec_crops
            per_recording = max(1, math.ceil(per_class / len(spec.recordings)))
            rng = ctx.rng("recordings", c)
            held = int(rng.integers(len(spec.recordings))) if len(spec.recordings) > 1 else -1
            if held < 0:
                window_split.append(spec.name)
            for r, ref in enumerate(spec.recordings):
                path = media_file(ref)
                if path not in recorded:
                    recorded.add(path)
                    ctx.record_input(path, f"recording source {ref.split(':')[0]}")
                whole = read_recording(ref, rate)
                source = sources.index(ref.split(":")[0])
                if held >= 0:
                    for clip in _crops(whole, per_recording, n, rate, rng):
                        clips.append(clip)
                        rows.append((c, source, r == held))
                        origins.append(ref)
                    continue
                lo, hi = _loud_span(whole, rate)
                cut = lo + round((1 - _TEST_TAIL) * (hi - lo))
                n_test = max(1, round(per_recording * _TEST_TAIL))
                for part, count, is_test in ((whole[:cut], per_recording - n_test, False),
                                             (whole[cut:], n_test, True)):
                    for clip in _crops(part, count, n, rate, rng):
                        clips.append(clip)
                        rows.append((c, source, is_test))
                        origins.append(ref)

        # 3. spoken digits: FSDD, one speaker held out
        fsdd = ctx.require("fsdd")
        speakers = fsdd.classes["speaker"]
        held_speaker = int(ctx.rng("speaker").integers(len(speakers)))
        digit_class = {d: [k.name for k in CLASSES].index(name)
                       for d, name in enumerate(DIGIT_NAMES)}
        source_rate = int(fsdd.meta["sample_rate"])
        take, digit, speaker = (np.asarray(fsdd[f]) for f in ("take", "digit", "speaker"))
        chosen = np.flatnonzero(take < takes)
        for i in ctx.progress(chosen.tolist(), desc="digits", unit="clip"):
            clip = resample_int16(np.asarray(fsdd["audio"][i]), source_rate, rate)
            placed = _fit(clip.astype(np.float32) / 32768.0, n, ctx.rng("digit", i))
            clips.append(_normalise(placed))
            rows.append((digit_class[int(digit[i])], sources.index("fsdd"),
                         int(speaker[i]) == held_speaker))
            origins.append(f"fsdd:{speakers[int(speaker[i])]}")

        table = np.array([(c, s) for c, s, _ in rows], dtype=np.int64)
        test = np.array([t for _, _, t in rows], dtype=bool)
        audio_out = ctx.create_array("audio", (len(clips), n), np.int16, kind="audio")
        for i, clip in enumerate(clips):
            audio_out[i] = to_int16(np.clip(clip, -1, 1))
        ctx.add_array("label", table[:, 0], kind="label")
        ctx.add_array("group", np.array([_GROUPS.index(CLASSES[c].group) for c in table[:, 0]]),
                      kind="label")
        ctx.add_array("source", table[:, 1], kind="label")
        origin_names = sorted(set(origins))
        ctx.add_array("origin", np.array([origin_names.index(o) for o in origins]), kind="label")
        ctx.set_classes("origin", origin_names)
        ctx.set_classes("label", [k.name for k in CLASSES], target=True)
        ctx.set_classes("group", list(_GROUPS))
        ctx.set_classes("source", sources)
        ctx.add_split("train", np.flatnonzero(~test))
        ctx.add_split("test", np.flatnonzero(test))
        ctx.meta.update(sample_rate=rate, window_split_classes=window_split,
                        heldout_speaker=speakers[held_speaker])


def _digit_picture(image: np.ndarray, size: int) -> np.ndarray:
    from PIL import Image as PILImage

    grey = PILImage.fromarray(np.asarray(image, dtype=np.uint8), "L").resize(
        (size, size), PILImage.Resampling.BILINEAR)
    return np.repeat(np.asarray(grey, dtype=np.uint8)[..., None], 3, axis=-1)


class ObjectPicturesBuilder(DatasetBuilder):
    name = "object-pictures"
    version = "1.0.0"
    defaults: ClassVar[dict[str, Any]] = {"tiny": False, "per_class": 160, "size": 64}
    card = DatasetCard(
        title="object-pictures: pictures of the 51 object-sounds classes",
        summary="160 pictures per class at 64x64 RGB: augmented real drawings (openclipart, "
                "GCompris, Tux Paint) of 31 instruments, augmented drawings and photos "
                "(GCompris, Tux Paint) of 10 farm animals, and MNIST digits (upscaled grey).",
        source="Debian openclipart-png, gcompris-qt-data and tuxpaint-stamps-default; MNIST "
               "from ../shared/data (checksums in the manifest).",
        license="openclipart: public domain; GCompris: GPL-3; Tux Paint: GPL-2; MNIST: CC BY-SA "
                "3.0",
        splits="by drawing: a quarter of each class's drawings (at least one) is held out; "
               "classes with one drawing split its augmentations (meta "
               "augmentation_split_classes); digits: 80% from MNIST's train images, 20% from "
               "its test images.",
        differences="Stands in for the paper's Flickr photos: isolated drawings on plain "
                    "backgrounds (photos only for the GCompris farm animals), 1-6 drawings per "
                    "class instead of 2,000 photos.",
    )

    def build(self, ctx: BuildContext) -> None:
        tiny = bool(self.params["tiny"])
        per_class = 10 if tiny else int(self.params["per_class"])
        size = int(self.params["size"])
        files = sorted({f for k in CLASSES for f in k.drawings})
        drawing_names = [*files, "mnist:train", "mnist:test"]
        recorded = set()
        cutouts: dict[str, Any] = {}
        for f in ctx.progress(files, desc="drawings", unit="drawing"):
            path = media_file(f)
            if path not in recorded:
                recorded.add(path)
                ctx.record_input(path, f"drawing source {f.split(':')[0]}")
            cutouts[f] = cutout(f, paper=not f.endswith(".webp"))
        mnist = ctx.require("mnist")
        single: list[str] = []
        images: list[np.ndarray] = []
        rows: list[tuple[int, int, bool]] = []  # class, drawing, test?
        for c, spec in enumerate(ctx.progress(CLASSES, desc="augment", unit="class")):
            rng = ctx.rng("augment", c)
            if spec.group == "digit":
                d = DIGIT_NAMES.index(spec.name)
                n_test = round(0.2 * per_class)
                for split, count in (("train", per_class - n_test), ("test", n_test)):
                    part = mnist.split(split)
                    pick = np.flatnonzero(np.asarray(part["label"]) == d)[:count]
                    for i in pick:
                        images.append(_digit_picture(part["image"][int(i)], size))
                        rows.append((c, drawing_names.index(f"mnist:{split}"), split == "test"))
                continue
            held = held_out(spec.drawings, ctx.rng("test-drawings", c))
            if not held:
                single.append(spec.name)
            for k in range(per_class):
                ref = spec.drawings[k % len(spec.drawings)]
                images.append(augment(cutouts[ref], rng, size))
                rows.append((c, drawing_names.index(ref), ref in held))
        label = np.array([c for c, _, _ in rows], dtype=np.int64)
        test = np.array([t for _, _, t in rows], dtype=bool)
        rest = np.flatnonzero(np.isin(label, [[k.name for k in CLASSES].index(s) for s in single]))
        by_aug = stratified_split(label[rest], {"train": 0.8, "test": 0.2}, ctx.rng("split"))
        test[rest[by_aug["test"]]] = True
        ctx.add_array("image", np.stack(images), kind="image")
        ctx.add_array("label", label, kind="label")
        ctx.add_array("drawing", np.array([d for _, d, _ in rows], dtype=np.int64), kind="label")
        ctx.set_classes("label", [k.name for k in CLASSES], target=True)
        ctx.set_classes("drawing", drawing_names)
        ctx.add_split("train", np.flatnonzero(~test))
        ctx.add_split("test", np.flatnonzero(test))
        ctx.meta["augmentation_split_classes"] = single

