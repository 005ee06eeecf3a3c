"""Encoder -> Translator -> Decoder, with batching and pretrained-folder I/O.

A plugin subclasses :class:`Pipeline`, names its ``model_type``, gives an
``Architecture`` pydantic model for its hyper-parameters and implements
:meth:`Pipeline.build`. Everything else (accepting any kind of input, batching,
inference mode, ``save_pretrained`` / ``from_pretrained`` / ``push_to_hub``) is
the engine's.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

import torch
from pydantic import BaseModel, ValidationError
from torch import nn

from .config import PipelineConfig
from .errors import CheckpointError, MediaError, describe_validation_error
from .interfaces import Decoder, Encoder, MediaKind, Translator
from .media import Audio, Image

__all__ = ["Pipeline", "PipelineConfig"]


class Pipeline(nn.Module):
    """A complete translation model. Subclass it in a plugin.

    Subclasses set ``model_type`` (unique, used in ``config.json``),
    ``Architecture`` (a pydantic model of hyper-parameters, defaults = the
    bundled model's) and implement :meth:`build`.

    Three ways in, as PyTorch and Hugging Face users expect: ``pipe(x)`` (and
    :meth:`translate`) for media in, media out; :meth:`forward` for a prepared
    tensor batch in, a decoded tensor batch out (what evaluation code uses);
    ``pipe >> other`` for a chain (:class:`engine.chaining.Chain`).
    """

    model_type: ClassVar[str] = ""
    Architecture: ClassVar[type[BaseModel]] = BaseModel
    #: Inputs per forward pass in :meth:`translate`.
    batch_size: int = 32
    #: What this pipeline's outputs already are, for the next stage of a chain:
    #: options the next pipeline gets unless the user set them (e.g. ``{"crop": "tight"}``
    #: from a model that generates tight face crops).
    produces: ClassVar[dict[str, Any]] = {}

    def __init__(
        self,
        config: PipelineConfig,
        encoder: Encoder,
        translator: Translator,
        decoder: Decoder,
    ) -> None:
        super().__init__()
        self.config = config
        self.encoder = encoder
        self.translator = translator
        self.decoder = decoder

    # -- construction --------------------------------------------------------
    @classmethod
    def build(cls, config: PipelineConfig) -> Self:
        """Construct a randomly initialised pipeline for ``config``."""
        raise NotImplementedError(f"{cls.__name__} must implement build()")

    @classmethod
    def architecture(cls, config: PipelineConfig) -> Any:
        """``config.architecture`` validated by the subclass's ``Architecture`` model."""
        try:
            return cls.Architecture.model_validate(config.architecture)
        except ValidationError as exc:
            raise CheckpointError(
                f"config.json architecture does not fit {cls.__name__} "
                f"({describe_validation_error(exc, 'architecture')})"
            ) from exc

    @classmethod
    def make_config(cls, name: str, plugin: str, **kwargs: Any) -> PipelineConfig:
        """A config for this pipeline type; architecture defaults come from ``Architecture``."""
        arch = kwargs.pop("architecture", {})
        arch = cls.Architecture.model_validate(arch).model_dump(mode="json")
        return PipelineConfig(
            model_type=cls.model_type, plugin=plugin, name=name, architecture=arch, **kwargs
        )

    # -- what it is ------------------------------------------------------------
    @property
    def name(self) -> str:
        return self.config.name

    @property
    def input_kind(self) -> MediaKind:
        return self.encoder.input_kind

    @property
    def output_kind(self) -> MediaKind:
        return self.decoder.output_kind

    @property
    def task(self) -> str:
        """``"audio -> image"`` and the like, as the catalogue and model cards write it."""
        return f"{self.input_kind} -> {self.output_kind}"

    @property
    def options(self) -> dict[str, type]:  # a subclass may still set a plain dict
        """Every keyword option :meth:`translate` accepts (name -> type).

        Each role declares its own (``Encoder.options`` reach ``prepare``,
        ``Translator.options`` reach the translator's ``forward``,
        ``Decoder.options`` the decoder's); the CLI exposes each as ``--name VALUE``.
        """
        return {**self.translator.options, **self.encoder.options, **self.decoder.options}

    @property
    def device(self) -> torch.device:
        """Where the trained parts live (cpu for a pipeline without parameters)."""
        first = next(iter(self.parameters()), None)
        return first.device if first is not None else torch.device("cpu")

    @property
    def dtype(self) -> torch.dtype:
        """The floating-point type of the trained parts (float32 unless moved)."""
        for param in self.parameters():
            if param.is_floating_point():
                return param.dtype
        return torch.float32

    def route_options(self, options: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any],
                                                                 dict[str, Any]]:
        """Split options into (encoder, translator, decoder) keywords; unknown names are refused."""
        accepted = self.options
        unknown = sorted(set(options) - set(accepted))
        if unknown:
            allowed = ", ".join(sorted(accepted)) or "none"
            raise MediaError(f"{self.config.name} takes no option {unknown[0]!r} (options: {allowed})")
        enc = {k: v for k, v in options.items() if k in self.encoder.options}
        dec = {k: v for k, v in options.items() if k in self.decoder.options and k not in enc}
        rest = {k: v for k, v in options.items() if k not in enc and k not in dec}
        return enc, rest, dec

    # -- inference -----------------------------------------------------------
    def __call__(self, inputs: Any, **options: Any) -> Any:
        """``pipe(x)`` is :meth:`translate`: media in, media out."""
        return self.translate(inputs, **options)

    def __rshift__(self, other: Any) -> Any:
        """``a >> b``: a chain that feeds a's outputs to b (kinds must match)."""
        from .chaining import Chain

        return Chain([self]) >> other

    def translate(self, inputs: Any, **options: Any) -> Any:
        """Translate one input or a list of them; the answer has the same shape.

        Inputs may be paths, bytes, PIL images, arrays or media values. Each
        option goes to the role that declares it (see :attr:`options`). Runs in
        inference mode on the pipeline's device.
        """
        self.route_options(options)  # refuse unknown options before decoding anything
        single = not isinstance(inputs, list | tuple)
        items: Sequence[Any] = [inputs] if single else list(inputs)
        if not items:
            return []
        media = [self.encoder.load(item) for item in items]
        self.eval()
        outputs: list[Image | Audio] = []
        with torch.inference_mode():
            for start in range(0, len(media), self.batch_size):
                chunk = media[start : start + self.batch_size]
                outputs.extend(self.translate_batch(chunk, **options))
        return outputs[0] if single else outputs

    def translate_batch(self, media: list[Any], **options: Any) -> list[Image | Audio]:
        """Decoded media through prepare, :meth:`forward` and ``to_media`` (override for odd flows)."""
        enc, trans, dec = self.route_options(options)
        batch = torch.stack([self.encoder.prepare(m, **enc) for m in media])
        decoded = self._run(batch, trans, dec)
        return self.decoder.to_media(decoded.detach().float().cpu())

    def forward(self, batch: torch.Tensor, **options: Any) -> torch.Tensor:
        """A prepared batch (``encoder.prepare`` stacked) -> the decoded batch, as tensors.

        The tensor path evaluation code uses instead of chaining the parts by
        hand: the batch moves to the pipeline's device (and dtype, if floating),
        the features to the translator's, and ``options`` go to the translator
        or decoder that declares them.
        """
        _, trans, dec = self.route_options(options)
        return self._run(batch, trans, dec)

    def _run(self, batch: torch.Tensor, trans: dict[str, Any], dec: dict[str, Any]) -> torch.Tensor:
        """Encoder, translator, decoder on already routed options."""
        device, dtype = self.device, self.dtype
        batch = batch.to(device, dtype) if batch.is_floating_point() else batch.to(device)
        features = self.encoder(batch)
        features = features.to(device, dtype) if features.is_floating_point() else features.to(device)
        representation = self.translator(features, **trans)
        out: torch.Tensor = self.decoder(representation, **dec)
        return out

    # -- weights -------------------------------------------------------------
    def persistent_state_dict(self) -> dict[str, torch.Tensor]:
        """The tensors saved to ``model.safetensors`` (frozen third-party encoders excluded)."""
        state = self.state_dict()
        if not self.encoder.persistent:
            state = {k: v for k, v in state.items() if not k.startswith("encoder.")}
        return {k: v.detach().cpu().contiguous() for k, v in state.items()}

    # The three methods below are the Hugging Face facade users expect on the class.
    # They are the only calls from this layer up to the folder format and the
    # loader (engine.pretrained, engine.loading), imported when called; the
    # import-rule test allows exactly these.
    def save_pretrained(
        self,
        folder: str | os.PathLike[str],
        *,
        metrics: dict[str, Any] | None = None,
        card: Any = None,
    ) -> Path:
        """Write a Hub-compatible folder: config.json, model.safetensors, README.md, metrics.json."""
        from .pretrained import save_pretrained

        return save_pretrained(self, folder, metrics=metrics, card=card)

    @classmethod
    def from_pretrained(
        cls,
        ref: str | os.PathLike[str],
        revision: str | None = None,
        *,
        device: str | torch.device | None = None,
        dtype: torch.dtype | None = None,
    ) -> Self:
        """Load from a local folder, a catalogue name or a Hub repo id (``org/name[@rev]``)."""
        from .loading import load

        pipeline = load(ref, revision=revision, device=device, dtype=dtype)
        if cls is not Pipeline and not isinstance(pipeline, cls):
            raise CheckpointError(
                f"{ref} holds a {type(pipeline).__name__} ({pipeline.config.model_type}), "
                f"not a {cls.__name__}"
            )
        return pipeline  # type: ignore[return-value]

    def push_to_hub(
        self,
        repo_id: str,
        *,
        revision: str | None = None,
        metrics: dict[str, Any] | None = None,
        card: Any = None,
        commit_message: str | None = None,
        private: bool | None = None,
        token: str | None = None,
        endpoint: str | None = None,
    ) -> str:
        """Save to a temporary folder and upload it; returns the commit id."""
        import tempfile

        from .loading import push_folder

        with tempfile.TemporaryDirectory(prefix="xmodal-push-") as tmp:
            self.save_pretrained(tmp, metrics=metrics, card=card)
            return push_folder(
                tmp, repo_id, revision=revision, commit_message=commit_message,
                private=private, token=token, endpoint=endpoint,
            )
