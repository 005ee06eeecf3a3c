"""The four roles every translation system is made of.

``Encoder`` (media -> features), ``Translator`` (features -> target
representation: the trained part), ``Decoder`` (representation -> media) and
``Metric`` (an evaluation that accumulates and reports numbers). A
:class:`~engine.pipeline.Pipeline` chains the first three. They are small
``torch.nn.Module`` ABCs so that plugins keep full PyTorch freedom inside them.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import Any, ClassVar, Literal

import torch
from torch import nn

from .media import Audio, Image

__all__ = ["Decoder", "Encoder", "MediaKind", "Metric", "Translator"]

MediaKind = Literal["image", "audio"]


class Encoder(nn.Module, ABC):
    """Turns media into a feature tensor.

    ``prepare`` makes one media value model-ready (resample, resize, crop...) and
    must return tensors of one fixed shape so a batch can be stacked; ``forward``
    maps that batch to features. Set ``persistent = False`` for frozen
    third-party networks whose weights are not ours to redistribute: they are
    left out of ``model.safetensors`` and rebuilt from their own package.
    """

    input_kind: ClassVar[MediaKind]
    persistent: ClassVar[bool] = True
    #: Options ``prepare`` accepts (name -> type); the pipeline routes them here.
    options: ClassVar[dict[str, type]] = {}

    def load(self, item: Any) -> Image | Audio:
        """Decode one user input (path, bytes, PIL image, array, media value).

        A bare array given to an audio encoder is taken to be at the encoder's own
        ``sample_rate`` (when it has one), the rate its model expects.
        """
        if self.input_kind == "image":
            return Image.load(item)
        return Audio.load(item, sample_rate=getattr(self, "sample_rate", None))

    @abstractmethod
    def prepare(self, media: Any, **options: Any) -> torch.Tensor:
        """One media value -> one fixed-shape tensor (no batch dimension).

        ``options`` holds only the names in :attr:`options` that the caller set.
        """

    @abstractmethod
    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        """A stacked batch of prepared tensors -> features."""


class Translator(nn.Module, ABC):
    """Features (plus optional conditions such as a pitch) -> target representation."""

    #: Conditions ``forward`` accepts as keywords (name -> type), e.g. ``{"pitch": int}``.
    options: ClassVar[dict[str, type]] = {}

    @abstractmethod
    def forward(self, features: torch.Tensor, **condition: Any) -> torch.Tensor: ...


class Decoder(nn.Module, ABC):
    """Target representation -> media values a person can look at or listen to."""

    output_kind: ClassVar[MediaKind]
    #: Options ``forward`` accepts as keywords (name -> type).
    options: ClassVar[dict[str, type]] = {}

    def forward(self, representation: torch.Tensor, **options: Any) -> torch.Tensor:
        """Map the translator's output to media range (identity by default)."""
        return representation

    @abstractmethod
    def to_media(self, batch: torch.Tensor) -> list[Image | Audio]:
        """Split a decoded batch into media values."""


class Metric(ABC):
    """An evaluation that accumulates over batches: ``update`` then ``compute``.

    ``compute`` returns plain floats keyed by metric name, ready for
    ``metrics.json`` and the model card.
    """

    @abstractmethod
    def update(self, *args: Any, **kwargs: Any) -> None: ...

    @abstractmethod
    def compute(self) -> dict[str, float]: ...

    @abstractmethod
    def reset(self) -> None: ...
