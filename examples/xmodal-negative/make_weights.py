"""Train the negative model's translator for a few hundred steps and save it into the package.

Run once before building the wheel: ``python make_weights.py``. The trained
module is wrapped with ``engine.assemble.assemble_pipeline``, the same helper a
recipe's ``pipeline()`` uses, so the saved config is exactly what loads back.
"""

from __future__ import annotations

import torch
from xmodal_negative import WEIGHTS
from xmodal_negative.pipeline import NegativePipeline, PixelAffine

from engine.assemble import assemble_pipeline


def main() -> None:
    torch.manual_seed(0)
    translator = PixelAffine(channels=3)
    optimizer = torch.optim.Adam(translator.parameters(), lr=0.05)
    for _ in range(300):
        x = torch.rand(16, 3, 8, 8)
        loss = torch.nn.functional.mse_loss(translator(x), 1.0 - x)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
    print(f"final loss {loss.item():.2e}")
    model = assemble_pipeline(NegativePipeline, "negative", "negative",
                              trained={"translator": translator})
    model.save_pretrained(WEIGHTS, metrics={"mse": loss.item()})


if __name__ == "__main__":
    main()
