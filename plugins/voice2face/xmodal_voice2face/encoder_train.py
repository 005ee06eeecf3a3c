"""Pretraining the paper's 1-D CNN voice encoder for speaker identification, then freezing it.

The paper trains F_e for speaker recognition on its training voices; the
official code ships only the trained weights. Here it is trained on every
``voices`` identity that is *not* assigned to a test face (the 80 unassigned
voices plus the 30 training identities), so no test identity's voice reaches
it: a linear softmax head over those identities on top of the 64-D embedding,
on ``known-train`` clips, with random 3-8 s crops of joined clips (repeated up
to 300 frames when shorter, as the official loader does). Its identification
accuracy on the ``known-test`` clips of the same identities is recorded in
``weights/voicecnn/voicecnn.json``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from .voiceenc import VoiceEmbedNet, log_mel

__all__ = ["FOLDER", "NAME", "encoder_identities", "train_encoder"]

FOLDER = Path(__file__).parent / "weights" / "voicecnn"
NAME = "voicecnn"
CROP_FRAMES = 300


def encoder_identities(voices: Any) -> list[int]:
    """``voices`` identity indices the encoder may hear: all but the test faces' voices."""
    from .assignment import load_assignment

    held = {f.voice_identity for f in load_assignment().split("test")}
    return [k for k, name in enumerate(voices.classes["identity"]) if name not in held]


def _features(voices: Any, items: np.ndarray) -> list[torch.Tensor]:
    audio = voices["audio"]
    return [torch.from_numpy(log_mel(np.asarray(audio[int(i)], np.float32) / 32768.0))
            for i in items.tolist()]


def _crop(feats: list[torch.Tensor], picks: list[int], gen: torch.Generator) -> torch.Tensor:
    out = []
    for k in picks:
        x = feats[k]
        start = int(torch.randint(0, max(1, x.shape[1] - CROP_FRAMES + 1), (1,), generator=gen))
        out.append(x[:, start:start + CROP_FRAMES])
    return torch.stack(out)


def train_encoder(steps: int = 1500, width: int = 64, batch: int = 64, seed: int = 0,
                  lr: float = 1e-3) -> dict[str, Any]:
    """Train, measure on held-out clips, save frozen; returns the recorded config."""
    from engine import data
    from engine.frozen import save_frozen

    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    voices = data.load("voices")
    allowed = encoder_identities(voices)
    remap = {k: i for i, k in enumerate(allowed)}
    ident = np.asarray(voices["identity"])
    splits = {}
    for split in ("known-train", "known-test"):
        idx = np.asarray(voices.split(split).indices)
        splits[split] = idx[np.isin(ident[idx], allowed)]
    train_x = _features(voices, splits["known-train"])
    train_y = torch.tensor([remap[int(ident[i])] for i in splits["known-train"]])
    net = VoiceEmbedNet(64, width)
    head = nn.Linear(64, len(allowed))
    opt = torch.optim.Adam([*net.parameters(), *head.parameters()], lr=lr)
    for _ in range(steps):
        picks = torch.randint(0, len(train_x), (batch,), generator=gen).tolist()
        logits = head(F.relu(net(_crop(train_x, picks, gen))))
        loss = F.cross_entropy(logits, train_y[picks])
        opt.zero_grad()
        loss.backward()
        opt.step()
    net.eval()
    test_x = _features(voices, splits["known-test"])
    test_y = torch.tensor([remap[int(ident[i])] for i in splits["known-test"]])
    with torch.no_grad():
        pred = torch.stack([head(F.relu(net(x[None])))[0].argmax() for x in test_x])
    accuracy = float((pred == test_y).float().mean())
    config = {"dim": 64, "width": width, "steps": steps, "batch": batch, "seed": seed,
              "identities": len(allowed), "train_clips": len(train_x),
              "known_test_clip_accuracy": accuracy, "known_test_clips": len(test_x),
              "held_out_identities": sorted(set(voices.classes["identity"]) -
                                            {voices.classes["identity"][k] for k in allowed})}
    save_frozen(net, FOLDER, NAME, config=config)
    return config
