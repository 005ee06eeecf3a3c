"""S2I's generator and discriminator: GAN-CLS with DCGAN's 64 x 64 shapes.

The paper: the 128-D sound encoding goes through FC + leaky ReLU to a 64-D
phi(A), which is joined with the noise z; the generator (GAN-CLS, Reed et al.)
outputs 64 x 64 x 3; the discriminator scores (image, phi(A)) pairs. The
shapes are GAN-CLS's, which are DCGAN's: the generator maps [phi, z] by a
linear layer to 4 x 4 x 8w, then four 4 x 4 stride-2 transposed convolutions
(batch norm + ReLU, tanh at the end) to 8w, 4w, 2w, w ... 3 channels; the
discriminator takes the picture down by four stride-2 convolutions (leaky ReLU
0.2, batch norm from the second on) to 4 x 4 x 8w, replicates its own 64-D
projection of the condition over the 4 x 4 grid, joins it, mixes with a 1 x 1
convolution and scores with a 4 x 4 one. GAN-CLS uses w = 64 and z = 100; the
width here is a preset field (``cpu-small``: 32).
"""

from __future__ import annotations

import torch
from torch import nn
from torch.nn.utils.parametrizations import spectral_norm

__all__ = ["PROJECTION_DIM", "Z_DIM", "S2IDiscriminator", "S2IGenerator", "init_dcgan"]

#: phi(A): the paper's 64-D condition after FC + leaky ReLU.
PROJECTION_DIM = 64
#: |z|: not given by the paper; GAN-CLS's 100.
Z_DIM = 100


def init_dcgan(module: nn.Module) -> None:
    """DCGAN's initialisation: conv weights N(0, 0.02), batch-norm scales N(1, 0.02)."""
    for m in module.modules():
        if isinstance(m, nn.Conv2d | nn.ConvTranspose2d | nn.Linear):
            nn.init.normal_(m.weight, 0.0, 0.02)
            if m.bias is not None:
                nn.init.zeros_(m.bias)
        elif isinstance(m, nn.BatchNorm2d | nn.BatchNorm1d):
            nn.init.normal_(m.weight, 1.0, 0.02)
            nn.init.zeros_(m.bias)


class S2IGenerator(nn.Module):
    """(condition ``[B, cond_dim]``, z ``[B, z_dim]``) -> picture ``[B, 3, 64, 64]`` in [-1, 1]."""

    def __init__(self, cond_dim: int = 128, width: int = 32, z_dim: int = Z_DIM,
                 proj_dim: int = PROJECTION_DIM) -> None:
        super().__init__()
        self.z_dim = z_dim
        self.project = nn.Sequential(nn.Linear(cond_dim, proj_dim), nn.LeakyReLU(0.2))
        self.fc = nn.Sequential(nn.Linear(proj_dim + z_dim, 8 * width * 16, bias=False),
                                nn.BatchNorm1d(8 * width * 16), nn.ReLU(True))
        self.width = width

        def up(cin: int, cout: int) -> list[nn.Module]:
            return [nn.ConvTranspose2d(cin, cout, 4, 2, 1, bias=False), nn.BatchNorm2d(cout),
                    nn.ReLU(True)]

        w = width
        self.deconv = nn.Sequential(*up(8 * w, 4 * w), *up(4 * w, 2 * w), *up(2 * w, w),
                                    nn.ConvTranspose2d(w, 3, 4, 2, 1), nn.Tanh())
        init_dcgan(self)

    def forward(self, condition: torch.Tensor, z: torch.Tensor) -> torch.Tensor:
        h = torch.cat([self.project(condition), z], dim=1)
        h = self.fc(h).view(len(h), 8 * self.width, 4, 4)
        out: torch.Tensor = self.deconv(h)
        return out


class S2IDiscriminator(nn.Module):
    """(picture ``[B, 3, 64, 64]``, condition ``[B, cond_dim]``) -> one logit per pair.

    ``norm="batch"`` is GAN-CLS's (batch norm from the second convolution on);
    ``norm="spectral"`` (ours) drops batch norm and bounds every convolution and
    the condition's projection by spectral normalisation (Miyato et al. 2018);
    at G's learning rate it proved too weak a critic (docs/results/cmgan.md),
    so pair it with a larger ``d_lr`` in the recipe. The
    spectral layers are initialised by PyTorch's defaults, not DCGAN's: the
    normalisation rescales them anyway.
    """

    def __init__(self, cond_dim: int = 128, width: int = 32, proj_dim: int = PROJECTION_DIM,
                 norm: str = "batch") -> None:
        super().__init__()
        if norm not in ("batch", "spectral"):
            raise ValueError(f"norm must be 'batch' or 'spectral', not {norm!r}")
        w = width
        spectral = norm == "spectral"

        def weighted(layer: nn.Module) -> nn.Module:
            return spectral_norm(layer) if spectral else layer

        def down(cin: int, cout: int, batch_norm: bool = True) -> list[nn.Module]:
            batch_norm = batch_norm and not spectral
            layers: list[nn.Module] = [weighted(nn.Conv2d(cin, cout, 4, 2, 1, bias=not batch_norm))]
            if batch_norm:
                layers.append(nn.BatchNorm2d(cout))
            layers.append(nn.LeakyReLU(0.2, True))
            return layers

        self.convs = nn.Sequential(*down(3, w, batch_norm=False), *down(w, 2 * w), *down(2 * w, 4 * w),
                                   *down(4 * w, 8 * w))
        self.project = nn.Sequential(weighted(nn.Linear(cond_dim, proj_dim)), nn.LeakyReLU(0.2))
        mix: list[nn.Module] = [weighted(nn.Conv2d(8 * w + proj_dim, 8 * w, 1, bias=spectral))]
        if not spectral:
            mix.append(nn.BatchNorm2d(8 * w))
        self.joint = nn.Sequential(*mix, nn.LeakyReLU(0.2, True), weighted(nn.Conv2d(8 * w, 1, 4)))
        if not spectral:
            init_dcgan(self)

    def forward(self, image: torch.Tensor, condition: torch.Tensor) -> torch.Tensor:
        h = self.convs(image)
        c = self.project(condition)[:, :, None, None].expand(-1, -1, h.shape[2], h.shape[3])
        out: torch.Tensor = self.joint(torch.cat([h, c], dim=1))
        return out.flatten()
