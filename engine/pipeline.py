"""Encoder -> Translator -> Decoder, with batching and pretrained-folder I/O.

A plugin subclasses :class:`Pipeline`, names its ``model_type``, gives an
``Architecture`` pydantic model for its hyper-parameters and implements
:meth:`Pipeline.build`. Everything else (accepting any kind of input, batching,
inference mode, ``save_pretrained`` / ``from_pretrained`` / ``push_to_hub``) is
the engine's.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any, ClassVar, Self

import torch
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from torch import nn

from ._version import API_VERSION
from .errors import CheckpointError, MediaError, describe_validation_error
from .interfaces import Decoder, Encoder, Translator
from .media import Audio, Image

__all__ = ["Pipeline", "PipelineConfig"]


class PipelineConfig(BaseModel):
    """``config.json`` of a pretrained folder: enough to rebuild the model exactly."""

    model_config = ConfigDict(extra="forbid", protected_namespaces=())

    model_type: str = Field(min_length=1, description="the registered pipeline type")
    plugin: str = Field(min_length=1, description="the plugin that provides model_type")
    name: str = Field(min_length=1, description="the model's own name, e.g. 'face2nsynth'")
    api_version: str = API_VERSION
    architecture: dict[str, Any] = Field(default_factory=dict)
    preprocessing: dict[str, Any] = Field(default_factory=dict)
    references: dict[str, str] = Field(
        default_factory=dict,
        description="frozen third-party parts used but not copied (name -> package or URL)",
    )
    weights_sha256: str | None = Field(
        default=None, description="sha256 of model.safetensors, checked on load"
    )

    @classmethod
    def read(cls, path: str | os.PathLike[str]) -> PipelineConfig:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CheckpointError(f"{path}: missing (not a pretrained folder?)") from exc
        except (OSError, UnicodeDecodeError) as exc:
            raise CheckpointError(f"{path}: cannot read ({exc})") from exc
        try:
            return cls.model_validate_json(text)
        except ValidationError as exc:
            raise CheckpointError(f"{path}: invalid config ({describe_validation_error(exc)})") from exc


class Pipeline(nn.Module):
    """A complete translation model. Subclass it in a plugin.

    Subclasses set ``model_type`` (unique, used in ``config.json``),
    ``Architecture`` (a pydantic model of hyper-parameters, defaults = the
    bundled model's) and implement :meth:`build`.
    """

    model_type: ClassVar[str] = ""
    Architecture: ClassVar[type[BaseModel]] = BaseModel
    #: Inputs per forward pass in :meth:`translate`.
    batch_size: int = 32
    #: Keyword options ``translate`` accepts (name -> type), e.g. ``{"pitch": int}``;
    #: the CLI exposes each as ``--name VALUE`` and refuses any other.
    options: ClassVar[dict[str, type]] = {}

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

    # -- inference -----------------------------------------------------------
    def translate(self, inputs: Any, **options: Any) -> Any:
        """Translate one input or a list of them; the answer has the same shape.

        Inputs may be paths, bytes, PIL images, arrays or media values. Options
        (``pitch=60``...) go to the translator. Runs in inference mode.
        """
        unknown = sorted(set(options) - set(self.options))
        if unknown:
            allowed = ", ".join(sorted(self.options)) or "none"
            raise MediaError(f"{self.config.name} takes no option {unknown[0]!r} (options: {allowed})")
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

    def demo_inputs(self) -> list[tuple[str, Image | Audio]]:
        """Named sample inputs for ``xmodal demo``, made from local sources.

        The default gives spoken digits to audio models and faces to image
        models; override it when the paper wants other inputs (instruments...).
        """
        from .demo import default_inputs

        return default_inputs(self.encoder.input_kind)

    def translate_batch(self, media: list[Any], **options: Any) -> list[Image | Audio]:
        """Prepared batch through encoder, translator and decoder (override for odd flows)."""
        try:
            batch = torch.stack([self.encoder.prepare(m) for m in media])
        except MediaError:
            raise
        device = next(iter(self.parameters()), torch.empty(0)).device
        features = self.encoder(batch.to(device))
        representation = self.translator(features, **options)
        return self.decoder.to_media(self.decoder(representation))

    # -- weights -------------------------------------------------------------
    def persistent_state_dict(self) -> dict[str, torch.Tensor]:
        """The tensors saved to ``model.safetensors`` (frozen third-party encoders excluded)."""
        state = self.state_dict()
        if not self.encoder.persistent:
            state = {k: v for k, v in state.items() if not k.startswith("encoder.")}
        return {k: v.detach().cpu().contiguous() for k, v in state.items()}

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
    def from_pretrained(cls, ref: str | os.PathLike[str], revision: str | None = None) -> Self:
        """Load from a local folder, a catalogue name or a Hub repo id (``org/name[@rev]``)."""
        from .hub import load

        pipeline = load(ref, revision=revision)
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

        from .hub import push_folder

        with tempfile.TemporaryDirectory(prefix="xmodal-push-") as tmp:
            self.save_pretrained(tmp, metrics=metrics, card=card)
            return push_folder(
                tmp, repo_id, revision=revision, commit_message=commit_message,
                private=private, token=token, endpoint=endpoint,
            )
