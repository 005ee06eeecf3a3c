"""The multimodal layers: zero-filled inputs, halved B, and the three losses against a direct computation."""

from __future__ import annotations

import math

import torch
from xmodal_sound2image.multimodal import (
    LossWeights,
    Multimodal,
    distribution_cross_entropy,
    multimodal_losses,
)


def _model() -> Multimodal:
    torch.manual_seed(0)
    return Multimodal(image_dim=6, sound_dim=4, hidden=5, classes=3)


def test_missing_modality_is_zero_filled_and_both_is_halved() -> None:
    m = _model()
    img, snd = torch.randn(2, 6), torch.randn(2, 4)
    w, b = m.hidden.weight, m.hidden.bias
    assert torch.allclose(m.pre(image=img), img @ w[:, :6].T + b, atol=1e-6)
    assert torch.allclose(m.pre(sound=snd), snd @ w[:, 6:].T + b, atol=1e-6)
    assert torch.allclose(m.pre(img, snd), (img @ w[:, :6].T + snd @ w[:, 6:].T + b) / 2, atol=1e-6)


def test_distribution_cross_entropy_is_h_p_q() -> None:
    p, q = torch.randn(3, 5), torch.randn(3, 5)
    direct = 0.0
    for i in range(3):
        pi = [math.exp(v) for v in p[i].tolist()]
        qi = [math.exp(v) for v in q[i].tolist()]
        sp, sq = sum(pi), sum(qi)
        direct += -sum((a / sp) * math.log(c / sq) for a, c in zip(pi, qi, strict=True))
    assert abs(float(distribution_cross_entropy(p, q)) - direct / 3) < 1e-5


def test_losses_match_a_direct_computation() -> None:
    m = _model()
    img, snd, y = torch.randn(4, 6), torch.randn(4, 4), torch.tensor([0, 2, 1, 2])
    w, b = m.hidden.weight.detach(), m.hidden.bias.detach()
    h_i = img @ w[:, :6].T + b
    h_s = snd @ w[:, 6:].T + b
    h_b = (img @ w[:, :6].T + snd @ w[:, 6:].T + b) / 2

    def ce(p: torch.Tensor, q: torch.Tensor) -> float:  # -sum softmax(p) log softmax(q), batch mean
        sp = torch.exp(p) / torch.exp(p).sum(1, keepdim=True)
        sq = torch.exp(q) / torch.exp(q).sum(1, keepdim=True)
        return float(-(sp * torch.log(sq)).sum(1).mean())

    def cls(h: torch.Tensor) -> float:
        logits = torch.clamp(h, min=0) @ m.out.weight.detach().T + m.out.bias.detach()
        logp = logits - torch.logsumexp(logits, 1, keepdim=True)
        return float(-logp[torch.arange(4), y].mean())

    l1 = float((h_i - h_s).abs().mean() + (h_i - h_b).abs().mean() + (h_s - h_b).abs().mean())
    ce_pre = ce(h_i, h_s) + ce(h_s, h_i)
    r_i, r_s = torch.clamp(h_i, min=0), torch.clamp(h_s, min=0)
    ce_post = ce(r_i, r_s) + ce(r_s, r_i)
    c = cls(h_i) + cls(h_s) + cls(h_b)
    weights = LossWeights(l1=0.7, hidden_ce=0.2, cls=1.3)
    got = multimodal_losses(m, img, snd, y, weights)
    for key, want in (("l1", l1), ("ce_pre", ce_pre), ("ce_post", ce_post), ("cls", c)):
        assert abs(float(got[key].detach()) - want) < 1e-5, key
    total = 0.7 * l1 + 0.2 * (ce_pre + ce_post) + 1.3 * c
    assert abs(float(got["total"].detach()) - total) < 1e-4


def test_training_on_the_losses_pulls_image_and_sound_together() -> None:
    """A few Adam steps on paired features of 3 classes: hidden L1 falls, classes are learned."""
    torch.manual_seed(1)
    m = Multimodal(image_dim=8, sound_dim=6, hidden=16, classes=3)
    centres_i, centres_s = torch.randn(3, 8), torch.randn(3, 6)
    y = torch.arange(3).repeat(20)
    img = centres_i[y] + 0.1 * torch.randn(60, 8)
    snd = centres_s[y] + 0.1 * torch.randn(60, 6)
    opt = torch.optim.Adam(m.parameters(), lr=1e-2)
    first = multimodal_losses(m, img, snd, y)
    for _ in range(200):
        loss = multimodal_losses(m, img, snd, y)["total"]
        opt.zero_grad()
        loss.backward()
        opt.step()
    last = multimodal_losses(m, img, snd, y)
    assert float(last["l1"].detach()) < 0.5 * float(first["l1"].detach())
    assert bool((m(sound=snd).argmax(1) == y).all()) and bool((m(image=img).argmax(1) == y).all())
