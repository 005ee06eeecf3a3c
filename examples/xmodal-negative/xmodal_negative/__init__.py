"""xmodal-negative: the plugin from docs/plugin-authoring.md.

Registers one model, ``negative``, whose weights ship inside this package.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import engine

if TYPE_CHECKING:
    from engine.plugin import RegisterModel

__all__ = ["WEIGHTS"]

#: The engine refuses this plugin unless its API version is in this range.
__xmodal_api__ = ">=1,<2"

#: The bundled pretrained folder (written by make_weights.py).
WEIGHTS = Path(__file__).parent / "weights" / "negative"


@engine.hookimpl
def register_models(register: RegisterModel) -> None:
    # A string keeps torch out of plugin discovery; the class is imported on load.
    register(
        "negative",
        pipeline="xmodal_negative.pipeline:NegativePipeline",
        weights=WEIGHTS,
        task="image -> image",
        description="Turns a photo into its negative with a learned per-channel affine map.",
    )
