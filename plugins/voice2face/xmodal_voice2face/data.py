"""Training and test data: voice embeddings of the assigned identities, and their faces.

The encoder is frozen, so every voice is embedded once and cached
(``$XMODAL_CACHE_DIR/voice2face/``); a GAN step then costs no encoder time.

Voices are embedded as *probes* of a few seconds, since most ``voices`` clips
are single digit words of 0.4 s, too short for a speaker encoder (see
docs/datasets.md): a sentence, or one take of the ten digits joined (as the
data layer's distinctness report does). Training voices add
:data:`AUGMENTED_PER_IDENTITY` random 3-8 s joins of an identity's
``known-train`` clips, standing in for the paper's random 3-8 s crops.

Roles of the probes:

- ``train``: the training identities' ``known-train`` probes and joins;
- ``known-test``: the training identities' ``known-test`` probes (held-out
  texts or takes and held-out prosody cells): the known-speaker test;
- ``unseen``: every probe of the test identities, who are never heard in
  training (the gender and test-matching trials);
- ``spare``: every probe of the ``voices`` identities assigned to no face
  (70 of 110: 41 women, 29 men). They are no test identity's voice; the
  recipe's ``spare_voices`` option trains F_g on them with their gender only
  (``face`` is -1 on these rows).

Faces: Olivetti's 10 photos per person, grey repeated to 3 channels, 64x64
in [-1, 1] (the paper's (x - 127.5) / 127.5).
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import torch

from .assignment import Assignment, load_assignment
from .voiceenc import EncoderName, embed_wave

__all__ = [
    "AUGMENTED_PER_IDENTITY",
    "Probe",
    "VoiceTable",
    "VoiceTrainSet",
    "face_tensors",
    "probe_audio",
    "probe_table",
    "voice_table",
]

AUGMENTED_PER_IDENTITY = 40
_GAP = np.zeros(1600, dtype=np.float32)  # 0.1 s between joined clips
_CACHE_VERSION = 2


@dataclass
class VoiceTable:
    """Embedded probes: one row per probe."""

    embedding: np.ndarray  # [N, D] float32, unit norm
    face: np.ndarray  # [N] Olivetti identity index of the probe's speaker (-1: spare)
    role: np.ndarray  # [N] "train" | "known-test" | "unseen" | "spare"
    kind: np.ndarray  # [N] "sentence" | "digits" | "join"
    seconds: np.ndarray  # [N]
    gender: np.ndarray  # [N] the speaker's "male" | "female"

    def select(self, role: str) -> tuple[np.ndarray, np.ndarray]:
        keep = self.role == role
        return self.embedding[keep], self.face[keep]

    def spare(self) -> tuple[np.ndarray, np.ndarray]:
        """Embeddings of the ``spare`` probes and whether each speaker is a woman."""
        keep = self.role == "spare"
        return self.embedding[keep], self.gender[keep] == "female"


def _join(audio: Any, items: np.ndarray | list[int]) -> np.ndarray:
    parts = [np.asarray(audio[int(i)], dtype=np.float32) / 32768.0 for i in items]
    return np.concatenate([x for p in parts for x in (p, _GAP)][:-1])


@dataclass(frozen=True)
class Probe:
    """One probe before embedding: its role, speaker and clip."""

    role: str
    face: int  # Olivetti index, -1 for a spare voice
    kind: str
    gender: str
    clip: np.ndarray


def probe_audio(voices: Any, assignment: Assignment, seed: int = 0,
                augmented: int = AUGMENTED_PER_IDENTITY) -> list[Probe]:
    """Every probe, in a fixed order: the assigned identities', then the spare voices'."""
    from engine.data.voices_report import probes

    names = voices.classes["identity"]
    genders = voices.classes["gender"]
    ident = np.asarray(voices["identity"])
    gender = np.asarray(voices["gender"])
    faces = assignment.by_voice_identity()
    audio = voices["audio"]
    out: list[Probe] = []
    for split in ("known-train", "known-test"):
        for kind, items in probes(voices, split):
            face = faces.get(names[int(ident[items[0]])])
            sex = genders[int(gender[items[0]])]
            if face is None:
                out.append(Probe("spare", -1, kind, sex, _join(audio, items)))
                continue
            role = "unseen" if face.split == "test" else ("train" if split == "known-train"
                                                          else "known-test")
            out.append(Probe(role, face.index, kind, sex, _join(audio, items)))
    rng = np.random.default_rng(seed)
    known_train = np.asarray(voices.split("known-train").indices)
    lengths = np.asarray(audio.lengths)
    for face in assignment.split("train"):
        k = names.index(face.voice_identity)
        pool = known_train[ident[known_train] == k]
        for _ in range(augmented):
            target = rng.uniform(3.0, 8.0) * 16000
            order = rng.permutation(pool)
            total = np.cumsum(lengths[order] + len(_GAP))
            order = order[: int(np.searchsorted(total, target)) + 1]
            out.append(Probe("train", face.index, "join", face.gender, _join(audio, order)))
    return out


def _cache_file(voices: Any, encoder: EncoderName, seed: int) -> Path:
    from engine.catalogue import user_cache_dir

    key = json.dumps([_CACHE_VERSION, voices.manifest.fingerprint, encoder, seed,
                      AUGMENTED_PER_IDENTITY,
                      [(f.face, f.voice_identity, f.split) for f in load_assignment().faces]])
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return Path(user_cache_dir()) / "voice2face" / f"probes-{encoder}-{digest}.npz"


def voice_table(encoder: EncoderName = "resemblyzer", seed: int = 0,
                progress: bool = True) -> VoiceTable:
    """Every probe of the assigned identities, embedded once with the frozen ``encoder``."""
    from engine import data
    from engine.fileio import atomic_path

    voices = data.load("voices")
    path = _cache_file(voices, encoder, seed)
    if path.is_file():
        z = np.load(path)
        return VoiceTable(*(z[k] for k in _TABLE_FIELDS))
    from tqdm.auto import tqdm

    rows = probe_audio(voices, load_assignment(), seed)
    emb = np.stack([embed_wave(r.clip, encoder) for r in
                    tqdm(rows, desc="voice2face: embed probes", unit="probe", disable=not progress)])
    table = probe_table(emb, rows)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp, open(tmp, "wb") as fh:
        np.savez(fh, **{k: getattr(table, k) for k in _TABLE_FIELDS})
    return table


_TABLE_FIELDS = ("embedding", "face", "role", "kind", "seconds", "gender")


def probe_table(embedding: np.ndarray, rows: list[Probe]) -> VoiceTable:
    """The table of ``rows`` given their embeddings (one per row, in order)."""
    return VoiceTable(embedding, np.array([r.face for r in rows]), np.array([r.role for r in rows]),
                      np.array([r.kind for r in rows]),
                      np.array([len(r.clip) / 16000 for r in rows], dtype=np.float32),
                      np.array([r.gender for r in rows]))


def face_tensors(channels: int = 3) -> tuple[torch.Tensor, torch.Tensor]:
    """All 400 Olivetti faces ``[400, channels, 64, 64]`` in [-1, 1] and their identity indices."""
    from engine import data

    olivetti = data.load("olivetti")
    grey = torch.from_numpy(np.asarray(olivetti["image"], dtype=np.float32))
    faces = ((grey - 127.5) / 127.5)[:, None].expand(-1, channels, -1, -1).contiguous()
    return faces, torch.from_numpy(np.array(olivetti["identity"], dtype=np.int64))


class VoiceTrainSet(torch.utils.data.Dataset[dict[str, torch.Tensor]]):
    """The GAN's voice stream: (embedding, classifier label) of every ``train`` probe."""

    def __init__(self, embedding: np.ndarray, label: np.ndarray) -> None:
        self.embedding = torch.from_numpy(np.ascontiguousarray(embedding, dtype=np.float32))
        self.label = torch.from_numpy(np.asarray(label, dtype=np.int64))

    def __len__(self) -> int:
        return len(self.label)

    def __getitem__(self, i: int) -> dict[str, torch.Tensor]:
        return {"voice": self.embedding[i], "label": self.label[i]}
