"""``nsynth``: the NSynth data set in its published layout (``nsynth-*/examples.json`` + wavs).

Writes the fields of ``gm-notes`` (audio float16 [N, samples], pitch, midi,
velocity, family, instrument) so face2nsynth trains on either. NSynth's own
splits are kept: its valid/test instruments are not in train.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ...errors import DataError
from ..audio import load_clip
from ..builder import BuildContext, DatasetBuilder
from ..cards import DatasetCard
from ..gm import FAMILIES
from .common import cap_per_class, user_root

__all__ = ["NsynthBuilder"]

_SPLITS = ("train", "valid", "test")


class NsynthBuilder(DatasetBuilder):
    name = "nsynth"
    version = "1.0.0"
    needs_user_data = True
    defaults: ClassVar[dict[str, Any]] = {
        "root": "", "samples": 8192, "min_pitch": 24, "max_pitch": 84, "limit": 0,
    }
    card = DatasetCard(
        title="nsynth: the NSynth data set (your copy)",
        summary="Reads nsynth-{train,valid,test}/examples.json and audio/*.wav; keeps the "
                "10 families of gm-notes (synth_lead is dropped), MIDI 24-84 and the first "
                "8192 samples of each 4 s note, as float16.",
        source="magenta.tensorflow.org/datasets/nsynth (download the json/wav archives).",
        license="CC BY 4.0 (Google)",
        splits="NSynth's own train / valid / test folders.",
        differences="This is the paper's data set; limit=N keeps N notes per family and split.",
    )

    def build(self, ctx: BuildContext) -> None:
        root = user_root(self, "nsynth", "nsynth-*/examples.json")
        lo, hi = int(self.params["min_pitch"]), int(self.params["max_pitch"])
        samples, limit = int(self.params["samples"]), int(self.params["limit"])
        rows: list[tuple[str, dict[str, Any], str]] = []
        for split in _SPLITS:
            folder = root / f"nsynth-{split}"
            if not (folder / "examples.json").is_file():
                continue
            try:
                examples = json.loads((folder / "examples.json").read_text())
            except (OSError, ValueError) as exc:
                raise DataError(f"{folder / 'examples.json'}: unreadable ({exc})") from exc
            chosen = [(split, ex, str(folder / "audio" / f"{key}.wav"))
                      for key, ex in sorted(examples.items())
                      if ex.get("instrument_family_str") in FAMILIES
                      and lo <= int(ex["pitch"]) <= hi]
            rows += cap_per_class(chosen, lambda r: r[1]["instrument_family_str"], limit)
        if not rows:
            raise DataError(f"nsynth: no notes of the 10 families with pitch {lo}-{hi} in {root}")
        audio = ctx.create_array("audio", (len(rows), samples), np.float16, kind="audio")
        for i, (_, ex, path) in enumerate(ctx.progress(rows, desc="decode", unit="note")):
            clip = load_clip(Path(path), int(ex.get("sample_rate", 16000)))[:samples]
            audio[i, : len(clip)] = clip.astype(np.float16)
        midi = np.array([int(ex["pitch"]) for _, ex, _ in rows], dtype=np.int64)
        instruments = sorted({ex["instrument_str"] for _, ex, _ in rows})
        ctx.add_array("pitch", midi - lo, kind="label")
        ctx.add_array("midi", midi, kind="value")
        ctx.add_array("velocity", np.array([int(ex["velocity"]) for _, ex, _ in rows]),
                      kind="value")
        ctx.add_array("family", np.array([FAMILIES.index(ex["instrument_family_str"])
                                          for _, ex, _ in rows]), kind="label")
        ctx.add_array("instrument", np.array([instruments.index(ex["instrument_str"])
                                              for _, ex, _ in rows]), kind="label")
        ctx.set_classes("family", list(FAMILIES), target=True)
        ctx.set_classes("pitch", [str(p) for p in range(lo, hi + 1)])
        ctx.set_classes("instrument", instruments)
        for split in _SPLITS:
            idx = [i for i, (s, _, _) in enumerate(rows) if s == split]
            if idx:
                ctx.add_split(split, idx)
        ctx.meta.update(sample_rate=16000, samples=samples, root=str(root))
