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
from typing import TYPE_CHECKING, Any

import numpy as np

from .assignment import FaceIdentity, load_assignment
from .data import Probe, VoiceTable, probe_table
from .voiceenc import EncoderName, embed_wave

if TYPE_CHECKING:
    from engine.data.voices_table import Voice

__all__ = ["PLANS", "Utterance", "plan_table", "spare_mbrola", "synth_table", "table_for"]

#: (rate, pitch) cells: a training cell and a held-out one (odd parity in the 5 x 5 grid).
TRAIN_CELL = (1.0, 1.0)
HELD_OUT_CELL = (1.12, 0.94)


@dataclass(frozen=True)
class Utterance:
    face: str  # Olivetti name; for a ``spare`` utterance the voice id (engine/voice)
    role: str  # train / known-test / unseen / spare
    sentence: int  # index into the data set's six sentences
    cell: tuple[float, float]


def _plan(train: list[str], test: list[str], train_sentences: tuple[int, ...],
          known: tuple[int, ...], unseen: tuple[int, ...],
          spare: tuple[str, ...] = ()) -> tuple[Utterance, ...]:
    out = [Utterance(f, "train", k, TRAIN_CELL) for f in train for k in train_sentences]
    out += [Utterance(f, "known-test", k, HELD_OUT_CELL) for f in train for k in known]
    out += [Utterance(f, "unseen", k, HELD_OUT_CELL) for f in test for k in unseen]
    out += [Utterance(v, "spare", k, TRAIN_CELL) for v in spare for k in train_sentences]
    return tuple(out)


def spare_mbrola() -> tuple[str, ...]:
    """One woman's and one man's mbrola voice whose person is assigned to no face."""
    from engine.data.voices_table import discover_voices

    taken = {f.voice_identity for f in load_assignment().faces}
    free = sorted((v for v in discover_voices() if v.engine == "mbrola"
                   and v.identity not in taken), key=lambda v: v.id)
    return tuple(next(v.id for v in free if v.gender == g) for g in ("female", "male"))


def _faces(split: str) -> list[str]:
    return [f.face for f in load_assignment().split(split)]  # type: ignore[arg-type]


#: ``tiny``: the test preset (4 training and 2 test identities, both genders each; mbrola
#: voices only, the quickest to start);
#: ``quality``: the quality test (15 training identities, every test identity).
PLANS = {
    "tiny": lambda: _plan(["s1", "s2", "s10", "s4"], ["s8", "s9"], (0, 1), (4,), (4,),
                          spare_mbrola()),
    "quality": lambda: _plan(_faces("train")[:15], _faces("test"), (), (4, 5), (4, 5)),
}


def _probe(utt: Utterance, faces: dict[str, FaceIdentity], voices: dict[str, Voice],
           seed: int) -> Probe:
    """Speak ``utt`` with the data set's texts and a seeded recording jitter."""
    from engine.data.voices import SENTENCES
    from engine.data.voices_synth import apply_jitter, draw_jitter

    from .speech import synthesise

    face = faces.get(utt.face)
    voice_id = face.voices[0] if face is not None else utt.face
    voice = voices.get(voice_id)
    english = voice is not None and voice.language == "en"
    text = SENTENCES["en" if english else "other"][utt.sentence]
    clip = synthesise(voice_id, text, *utt.cell)
    if face is None:  # a spare voice: jitter keyed by its name, apart from the faces' keys
        rng = np.random.default_rng([seed, 1000, utt.sentence, *voice_id.encode()])
        index, gender = -1, voices[voice_id].gender
    else:
        rng = np.random.default_rng([seed, face.index, utt.sentence])
        index, gender = face.index, face.gender
    return Probe(utt.role, index, "sentence", gender, apply_jitter(clip, draw_jitter(rng), rng))


def plan_table(plan: tuple[Utterance, ...], encoder: EncoderName = "resemblyzer",
               seed: int = 0) -> VoiceTable:
    """Speak and embed every utterance of ``plan``."""
    from engine.data.voices_table import discover_voices

    faces = {f.face: f for f in load_assignment().faces}
    voices = {v.id: v for v in discover_voices()}
    rows = [_probe(u, faces, voices, seed) for u in plan]
    return probe_table(np.stack([embed_wave(r.clip, encoder) for r in rows]), rows)


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
