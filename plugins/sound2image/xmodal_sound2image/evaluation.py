"""The paper's measurements, with the baselines that make them readable.

* ``nn_match_before`` / ``nn_match_after``: for each eval image, the eval sound
  whose multimodal feature is nearest (Euclidean), before or after the
  activation; the share of images whose nearest sound has their class (paper:
  16.3% / 25.3% on eval, 28.2% / 47.1% on train, 52 classes). ``_train``: the
  same on (a seeded sample of) the training split. ``nn_match_chance``: the
  expected share for a random sound.
* ``topk_overlap_k`` (k = 1, 3, 5): each eval sound is paired with a random eval
  picture of its class (the "original"); the share of pairs whose generated and
  original pictures share at least one of their top-k labels under the
  independent judge. ``_shuffled``: the generated picture against the original
  of a random other pair; ``_chance``: two random k-sets of the judge's labels,
  1 - C(n-k, k) / C(n, k). The paper's figures are over 1,000 ImageNet labels
  and are not comparable.
* ``independent_accuracy``: the judge's top-1 class of the generated picture is
  the sound's class (also per group: instrument, digit, animal).
* Instruments' health: the feature nets' and the judge's accuracies on real test data.
"""

from __future__ import annotations

import math
from typing import Any

import torch

from .data import ObjectData, load_objects, pictures_to_tensor, sample_same_class
from .judge import load_judge

__all__ = ["evaluate_pipeline", "nn_match", "topk_chance", "topk_overlap"]


def topk_chance(classes: int, k: int) -> float:
    """P(two independent uniformly random k-subsets of ``classes`` labels intersect)."""
    return 1.0 - math.comb(classes - k, k) / math.comb(classes, k) if 2 * k <= classes else 1.0


def topk_overlap(a_logits: torch.Tensor, b_logits: torch.Tensor, k: int) -> float:
    """Share of rows whose top-k label sets under ``a`` and ``b`` share at least one label."""
    ta, tb = a_logits.topk(k, 1).indices, b_logits.topk(k, 1).indices
    return float((ta[:, :, None] == tb[:, None, :]).any(2).any(1).float().mean())


def nn_match(image_feat: torch.Tensor, image_label: torch.Tensor, sound_feat: torch.Tensor,
             sound_label: torch.Tensor) -> float:
    """Share of images whose Euclidean-nearest sound feature has the image's class."""
    nearest = torch.cdist(image_feat.double(), sound_feat.double()).argmin(1)
    return float((sound_label[nearest] == image_label).float().mean())


@torch.no_grad()
def _features(pipeline: Any, part: ObjectData, sounds: torch.Tensor, pictures: torch.Tensor,
              batch: int = 256) -> dict[str, torch.Tensor]:
    net = pipeline.translator
    snd = torch.cat([pipeline.encoder(part.wave[sounds[i:i + batch]]) for i in range(0, len(sounds), batch)])
    fc6 = torch.cat([net.image_cnn.features(pictures_to_tensor(part.picture[pictures[i:i + batch]]))
                     for i in range(0, len(pictures), batch)])
    return {"sound": snd, "fc6": fc6, "sound_pre": net.sound_pre(snd), "image_pre": net.image_pre(fc6)}


def _subsample(n: int, most: int, gen: torch.Generator) -> torch.Tensor:
    return torch.arange(n) if n <= most else torch.randperm(n, generator=gen)[:most].sort().values


@torch.no_grad()
def evaluate_pipeline(pipeline: Any, *, tiny: bool = False, judge: str | None = None,
                      train_sample: int = 2000, seed: int = 0) -> dict[str, float]:
    """Every metric of the module docstring for ``pipeline`` (eval split, plus ``_train`` NN match)."""
    pipeline.eval()
    net = pipeline.translator
    size = net.arch.image_size
    out: dict[str, float] = {}
    gen = torch.Generator().manual_seed(seed)
    for split, suffix in (("test", ""), ("train", "_train")):
        part = load_objects(split, tiny=tiny, size=size)
        sounds = _subsample(len(part.wave), train_sample, gen) if split == "train" else torch.arange(
            len(part.wave))
        pictures = _subsample(len(part.picture), train_sample, gen) if split == "train" else torch.arange(
            len(part.picture))
        f = _features(pipeline, part, sounds, pictures)
        s_lab, p_lab = part.sound_label[sounds], part.picture_label[pictures]
        out[f"nn_match_before{suffix}"] = nn_match(f["image_pre"], p_lab, f["sound_pre"], s_lab)
        out[f"nn_match_after{suffix}"] = nn_match(f["image_pre"].relu(), p_lab, f["sound_pre"].relu(), s_lab)
        counts = torch.bincount(s_lab, minlength=part.num_classes).double() / len(s_lab)
        pic_share = torch.bincount(p_lab, minlength=part.num_classes).double() / len(p_lab)
        out[f"nn_match_chance{suffix}"] = float((counts * pic_share).sum())
        out[f"sound_accuracy{suffix}"] = float(
            (net.mm.classify(f["sound_pre"]).argmax(1) == s_lab).float().mean())
        out[f"image_accuracy{suffix}"] = float(
            (net.mm.classify(f["image_pre"]).argmax(1) == p_lab).float().mean())
        out[f"sound_cnn_accuracy{suffix}"] = float(
            (pipeline.encoder.sound_cnn.head(f["sound"]).argmax(1) == s_lab).float().mean())
        out[f"image_cnn_accuracy{suffix}"] = float(
            (net.image_cnn.head(f["fc6"]).argmax(1) == p_lab).float().mean())
        if split != "test":
            continue
        judge_net, _ = load_judge(judge)
        fake = torch.cat([net(f["sound"][i:i + 256]) for i in range(0, len(sounds), 256)])
        original = sample_same_class(s_lab, part.picture_label, torch.rand(len(s_lab), generator=gen))
        orig_logits = torch.cat([judge_net(pictures_to_tensor(part.picture[original[i:i + 256]]))
                                 for i in range(0, len(original), 256)])
        fake_logits = torch.cat([judge_net(fake[i:i + 256]) for i in range(0, len(fake), 256)])
        shift = 1 + torch.randint(0, max(1, len(s_lab) - 1), (len(s_lab),), generator=gen)
        other = (torch.arange(len(s_lab)) + shift) % len(s_lab)
        n = part.num_classes
        for k in (1, 3, 5):
            out[f"topk_overlap_{k}"] = topk_overlap(fake_logits, orig_logits, k)
            out[f"topk_overlap_{k}_shuffled"] = topk_overlap(fake_logits, orig_logits[other], k)
            out[f"topk_overlap_{k}_chance"] = topk_chance(n, k)
        hit = (fake_logits.argmax(1) == s_lab).float()
        out["independent_accuracy"] = float(hit.mean())
        out["independent_accuracy_chance"] = 1.0 / n
        for group in ("instrument", "digit", "animal"):
            mask = torch.tensor([part.sound_group[int(i)] == group for i in sounds])
            if bool(mask.any()):
                out[f"independent_accuracy_{group}"] = float(hit[mask].mean())
        out["judge_accuracy_real"] = float(
            (judge_net(pictures_to_tensor(part.picture)).argmax(1) == part.picture_label).float().mean())
        out["eval_sounds"] = float(len(sounds))
        out["eval_pictures"] = float(len(pictures))
    return out
