"""Train the negative model for a few hundred steps and save it into the package.

Run once before building the wheel: ``python make_weights.py``.
"""

from __future__ import annotations

import torch
from xmodal_negative import WEIGHTS
from xmodal_negative.pipeline import NegativePipeline


def main() -> None:
    torch.manual_seed(0)
    config = NegativePipeline.make_config("negative", plugin="negative")
    model = NegativePipeline.build(config)
    optimizer = torch.optim.Adam(model.translator.parameters(), lr=0.05)
    for _ in range(300):
        x = torch.rand(16, 3, 8, 8)
        loss = torch.nn.functional.mse_loss(model.translator(x), 1.0 - x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"final loss {loss.item():.2e}")
    model.save_pretrained(WEIGHTS, metrics={"mse": loss.item()})


if __name__ == "__main__":
    main()
