"""I2S network shapes and the 128 x 44 <-> 128 x 34 resampling."""

from __future__ import annotations

import numpy as np
import torch
from xmodal_cmgan.i2s_networks import (
    GEN_FRAMES,
    LMS_FRAMES,
    I2SDiscriminator,
    I2SGenerator,
    to_generator_frames,
    to_lms_frames,
)


def test_generator_makes_128_by_34_and_the_discriminator_scores_it() -> None:
    torch.manual_seed(0)
    generator, critic = I2SGenerator(width=4, z_dim=8), I2SDiscriminator(width=4)
    encoding, z = torch.randn(3, 128), torch.randn(3, 8)
    lms = generator(encoding, z)
    assert lms.shape == (3, 1, 128, GEN_FRAMES)
    assert critic(lms, encoding).shape == (3,)


def test_generator_32x32_map_then_the_papers_two_deconvolutions() -> None:
    generator = I2SGenerator(width=4, z_dim=8)
    seen: list[tuple[int, ...]] = []
    hooks = [m.register_forward_hook(lambda _m, _i, out: seen.append(tuple(out.shape[2:])))
             for m in generator.trunk if isinstance(m, torch.nn.ConvTranspose2d)]
    generator.eval()
    generator(torch.randn(2, 128), torch.randn(2, 8))
    for hook in hooks:
        hook.remove()
    # 4 -> 8 -> 16 -> 32 x 32, then stride (2, 1): 64 x 33, 128 x 34.
    assert seen == [(8, 8), (16, 16), (32, 32), (64, 33), (128, 34)]
    stride = [m.stride for m in generator.trunk if isinstance(m, torch.nn.ConvTranspose2d)][-2:]
    assert stride == [(2, 1), (2, 1)]


def test_discriminator_goes_back_to_32_by_32() -> None:
    critic = I2SDiscriminator(width=4)
    first_two = critic.trunk[:5]  # conv, lrelu, conv, bn, lrelu
    assert first_two(torch.randn(2, 1, 128, 34)).shape[2:] == (32, 32)


def test_resize_interpolates_along_time() -> None:
    # A linear ramp along time stays a ramp with the same ends: interpolation, not np.resize.
    ramp = torch.linspace(0.0, 1.0, LMS_FRAMES).expand(2, 128, LMS_FRAMES).clone()
    short = to_generator_frames(ramp)
    assert short.shape == (2, 128, GEN_FRAMES)
    assert torch.allclose(short[0, 5], torch.linspace(0.0, 1.0, GEN_FRAMES), atol=1e-6)
    wrapped = np.resize(ramp[0].numpy(), (128, GEN_FRAMES))  # what "numpy resize" does
    assert not np.allclose(wrapped, short[0].numpy())
    back = to_lms_frames(short)
    assert back.shape == (2, 128, LMS_FRAMES)
    assert torch.allclose(back, ramp, atol=1e-5)


def test_resize_round_trip_keeps_a_spectrogram_close() -> None:
    torch.manual_seed(1)
    smooth = torch.nn.functional.avg_pool1d(torch.randn(1, 128, LMS_FRAMES + 8), 9, 1)
    batch = smooth.unsqueeze(1)  # (B, 1, 128, 44) also works
    back = to_lms_frames(to_generator_frames(batch))
    assert back.shape == batch.shape
    corr = np.corrcoef(back.flatten().numpy(), batch.flatten().numpy())[0, 1]
    assert corr > 0.95
