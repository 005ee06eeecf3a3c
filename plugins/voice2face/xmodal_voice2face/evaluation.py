"""The paper's evaluation: identification, gender and 1:2 matching of faces generated from voices.

- ``id_top1`` / ``id_top5``: known speakers (the training identities' held-out
  texts and prosody), the generated face classified by the GAN's own F_c;
  ``id_top1_independent`` / ``id_top5_independent``: the same faces classified
  by a face classifier trained on real faces only (:mod:`.faceid`).
- ``gender_match``: unseen identities; the generated face's gender is that of
  its nearest real identity (cosine to the identity's mean dlib embedding,
  among all 40), balanced accuracy over the two genders.
  ``gender_match_real``: the same judge on real faces (nearest *other*
  identity), its ceiling.
- ``match_1v2_*``: 1:2 voice-to-face matching with the generated face's dlib
  embedding as the probe: is it closer to a real photo of the speaker's face
  than to a photo of an imposter? Every probe against every imposter identity
  of its own split and every pair of their photos (10 x 10). ``_stratified``:
  imposters of the speaker's gender only.

Trial counts are reported beside each figure (``*_trials``).
"""

from __future__ import annotations

import functools
from typing import Any

import numpy as np
import torch

from .assignment import load_assignment
from .data import VoiceTable

__all__ = ["evaluate_pipeline", "face_embeddings", "generate", "real_face_embeddings",
           "to_uint8"]


def to_uint8(faces: torch.Tensor) -> np.ndarray:
    """``[B, C, 64, 64]`` in [-1, 1] -> ``[B, 64, 64, 3]`` uint8 RGB."""
    x = ((faces.detach().float().cpu().clamp(-1, 1) + 1) * 127.5).round().to(torch.uint8)
    if x.shape[1] == 1:
        x = x.expand(-1, 3, -1, -1)
    return np.ascontiguousarray(x[:, :3].permute(0, 2, 3, 1).numpy())


def face_embeddings(rgb: np.ndarray) -> np.ndarray:
    """dlib embeddings ``[N, 128]`` of tight 64x64 face crops (face2nsynth's alignment)."""
    from xmodal_face2nsynth.faces import align, embed_chips

    from engine import Image

    chips = np.stack([align(Image.from_array(x), "tight") for x in rgb]) if len(rgb) else \
        np.zeros((0, 150, 150, 3), np.uint8)
    return embed_chips(chips)


@functools.cache
def real_face_embeddings() -> np.ndarray:
    """dlib embeddings of all 400 real Olivetti faces, in Olivetti order.

    face2nsynth's ``olivetti-dlib`` data set already holds them (the same tight
    alignment); built here without its augmented training copies, so it is one
    cached build both plugins read instead of two caches of the same numbers.
    """
    from xmodal_face2nsynth.facedata import OlivettiDlibBuilder

    from engine import data

    faces = data.load(OlivettiDlibBuilder(augmentations=0))
    index = np.asarray(faces["image_index"])
    out = np.zeros((len(data.load("olivetti")), int(faces.meta["embedding_dim"])), np.float32)
    out[index] = np.asarray(faces["embedding"])
    return out


@torch.no_grad()
def generate(pipeline: Any, embeddings: np.ndarray, batch_size: int = 256) -> torch.Tensor:
    """Faces ``[N, C, 64, 64]`` in [-1, 1] from embedded voices."""
    emb = torch.from_numpy(np.ascontiguousarray(embeddings, dtype=np.float32))
    parts = [pipeline.faces(emb[i:i + batch_size]).cpu() for i in range(0, len(emb), batch_size)]
    return torch.cat(parts) if parts else torch.zeros(0, 3, 64, 64)


def _topk(logits: torch.Tensor, labels: np.ndarray, k: int) -> float:
    top = logits.topk(min(k, logits.shape[1]), dim=1).indices.numpy()
    return float(np.mean([labels[i] in top[i] for i in range(len(labels))])) if len(labels) else 0.0


def _balanced(pred: list[str], truth: list[str]) -> float:
    recalls = [np.mean([p == g for p, g in zip(pred, truth, strict=True) if g == gender])
               for gender in sorted(set(truth))]
    return float(np.mean(recalls)) if recalls else 0.0


def _centroids(real: np.ndarray, ident: np.ndarray) -> np.ndarray:
    cent = np.stack([real[ident == k].mean(0) for k in range(40)])
    return cent / np.linalg.norm(cent, axis=1, keepdims=True)


def _match(probe: np.ndarray, truth: np.ndarray, pool: list[int], real: np.ndarray,
           ident: np.ndarray, gender: dict[int, str], stratified: bool) -> tuple[float, int]:
    """Share of 1:2 trials (true photo vs imposter photo) the probe gets right, and the count."""
    right = total = 0
    for p, t in zip(probe, truth.tolist(), strict=True):
        imposters = [k for k in pool if k != t and (not stratified or gender[k] == gender[t])]
        if not imposters:
            continue
        s_true = real[ident == t] @ p  # [10]
        s_imp = real[np.isin(ident, imposters)] @ p  # [10 * K]
        right += int((s_true[:, None] > s_imp[None, :]).sum())
        total += s_true.size * s_imp.size
    return (right / total if total else 0.0), total


def evaluate_pipeline(pipeline: Any, table: VoiceTable) -> dict[str, float]:
    """Every figure of the module docstring, for ``pipeline`` on ``table``'s probes."""
    from engine import data

    from .faceid import load_faceid

    assignment = load_assignment()
    labels = assignment.train_index()
    gender = assignment.genders()
    ident = np.asarray(data.load("olivetti")["identity"])
    real = real_face_embeddings()
    cent = _centroids(real, ident)
    out: dict[str, float] = {}

    emb, face = table.select("known-test")
    fakes = generate(pipeline, emb)
    y = np.array([labels[int(f)] for f in face])
    with torch.no_grad():
        _, c = pipeline.translator.critic(fakes)
        independent = load_faceid()(fakes.expand(-1, 3, -1, -1))  # it reads RGB (grey x 3)
    out.update(id_top1=_topk(c, y, 1), id_top5=_topk(c, y, 5),
               id_top1_independent=_topk(independent, y, 1),
               id_top5_independent=_topk(independent, y, 5), id_trials=float(len(y)))
    known_probe = face_embeddings(to_uint8(fakes))
    train_pool = sorted(labels)
    for strat in (False, True):
        acc, n = _match(known_probe, face, train_pool, real, ident, gender, strat)
        key = "match_1v2_train" + ("_stratified" if strat else "")
        out[key], out[key + "_trials"] = acc, float(n)

    emb, face = table.select("unseen")
    unseen_probe = face_embeddings(to_uint8(generate(pipeline, emb)))
    nearest = (unseen_probe @ cent.T).argmax(1)
    out["gender_match"] = _balanced([gender[int(k)] for k in nearest],
                                    [gender[int(f)] for f in face])
    out["gender_trials"] = float(len(face))
    sims = real @ cent.T
    sims[np.arange(len(real)), ident] = -2.0
    out["gender_match_real"] = _balanced([gender[int(k)] for k in sims.argmax(1)],
                                         [gender[int(i)] for i in ident])
    test_pool = [f.index for f in assignment.split("test")]
    for strat in (False, True):
        acc, n = _match(unseen_probe, face, test_pool, real, ident, gender, strat)
        key = "match_1v2_test" + ("_stratified" if strat else "")
        out[key], out[key + "_trials"] = acc, float(n)
    return out
