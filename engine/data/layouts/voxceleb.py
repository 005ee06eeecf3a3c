"""``voxceleb1``: VoxCeleb1 in its published layout (``wav/<speaker>/<video>/<n>.wav``).

Writes speaker-labelled 16 kHz int16 clips (like ``fsdd``'s speaker field),
plus the video each clip comes from and, with ``vox1_meta.csv``, the gender.
Splits: the meta file's Set column (dev -> train, test -> test: identity-
disjoint, the voice2face protocol for unseen identities), else
``iden_split.txt`` (1 train, 2 valid, 3 test: the identification protocol,
same speakers), else everything is train.
"""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from ..audio import load_clip, to_int16
from ..builder import BuildContext, DatasetBuilder
from ..cards import DatasetCard
from .common import cap_per_class, user_root

__all__ = ["VoxCeleb1Builder", "read_vox1_meta"]

SAMPLE_RATE = 16000


def read_vox1_meta(path: Path) -> dict[str, dict[str, str]]:
    """``vox1_meta.csv`` (tab-separated) as speaker id -> {name, gender, nationality, set}."""
    if not path.is_file():
        return {}
    with open(path, newline="", encoding="utf-8") as fh:
        rows = list(csv.reader(fh, delimiter="\t"))
    out = {}
    for row in rows[1:]:
        if len(row) >= 5:
            out[row[0].strip()] = {"name": row[1].strip(), "gender": row[2].strip(),
                                   "nationality": row[3].strip(), "set": row[4].strip()}
    return out


class VoxCeleb1Builder(DatasetBuilder):
    name = "voxceleb1"
    version = "1.0.0"
    needs_user_data = True
    defaults: ClassVar[dict[str, Any]] = {"root": "", "limit": 0, "max_seconds": 8.0}
    card = DatasetCard(
        title="voxceleb1: VoxCeleb1 speech (your copy)",
        summary="Reads wav/<speaker>/<video>/<n>.wav (+ vox1_meta.csv, iden_split.txt); "
                "16 kHz int16 clips cut to max_seconds, with speaker, video and gender.",
        source="A. Nagrani et al., robots.ox.ac.uk/~vgg/data/voxceleb (registration needed).",
        license="CC BY 4.0 (metadata); audio from YouTube, research use",
        splits="vox1_meta.csv Set column (identity-disjoint), else iden_split.txt.",
        differences="This is the voice2face paper's voice data; limit=N keeps N clips per "
                    "speaker.",
    )

    def build(self, ctx: BuildContext) -> None:
        root = user_root(self, "voxceleb1", "wav/id*/*/*.wav")
        meta = read_vox1_meta(root / "vox1_meta.csv")
        iden: dict[str, str] = {}
        if (root / "iden_split.txt").is_file():
            names = {"1": "train", "2": "valid", "3": "test"}
            for line in (root / "iden_split.txt").read_text().splitlines():
                parts = line.split()
                if len(parts) == 2:
                    iden[parts[1]] = names.get(parts[0], "train")
        files = sorted((root / "wav").glob("id*/*/*.wav"))
        rows = [(f.parent.parent.name, f.parent.name, f) for f in files]
        rows = cap_per_class(rows, lambda r: r[0], int(self.params["limit"]))
        keep = int(float(self.params["max_seconds"]) * SAMPLE_RATE)
        clips = [to_int16(load_clip(r[2], SAMPLE_RATE)[:keep])
                 for r in ctx.progress(rows, desc="decode", unit="clip")]
        speakers = sorted({r[0] for r in rows})
        videos = sorted({f"{r[0]}/{r[1]}" for r in rows})
        ctx.add_ragged("audio", clips, kind="audio", dtype=np.int16)
        ctx.add_array("speaker", np.array([speakers.index(r[0]) for r in rows], dtype=np.int64),
                      kind="label")
        ctx.add_array("video", np.array([videos.index(f"{r[0]}/{r[1]}") for r in rows],
                                        dtype=np.int64), kind="label")
        ctx.set_classes("speaker", speakers, target=True)
        ctx.set_classes("video", videos)
        genders = sorted({m["gender"] for m in meta.values()})
        if meta:
            ctx.add_array("gender", np.array([genders.index(meta[r[0]]["gender"])
                                              if r[0] in meta else -1 for r in rows]),
                          kind="value")
            ctx.meta["genders"] = genders
            split_of = ["test" if meta.get(r[0], {}).get("set") == "test" else "train"
                        for r in rows]
        else:
            split_of = [iden.get(f"{r[0]}/{r[1]}/{r[2].name}", "train") for r in rows]
        for split in ("train", "valid", "test"):
            idx = [i for i, s in enumerate(split_of) if s == split]
            if idx:
                ctx.add_split(split, idx)
        ctx.meta.update(sample_rate=SAMPLE_RATE, root=str(root),
                        speakers={k: v for k, v in meta.items() if k in speakers})
