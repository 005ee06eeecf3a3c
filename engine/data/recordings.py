"""``instrument-recordings``: real instrument recordings from GCompris and Tux Paint.

Every other instrument sound in the data layer is rendered from soundfonts;
these are the only real recordings reachable offline, one or two per
instrument (GCompris's instrument activity has 26, Tux Paint's music stamps
6). They are far too few to train on, and that is not their job: they are an
out-of-domain test, asking whether a model trained on rendered notes still
hears a real cello. Files are found by listing the packages, so a newer
package with more recordings is picked up; names are normalised to the
data layer's instrument names (``flute_traversiere`` -> ``flute``).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .debian_media import media_file, read_recording, tuxpaint_stamps
from .rcc import RccArchive

__all__ = ["InstrumentRecordingsBuilder", "instrument_recordings"]

#: Package file stem -> instrument name, where the two differ.
RENAMES = {
    "flute_traversiere": "flute", "drum_kit": "drum kit", "drumkit": "drum kit",
    "electric_guitar": "electric guitar", "snare_drum": "snare drum", "cymbal_crash": "cymbal",
    "drum_tomtom_floor": "tom",
}


def instrument_recordings() -> list[tuple[str, str]]:
    """``(media reference, instrument)`` of every real instrument recording installed."""
    found: list[tuple[str, str]] = []
    rcc = RccArchive(media_file("gcompris:instruments/"))
    for name in rcc.names(".ogg"):
        if "/instruments/resource/" in name:
            stem = name.rsplit("/", 1)[1][:-4]
            found.append((f"gcompris:instruments/{stem}.ogg", RENAMES.get(stem, stem)))
    music = tuxpaint_stamps() / "hobbies" / "music"
    for path in sorted(music.rglob("*.ogg")):
        if "_desc_" in path.name:  # spoken descriptions of the stamp, not the instrument
            continue
        ref = f"tuxpaint:{path.relative_to(tuxpaint_stamps()).as_posix()}"
        found.append((ref, RENAMES.get(path.stem, path.stem).replace("_", " ")))
    return found


class InstrumentRecordingsBuilder(DatasetBuilder):
    name = "instrument-recordings"
    version = "1.0.0"
    defaults: ClassVar[dict[str, Any]] = {"sample_rate": 44100}
    card = DatasetCard(
        title="instrument-recordings: real recordings of instruments (an out-of-domain test)",
        summary="Every instrument recording in Debian's GCompris instrument activity (26 "
                "instruments, one recording each) and Tux Paint's music stamps (cello, violin, "
                "bassoon, cymbal, tom, drum kit), mono, resampled to 44.1 kHz, full length "
                "(3-12 s). Ten of the 13 URMP instruments have a recording (not viola, double "
                "bass or oboe).",
        source="Debian gcompris-qt-data (instruments.rcc) and tuxpaint-stamps-default "
               "(hobbies/music); checksums in the manifest.",
        license="GCompris: GPL (drum_kit.ogg: Creative Commons Sampling Plus 1.0, per the "
                "activity's README); Tux Paint stamps: GPL-2",
        splits="one split, all: a test set only, never for training.",
        differences="Real solo recordings, one or two per instrument, of mixed quality and "
                    "length, some with reverb or several notes at once; nothing like URMP's "
                    "hours of separated ensemble performances.",
    )

    def build(self, ctx: BuildContext) -> None:
        from .audio import to_int16

        rate = int(self.params["sample_rate"])
        found = instrument_recordings()
        recorded = set()
        clips, names, sources = [], [], []
        for ref, instrument in ctx.progress(found, desc="decode", unit="recording"):
            path = media_file(ref)
            if path not in recorded:
                recorded.add(path)
                ctx.record_input(path, f"recordings source {ref.split(':')[0]}")
            clips.append(to_int16(np.clip(read_recording(ref, rate), -1, 1)))
            names.append(instrument)
            sources.append(ref.split(":")[0])
        classes = sorted(set(names))
        source_names = sorted(set(sources))
        ctx.add_ragged("audio", clips, kind="audio")
        ctx.add_array("instrument", np.array([classes.index(n) for n in names]), kind="label")
        ctx.add_array("source", np.array([source_names.index(s) for s in sources]),
                      kind="label")
        ctx.set_classes("instrument", classes, target=True)
        ctx.set_classes("source", source_names)
        ctx.add_split("all", np.arange(len(clips)))
        ctx.meta.update(sample_rate=rate, files=[ref for ref, _ in found])
