"""The ``voices-*`` settings: today's one-to-one pairs plus many more voices, and how to test them.

The one-to-one model learned from six FSDD speakers and a dozen synthetic
voice groups, so a voice it never heard is a gamble. ``voices-1to1`` adds the
English digit takes of the ``voices`` data set's *train* identities (mbrola,
RHVoice, flite voices built from about a hundred real speakers, with prosody
and recording jitter), each paired with its own MNIST image, to the
``mnist-digits-1to1`` train pairs. Its ``test`` split stays today's
``mnist-digits-1to1`` test set, so old and new models are compared on the
same 1,020 clips.

Kept out of training, so that each test below really is what it says:

* every ``pico`` voice (``voices-engine``: an engine the model never heard);
* every FSDD take of ``voices`` (its takes 0-4 are today's FSDD test clips);
* any identity whose flite voice is among today's ``tts-digits`` test
  speakers (flite kal16), so today's test set stays unheard where it was.

Evaluation-only settings (their ``test`` split; train/val are ``voices-1to1``'s):

* ``voices-heard``: the known-speaker test takes (take 2) of the training identities;
* ``voices-unheard``: every English digit take of the ``voices`` *test* identities,
  minus identities that ``mnist-digits-1to1`` training already heard (flite awb,
  rms, slt), so they are unheard by the old model as well as the new one;
* ``voices-engine``: every English digit take of the pico voices.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import torch

from .frontend import MelSettings, mel_image

__all__ = ["BASE", "EVAL_SETTINGS", "VOICE_REPEAT", "VOICE_SETTINGS", "voice_items", "voice_pairs"]

BASE = "mnist-digits-1to1"
#: The setting a model trains on, then the three that only test.
VOICE_SETTINGS = ("voices-1to1", "voices-heard", "voices-unheard", "voices-engine")
EVAL_SETTINGS = VOICE_SETTINGS[1:]
HELD_OUT_ENGINES = ("pico", "fsdd")
#: How often each voices train take appears in ``train``: 480 takes beside 4,950 base pairs
#: would weigh under 9% of every batch; three copies (each warped and masked afresh by
#: the recipe's augmentation) bring them to about a fifth without dropping a base pair.
VOICE_REPEAT = 3
_FLITE = re.compile(r"^tts:flite-(.+)-\d+$")


def _flite_identities(base: Any, voices: Any, split: str) -> set[str]:
    """Identities of ``voices`` whose flite voice speaks in ``split`` of the base set."""
    names = base.classes["speaker"]
    used = {names[int(k)] for k in np.unique(np.asarray(base["speaker"])[base.split(split).indices])}
    flite = {m.group(1) for s in used if (m := _FLITE.match(s))}
    meta = voices.meta["voices"]
    return {m["identity"] for vid, m in meta.items() if m["engine"] == "flite"
            and vid.split("/", 1)[1] in flite}


def voice_items(base: Any, voices: Any, setting: str, split: str) -> np.ndarray:
    """Indices of ``voices`` items that ``setting`` adds to ``split`` ('train' or 'test')."""
    if split == "test" and setting == "voices-1to1":
        return np.zeros(0, dtype=np.int64)
    en = voices.classes["language"].index("en")
    engines = voices.classes["engine"]
    engine = np.asarray(voices["engine"])
    ident = np.asarray(voices["identity"])
    english_digit = (np.asarray(voices["language"]) == en) & (np.asarray(voices["digit"]) >= 0)
    if setting == "voices-engine" and split == "test":
        return np.flatnonzero(english_digit & (engine == engines.index("pico")))
    banned = [engines.index(e) for e in HELD_OUT_ENGINES if e in engines]
    keep = english_digit & ~np.isin(engine, banned)
    names = voices.classes["identity"]
    exclude = _flite_identities(base, voices, "test")
    if setting == "voices-unheard" and split == "test":
        exclude |= _flite_identities(base, voices, "train")
        pool = np.asarray(voices.split("test").indices)
    else:
        known = "known-test" if split == "test" else "known-train"
        pool = np.intersect1d(voices.split("train").indices, voices.split(known).indices)
    bad = [k for k, n in enumerate(names) if n in exclude]
    keep &= ~np.isin(ident, bad)
    out: np.ndarray = pool[keep[pool]]
    return out


def _images(mnist: Any, split: str, avoid: np.ndarray, digits: np.ndarray,
            seed: int) -> np.ndarray:
    """One MNIST ``split`` image per digit in ``digits``, unused by the base set where possible."""
    labels = np.asarray(mnist["label"])
    pool = np.setdiff1d(mnist.split(split).indices, avoid)
    rng = np.random.default_rng(seed)
    out = np.empty(len(digits), dtype=np.int64)
    for d in range(10):
        rows = np.flatnonzero(digits == d)
        free = rng.permutation(pool[labels[pool] == d])
        if len(rows) > len(free):  # more clips than unused images: reuse unused ones first
            free = np.concatenate([free, rng.permutation(np.setdiff1d(
                mnist.split(split).indices[labels[mnist.split(split).indices] == d], free))])
        out[rows] = np.resize(free, len(rows))
    return out


def _voice_mels(voices: Any, items: np.ndarray, settings: MelSettings) -> torch.Tensor:
    """Mel pictures of ``voices`` clips, resampled from the set's rate to the front end's."""
    from engine.data.audio import resample_int16

    rate = int(voices.meta["sample_rate"])
    audio = voices["audio"]
    out = torch.empty(len(items), 1, settings.size, settings.size)
    for row, i in enumerate(items.tolist()):
        clip = resample_int16(np.asarray(audio[i]), rate, settings.sample_rate)
        out[row] = mel_image(torch.from_numpy(clip.astype(np.float32) / 32768.0), settings)
    return out


def voice_pairs(setting: str, split: str, settings: MelSettings, val_fraction: float, seed: int,
                limit: int | None) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
    """(mel, image in [0, 1], digit) of ``split`` under a ``voices-*`` setting.

    Train and val are cut by clip from the base train pairs plus the voices
    train takes; ``limit`` keeps the first items of each source (tests, quick runs).
    """
    from engine import data

    from .data import _mels

    base = data.load(BASE, progress=False)
    voices = data.load("voices", progress=False)
    part = "test" if split == "test" else "train"
    base_idx = np.asarray(base.split(part).indices)
    if split == "test" and setting != "voices-1to1":
        base_idx = base_idx[:0]
    v_idx = voice_items(base, voices, setting, part)
    if split != "test":
        n_base = len(base_idx)
        order = np.random.default_rng(seed).permutation(n_base + len(v_idx))
        held = np.zeros(n_base + len(v_idx), dtype=bool)
        held[order[: round(val_fraction * len(order))]] = True
        want = held if split == "val" else ~held
        base_idx, v_idx = base_idx[want[:n_base]], v_idx[want[n_base:]]
    base_idx, v_idx = base_idx[:limit], v_idx[:limit]
    if split == "train":
        v_idx = np.tile(v_idx, VOICE_REPEAT)
    mnist = data.load("mnist", progress=False)
    v_digit = np.asarray(voices["digit"])[v_idx].astype(np.int64)
    avoid = np.asarray(base["mnist_index"])
    img = _images(mnist, part, avoid, v_digit, seed)
    images = np.concatenate([np.asarray(base["image"])[base_idx], np.asarray(mnist["image"])[img]])
    digits = np.concatenate([np.asarray(base["digit"])[base_idx].astype(np.int64), v_digit])
    mel = torch.cat([_mels(base, base_idx, settings), _voice_mels(voices, v_idx, settings)])
    image = torch.from_numpy(images.astype(np.float32) / 255.0).reshape(-1, 1, 28, 28)
    return mel, image, torch.from_numpy(digits)
