"""``fsdd``: the Free Spoken Digit Dataset, 3,000 recordings of 6 speakers, official split.

The official split is by take (index 0-4 test, 5-49 train), not by speaker:
every speaker appears in both halves, as in the aivae paper's use of FSDD.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError
from .audio import load_clip, to_int16
from .builder import BuildContext, DatasetBuilder
from .cards import DatasetCard
from .checksums import tree_files
from .sources import Source

__all__ = ["FSDD_RECORDINGS", "FsddBuilder", "parse_fsdd_name", "read_speaker_metadata"]

_VERSION_TAG = "1.0.10"
FSDD_RECORDINGS = Source(
    "fsdd", "ddb17656a0bca4c5ddace082be188ca630516dc2ef1110afe3c4e9cc71173de4",
    urls=(f"https://github.com/Jakobovski/free-spoken-digit-dataset/archive/refs/tags/"
          f"v{_VERSION_TAG}.tar.gz",),
    pattern="recordings/*.wav",
    archive_root=f"free-spoken-digit-dataset-{_VERSION_TAG}",
)
SAMPLE_RATE = 8000
_NAME = re.compile(r"^(\d)_([a-z]+)_(\d+)\.wav$")


def parse_fsdd_name(name: str) -> tuple[int, str, int]:
    """``"7_theo_12.wav"`` -> ``(7, "theo", 12)``."""
    match = _NAME.match(name)
    if match is None:
        raise DataError(f"{name}: not an FSDD recording name (digit_speaker_index.wav)")
    return int(match[1]), match[2], int(match[3])


def read_speaker_metadata(path: Path) -> dict[str, dict[str, Any]]:
    """The speaker table of FSDD's ``metadata.py``, read as a literal (never executed)."""
    if not path.is_file():
        return {}
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in tree.body:
        if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == "metadata" for t in node.targets):
            value = ast.literal_eval(node.value)
            return value if isinstance(value, dict) else {}
    return {}


class FsddBuilder(DatasetBuilder):
    name = "fsdd"
    version = "1.0.0"
    sources = (FSDD_RECORDINGS,)
    card = DatasetCard(
        title="fsdd: Free Spoken Digit Dataset",
        summary="3,000 recordings of spoken digits 0-9: 6 male speakers x 10 digits x 50 "
                "takes, mono 8 kHz, stored as int16 clips of their own length (0.14-2.3 s), "
                "with digit, speaker and take labels.",
        source="Z. Jackson et al., github.com/Jakobovski/free-spoken-digit-dataset "
               f"(v{_VERSION_TAG}), recordings verified by a sha256 over all WAV files.",
        license="CC BY-SA 4.0",
        splits="the official split: takes 0-4 test (300 clips), takes 5-49 train (2,700); "
               "speakers appear in both.",
        differences="The aivae paper's own FSDD data (many-to-one set); this is the 6-speaker, "
                    "3,000-clip release, which may be larger than the copy the paper used.",
    )

    def build(self, ctx: BuildContext) -> None:
        root = ctx.source(FSDD_RECORDINGS)
        files = tree_files(root, "recordings/*.wav")
        parsed = [parse_fsdd_name(f.name) for f in files]
        speakers = sorted({s for _, s, _ in parsed})
        clips = [to_int16(load_clip(f, SAMPLE_RATE))
                 for f in ctx.progress(files, desc="decode", unit="clip")]
        ctx.add_ragged("audio", clips, kind="audio", dtype=np.int16)
        ctx.add_array("digit", np.array([d for d, _, _ in parsed], dtype=np.int64), kind="label")
        ctx.add_array("speaker", np.array([speakers.index(s) for _, s, _ in parsed],
                                          dtype=np.int64), kind="label")
        takes = np.array([t for _, _, t in parsed], dtype=np.int64)
        ctx.add_array("take", takes, kind="value")
        ctx.set_classes("digit", [str(d) for d in range(10)], target=True)
        ctx.set_classes("speaker", speakers)
        ctx.add_split("train", np.flatnonzero(takes >= 5))
        ctx.add_split("test", np.flatnonzero(takes < 5))
        ctx.meta.update(sample_rate=SAMPLE_RATE,
                        speakers=read_speaker_metadata(root / "metadata.py"))
