"""Recipe configuration: one pydantic model per recipe, named presets, ``--set`` overrides.

A run is fully described by ``(recipe, preset, overrides)``: the preset picks a
size (``test`` for unit tests, ``cpu-small`` for the quality bar on a laptop,
``paper`` for the paper's sizes) and ``--set key=value`` adjusts single fields.
The resolved config is validated once, saved with the run, and is what
``--resume`` continues with, so a resumed run cannot silently change shape.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import XmodalError, describe_validation_error
from ..registry import suggest

__all__ = [
    "REQUIRED_PRESETS",
    "RecipeConfig",
    "apply_overrides",
    "parse_overrides",
    "resolve_config",
]

#: Every recipe offers at least these presets (checked when a recipe is loaded).
REQUIRED_PRESETS = ("test", "cpu-small", "paper")


class RecipeConfig(BaseModel):
    """The fields the engine's loop reads; a recipe subclasses this and adds its own.

    Defaults describe a small, safe run; presets override them. ``batch_size``
    is the *global* batch: with N processes each gets ``batch_size / N``, so a
    config means the same optimisation whatever the launcher.
    """

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    seed: int = Field(0, description="seeds Python, NumPy and torch on every process")
    steps: int = Field(1000, ge=1, description="training steps (calls of Recipe.train_step)")
    batch_size: int = Field(32, ge=1, description="global batch size over all processes")
    eval_every: int = Field(0, ge=0, description="evaluate every N steps (0: only at the end)")
    checkpoint_every: int = Field(500, ge=0, description="checkpoint every N steps (0: only at the end)")
    log_every: int = Field(10, ge=1, description="write a log.jsonl line every N steps")
    keep_checkpoints: int = Field(2, ge=1, description="most recent checkpoints kept (plus the best)")
    mixed_precision: Literal["no", "bf16", "fp16"] = Field(
        "no", description="autocast dtype for module forwards (bf16 works on CPUs)"
    )
    num_workers: int = Field(0, ge=0, description="data-loader worker processes")
    shuffle: bool = Field(True, description="reshuffle the training set every epoch")
    deterministic: bool = Field(True, description="ask torch for deterministic kernels")
    threads: int = Field(
        0, ge=0, description="torch threads per process (0: torch's default); part of exactness"
    )
    progress: bool = Field(True, description="show a progress bar on the main process")
    eval_split: str = Field("val", description="split evaluated during training")
    final_split: str = Field("test", description="split evaluated for the exported model card")
    ema: float = Field(
        0.0, ge=0.0, lt=1.0, description="decay of the moving average of the recipe's `averaged` "
        "module, which is evaluated and exported instead of its last weights (0: off)"
    )


def _coerce(raw: str) -> Any:
    """A ``--set`` value: JSON where it parses (numbers, lists, true/null), else the string."""
    try:
        return json.loads(raw)
    except ValueError:
        return raw


def parse_overrides(items: Iterable[str]) -> dict[str, Any]:
    """``["a=1", "model.width=32"]`` -> ``{"a": 1, "model.width": 32}``."""
    out: dict[str, Any] = {}
    for item in items:
        key, sep, value = item.partition("=")
        key = key.strip()
        if not sep or not key:
            raise XmodalError(f"--set {item!r}: expected key=value")
        out[key] = _coerce(value.strip())
    return out


def _nest(overrides: Mapping[str, Any]) -> dict[str, Any]:
    """Dotted keys -> nested dicts, so nested config models can be overridden field by field."""
    nested: dict[str, Any] = {}
    for key, value in overrides.items():
        parts = key.split(".")
        node = nested
        for part in parts[:-1]:
            node = node.setdefault(part, {})
            if not isinstance(node, dict):
                raise XmodalError(f"--set {key}: {part!r} is not a group of settings")
        node[parts[-1]] = value
    return nested


def _merge(base: dict[str, Any], extra: Mapping[str, Any]) -> dict[str, Any]:
    out = dict(base)
    for key, value in extra.items():
        if isinstance(value, Mapping) and isinstance(out.get(key), dict):
            out[key] = _merge(out[key], value)
        else:
            out[key] = value
    return out


def _check_keys(config_cls: type[BaseModel], data: Mapping[str, Any], prefix: str = "") -> None:
    """Unknown keys fail with did-you-mean before pydantic's longer message."""
    fields = config_cls.model_fields
    for key, value in data.items():
        if key not in fields:
            raise XmodalError(
                f"unknown setting {prefix + key!r}{suggest(key, fields)}; "
                f"known: {', '.join(sorted(fields))}"
            )
        annotation = fields[key].annotation
        if isinstance(value, Mapping) and isinstance(annotation, type) and issubclass(
            annotation, BaseModel
        ):
            _check_keys(annotation, value, f"{prefix}{key}.")


def _validate(config_cls: type[RecipeConfig], data: dict[str, Any], what: str) -> RecipeConfig:
    _check_keys(config_cls, data)
    try:
        return config_cls.model_validate(data)
    except ValidationError as exc:
        raise XmodalError(f"{what}: {describe_validation_error(exc)}") from exc


def apply_overrides(config: RecipeConfig, overrides: Mapping[str, Any]) -> RecipeConfig:
    """A copy of ``config`` with dotted-key overrides applied and validated."""
    data = _merge(config.model_dump(mode="json"), _nest(overrides))
    return _validate(type(config), data, "--set")


def resolve_config(
    config_cls: type[RecipeConfig],
    presets: Mapping[str, Mapping[str, Any]],
    preset: str,
    overrides: Mapping[str, Any] | None = None,
) -> RecipeConfig:
    """Class defaults, then the preset, then the overrides; validated once."""
    if preset not in presets:
        raise XmodalError(
            f"unknown preset {preset!r}{suggest(preset, presets)}; "
            f"available: {', '.join(sorted(presets))}"
        )
    data = _merge(_nest(presets[preset]), _nest(overrides or {}))
    return _validate(config_cls, data, f"preset {preset!r}")
