"""``config.json`` of a pretrained folder, readable without torch.

The config says which plugin and model type rebuild the model; reading it is
all that ``xmodal info`` and other inspection needs, so it lives apart from
:mod:`engine.pipeline` (which imports torch) and depends only on pydantic.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ._version import API_VERSION
from .errors import CheckpointError, describe_validation_error

__all__ = ["PipelineConfig"]


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
        """Parse and validate ``path``; every failure is one :class:`CheckpointError` line."""
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
