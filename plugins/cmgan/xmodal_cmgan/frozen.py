"""The two frozen classifiers the plugin ships: the sound classifier and Gamma.

They are trained once (``xmodal cmgan train-classifiers``) and stored with
:mod:`engine.frozen` (``NAME.safetensors`` + ``NAME.json`` holding the
architecture, what was measured on them and the checksum):

- ``weights/sound-classifier/sound-classifier.*``: the S2I encoder (its 128-D
  layer conditions the generator; a copy travels inside every ``cmgan``
  checkpoint) and the judge of I2S's generated spectrograms;
- ``weights/gamma/gamma.*``: the I2S encoder and the evaluator Gamma that
  classifies S2I's generated pictures. Every cmgan model is judged by the same
  Gamma, so their figures are comparable.

Loaded networks are cached per process and frozen (eval mode, no gradients).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from engine.frozen import load_frozen, read_frozen_config

from .encoders import ImageClassifier, SoundClassifier

__all__ = ["GAMMA_NAME", "SOUND_NAME", "build_image_classifier", "build_sound_classifier",
           "frozen_config", "load_gamma", "load_sound_classifier"]

SOUND_NAME = "sound-classifier"
GAMMA_NAME = "gamma"


def build_sound_classifier(config: dict[str, Any]) -> SoundClassifier:
    """An untrained :class:`SoundClassifier` of the architecture a frozen config records."""
    arch = config["architecture"]
    return SoundClassifier(classes=int(arch["classes"]), width=int(arch["width"]),
                           n_mels=int(arch["n_mels"]), frames=int(arch["frames"]),
                           hidden=int(arch["hidden"]))


def build_image_classifier(config: dict[str, Any]) -> ImageClassifier:
    """An untrained :class:`ImageClassifier` of the architecture a frozen config records."""
    arch = config["architecture"]
    return ImageClassifier(classes=int(arch["classes"]), width=int(arch["width"]),
                           size=int(arch["size"]), hidden=int(arch["hidden"]))


def _default(name: str) -> Path:
    from . import GAMMA, SOUND_CLASSIFIER

    return SOUND_CLASSIFIER if name == SOUND_NAME else GAMMA


@functools.cache
def _load_sound(folder: str, name: str) -> tuple[SoundClassifier, dict[str, Any]]:
    return load_frozen(folder, name, build_sound_classifier)


@functools.cache
def _load_image(folder: str, name: str) -> tuple[ImageClassifier, dict[str, Any]]:
    return load_frozen(folder, name, build_image_classifier)


def load_sound_classifier(folder: str | Path | None = None,
                          name: str = SOUND_NAME) -> SoundClassifier:
    """The frozen sound classifier (the bundled one by default), cached per process."""
    return _load_sound(str(folder or _default(SOUND_NAME)), name)[0]


def load_gamma(folder: str | Path | None = None, name: str = GAMMA_NAME) -> ImageClassifier:
    """The frozen image classifier Gamma (the bundled one by default), cached per process."""
    return _load_image(str(folder or _default(GAMMA_NAME)), name)[0]


def frozen_config(which: str, folder: str | Path | None = None) -> dict[str, Any]:
    """The JSON saved beside a frozen net (``which``: ``sound-classifier`` or ``gamma``)."""
    return read_frozen_config(folder or _default(which), which)
