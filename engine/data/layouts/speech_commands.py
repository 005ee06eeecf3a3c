"""``speech-commands``: Google Speech Commands in its published layout (one folder per word).

Writes the fields of ``tts-digits`` (16 kHz int16 clips, digit, speaker) from
the ten digit words; the official ``validation_list.txt`` / ``testing_list.txt``
give the splits (Speech Commands assigns whole speakers to one split by a hash
of their id, so these are speaker-disjoint).
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from ..audio import load_clip, to_int16
from ..builder import BuildContext, DatasetBuilder
from ..cards import DatasetCard
from ..tts import DIGIT_WORDS
from .common import cap_per_class, user_root

__all__ = ["SpeechCommandsBuilder"]

SAMPLE_RATE = 16000


class SpeechCommandsBuilder(DatasetBuilder):
    name = "speech-commands"
    version = "1.0.0"
    needs_user_data = True
    defaults: ClassVar[dict[str, Any]] = {"root": "", "limit": 0}
    card = DatasetCard(
        title="speech-commands: Speech Commands digits (your copy)",
        summary="Reads the zero..nine word folders of Speech Commands (v0.01 or v0.02), "
                "16 kHz int16 clips with digit and speaker labels.",
        source="P. Warden, download.tensorflow.org/data/speech_commands_v0.0{1,2}.tar.gz",
        license="CC BY 4.0",
        splits="the official lists: validation_list.txt -> valid, testing_list.txt -> test, "
               "the rest train (speaker-disjoint by construction).",
        differences="This is the paper's data set; limit=N keeps N clips per digit.",
    )

    def build(self, ctx: BuildContext) -> None:
        root = user_root(self, "speech_commands", "*/*_nohash_*.wav")
        listed = {}
        for split, name in (("valid", "validation_list.txt"), ("test", "testing_list.txt")):
            path = root / name
            if path.is_file():
                for line in path.read_text().split():
                    listed[line.strip()] = split
        rows = []
        for d, word in enumerate(DIGIT_WORDS):
            for wav in sorted((root / word).glob("*.wav")):
                rel = f"{word}/{wav.name}"
                rows.append((d, wav.name.split("_nohash_")[0], listed.get(rel, "train"), wav))
        rows = cap_per_class(rows, lambda r: r[0], int(self.params["limit"]))
        speakers = sorted({r[1] for r in rows})
        clips = [to_int16(load_clip(r[3], SAMPLE_RATE))
                 for r in ctx.progress(rows, desc="decode", unit="clip")]
        ctx.add_ragged("audio", clips, kind="audio", dtype=np.int16)
        ctx.add_array("digit", np.array([r[0] for r in rows], dtype=np.int64), kind="label")
        ctx.add_array("speaker", np.array([speakers.index(r[1]) for r in rows], dtype=np.int64),
                      kind="label")
        ctx.set_classes("digit", [str(d) for d in range(10)], target=True)
        ctx.set_classes("speaker", speakers)
        for split in ("train", "valid", "test"):
            idx = [i for i, r in enumerate(rows) if r[2] == split]
            if idx:
                ctx.add_split(split, idx)
        ctx.meta.update(sample_rate=SAMPLE_RATE, words=list(DIGIT_WORDS), root=str(root))
