"""Probes synthesised on the spot: the few utterances a test needs, without building ``voices``.

Building the whole ``voices`` data set takes about 8 minutes; a clean CI
machine has the synthesisers but not the build. The ``test`` preset and the
quality test therefore speak a handful of probes themselves, with the same
voices, texts and prosody grid as the data set (held-out sentences 4-5 at a
held-out prosody cell for the known-speaker trials, as there), and with the
data set's recording jitter drawn from a seeded generator.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any

import numpy as np

from .assignment import FaceIdentity, load_assignment
from .data import VoiceTable
from .voiceenc import EncoderName, embed_wave

__all__ = ["PLANS", "Utterance", "plan_table", "synth_table", "table_for"]

#: (rate, pitch) cells: a training cell and a held-out one (odd parity in the 5 x 5 grid).
TRAIN_CELL = (1.0, 1.0)
HELD_OUT_CELL = (1.12, 0.94)


@dataclass(frozen=True)
class Utterance:
    face: str
    role: str  # train / known-test / unseen
    sentence: int  # index into the data set's six sentences
    cell: tuple[float, float]


def _plan(train: list[str], test: list[str], train_sentences: tuple[int, ...],
          known: tuple[int, ...], unseen: tuple[int, ...]) -> tuple[Utterance, ...]:
    out = [Utterance(f, "train", k, TRAIN_CELL) for f in train for k in train_sentences]
    out += [Utterance(f, "known-test", k, HELD_OUT_CELL) for f in train for k in known]
    out += [Utterance(f, "unseen", k, HELD_OUT_CELL) for f in test for k in unseen]
    return tuple(out)


def _faces(split: str) -> list[str]:
    return [f.face for f in load_assignment().split(split)]  # type: ignore[arg-type]


#: ``tiny``: the test preset (4 training and 2 test identities, both genders each; mbrola
#: voices only, the quickest to start);
#: ``quality``: the quality test (15 training identities, every test identity).
PLANS = {
    "tiny": lambda: _plan(["s1", "s2", "s10", "s4"], ["s8", "s9"], (0, 1), (4,), (4,)),
    "quality": lambda: _plan(_faces("train")[:15], _faces("test"), (), (4, 5), (4, 5)),
}


def _speak(face: FaceIdentity, utt: Utterance, seed: int) -> np.ndarray:
    from engine.data.voices import SENTENCES
    from engine.data.voices_synth import apply_jitter, draw_jitter
    from engine.data.voices_table import discover_voices

    from .speech import synthesise

    voices = {v.id: v for v in discover_voices()}
    voice = voices.get(face.voices[0])
    english = voice is not None and voice.language == "en"
    text = SENTENCES["en" if english else "other"][utt.sentence]
    clip = synthesise(face.voices[0], text, *utt.cell)
    rng = np.random.default_rng([seed, face.index, utt.sentence])
    return apply_jitter(clip, draw_jitter(rng), rng)


def plan_table(plan: tuple[Utterance, ...], encoder: EncoderName = "resemblyzer",
               seed: int = 0) -> VoiceTable:
    """Speak and embed every utterance of ``plan``."""
    faces = {f.face: f for f in load_assignment().faces}
    clips = [_speak(faces[u.face], u, seed) for u in plan]
    return VoiceTable(np.stack([embed_wave(c, encoder) for c in clips]),
                      np.array([faces[u.face].index for u in plan]),
                      np.array([u.role for u in plan]), np.array(["sentence"] * len(plan)),
                      np.array([len(c) / 16000 for c in clips], dtype=np.float32))


@functools.cache
def synth_table(name: str, encoder: EncoderName = "resemblyzer", seed: int = 0) -> VoiceTable:
    """The named plan's table, once per process."""
    return plan_table(PLANS[name](), encoder, seed)


def table_for(source: str, encoder: EncoderName, seed: int) -> Any:
    """The probes of a run: the built data set's (``voices``) or the tiny synthesised set."""
    if source == "synth":
        return synth_table("tiny", encoder, seed)
    from .data import voice_table

    return voice_table(encoder, seed)
