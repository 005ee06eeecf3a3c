"""The engine's own recipes and models, registered through the same hooks as plugins'.

Values are ``"module:Class"`` strings so that registering them (which happens
whenever the plugin manager starts) imports nothing heavy.
"""

from __future__ import annotations

from typing import Any

__all__ = ["builtin_models", "builtin_recipes"]


def builtin_recipes() -> dict[str, str]:
    """Recipe name -> ``"module:Class"`` of its :class:`~engine.train.Recipe`."""
    return {"toy-gan": "engine.testing.toy:ToyGanRecipe"}


def builtin_models() -> dict[str, dict[str, Any]]:
    """Model name -> ``register_models`` keyword arguments (no bundled weights)."""
    return {
        "toy-gan": {
            "pipeline": "engine.testing.toy:ToyPipeline",
            "weights": None,
            "task": "image -> audio",
            "description": "Demo conditional GAN: grating images to tones (train it with "
            "'xmodal train toy-gan').",
        }
    }
