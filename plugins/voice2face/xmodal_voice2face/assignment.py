"""Which voice speaks for which face, and which faces are held out: the plugin's own identities.

The paper pairs VoxCeleb voices with VGGFace photos of the *same* celebrities.
Here the faces are Olivetti's 40 people (36 men, 4 women: s8, s10, s32, s35)
and the voices are the ``voices`` data set's identities, so the pairing has to
be assigned: every face gets one gender-matched voice identity, drawn with a
fixed seed. Nothing but gender links a voice to its face, which is why
matching unseen identities can beat chance only through gender.

The identity split is stratified by gender (the data layer's Olivetti split
holds only one woman out): 28 men + 2 women train, 8 men + 2 women test.

The assignment is written once (``xmodal voice2face assign``) into
``assignment.json`` beside this module and read from there, so training,
evaluation, tests and the demo agree on it without the ``voices`` data set
being built (a clean CI machine has only the synthesisers).
"""

from __future__ import annotations

import functools
import json
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

if TYPE_CHECKING:
    from engine.data import Dataset

__all__ = [
    "ASSIGNMENT_FILE",
    "FEMALE_FACES",
    "Assignment",
    "FaceIdentity",
    "build_assignment",
    "load_assignment",
]

ASSIGNMENT_FILE = Path(__file__).parent / "assignment.json"
#: Olivetti's women (checked by viewing all 40 identities); the other 36 are men.
FEMALE_FACES = ("s8", "s10", "s32", "s35")
#: Test identities per gender: 8 of the 36 men, 2 of the 4 women.
TEST_PER_GENDER = {"male": 8, "female": 2}
FACES = tuple(f"s{i}" for i in range(1, 41))

Split = Literal["train", "test"]


@dataclass(frozen=True)
class FaceIdentity:
    """One Olivetti person, the voice identity assigned to them, and their split."""

    face: str  # Olivetti class name, s1..s40
    index: int  # position in Olivetti's identity classes
    gender: str  # male / female
    split: Split
    voice_identity: str  # a ``voices`` identity name
    voices: tuple[str, ...]  # its voice ids (engine/voice), e.g. ("mbrola/mb-fr1",)


@dataclass(frozen=True)
class Assignment:
    """All 40 faces, with helpers for the two splits."""

    faces: tuple[FaceIdentity, ...]
    seed: int

    def split(self, split: Split) -> list[FaceIdentity]:
        return [f for f in self.faces if f.split == split]

    def train_index(self) -> dict[int, int]:
        """Olivetti index -> class label of the GAN's classifier (train faces, in order)."""
        return {f.index: k for k, f in enumerate(self.split("train"))}

    def genders(self) -> dict[int, str]:
        """Olivetti index -> ``male`` / ``female``, for all 40 faces."""
        return {f.index: f.gender for f in self.faces}

    def by_voice_identity(self) -> dict[str, FaceIdentity]:
        return {f.voice_identity: f for f in self.faces}

    @property
    def num_train(self) -> int:
        return len(self.split("train"))


def build_assignment(voices: Dataset, seed: int = 0) -> dict[str, Any]:
    """The assignment (as written to ``assignment.json``) from a built ``voices`` data set.

    Only synthesised identities are drawn (FSDD's six men say only digit words
    and cannot be re-synthesised for a test); every draw is seeded.
    """
    rng = np.random.default_rng(seed)
    meta = voices.meta
    gender_of: dict[str, str] = meta["identity_gender"]
    voices_of: dict[str, list[str]] = {}
    for vid, m in sorted(meta["voices"].items()):
        if m["engine"] != "fsdd":
            voices_of.setdefault(m["identity"], []).append(vid)
    faces: dict[str, dict[str, Any]] = {}
    for gender in ("female", "male"):
        names = [f for f in FACES if (f in FEMALE_FACES) == (gender == "female")]
        pool = sorted(i for i in voices_of if gender_of[i] == gender)
        drawn = rng.choice(len(pool), size=len(names), replace=False)
        test = set(rng.choice(len(names), size=TEST_PER_GENDER[gender], replace=False).tolist())
        for k, (face, d) in enumerate(zip(names, drawn.tolist(), strict=True)):
            ident = pool[d]
            faces[face] = {"gender": gender, "split": "test" if k in test else "train",
                           "voice_identity": ident, "voices": voices_of[ident]}
    return {"seed": seed, "voices_fingerprint": voices.manifest.fingerprint,
            "faces": {f: faces[f] for f in FACES}}


@functools.cache
def load_assignment(path: Path = ASSIGNMENT_FILE) -> Assignment:
    """The committed assignment (see the module docstring)."""
    raw = json.loads(path.read_text(encoding="utf-8"))
    faces = tuple(
        FaceIdentity(face=name, index=FACES.index(name), gender=f["gender"], split=f["split"],
                     voice_identity=f["voice_identity"], voices=tuple(f["voices"]))
        for name, f in raw["faces"].items())
    return Assignment(faces=faces, seed=int(raw["seed"]))
