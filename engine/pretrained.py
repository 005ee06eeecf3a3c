"""Pretrained folders: write them, and read them back strictly.

The folder is a valid Hugging Face model repo (config.json, model.safetensors,
README.md, metrics.json). Loading never unpickles anything: tensors come from
safetensors only, every key and shape must match the model, and the file must
match the sha256 recorded in config.json, so a tampered or truncated file is a
clear :class:`~engine.errors.CheckpointError` rather than a silently wrong model.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import torch

from ._version import API_VERSION
from .card import CardInfo, render_card
from .config import PipelineConfig
from .errors import CheckpointError
from .fileio import atomic_path, atomic_write_text

if TYPE_CHECKING:
    from .pipeline import Pipeline

__all__ = [
    "CONFIG_NAME",
    "METRICS_NAME",
    "README_NAME",
    "WEIGHTS_NAME",
    "check_state",
    "file_sha256",
    "load_pretrained",
    "read_metrics",
    "read_weights",
    "save_pretrained",
]

CONFIG_NAME = "config.json"
WEIGHTS_NAME = "model.safetensors"
README_NAME = "README.md"
METRICS_NAME = "metrics.json"


def file_sha256(path: str | os.PathLike[str]) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def save_pretrained(
    pipeline: Pipeline,
    folder: str | os.PathLike[str],
    *,
    metrics: dict[str, Any] | None = None,
    card: CardInfo | None = None,
    task: str = "",
) -> Path:
    """Write ``pipeline`` as a pretrained folder; each file is written atomically."""
    from safetensors.torch import save_file

    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    weights = folder / WEIGHTS_NAME
    with atomic_path(weights) as tmp:
        save_file(pipeline.persistent_state_dict(), str(tmp), metadata={"format": "pt"})
    config = pipeline.config.model_copy(update={"weights_sha256": file_sha256(weights)})
    pipeline.config = config
    atomic_write_text(folder / CONFIG_NAME, config.model_dump_json(indent=2) + "\n")
    if metrics is None and (folder / METRICS_NAME).is_file():
        metrics = read_metrics(folder)
    if metrics is not None:
        atomic_write_text(folder / METRICS_NAME, json.dumps(metrics, indent=2, sort_keys=True) + "\n")
    text = render_card(
        name=config.name, plugin=config.plugin, model_type=config.model_type,
        task=task or pipeline.task, info=card, metrics=metrics,
    )
    atomic_write_text(folder / README_NAME, text)
    return folder


def read_metrics(folder: str | os.PathLike[str]) -> dict[str, Any]:
    path = Path(folder) / METRICS_NAME
    if not path.is_file():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise CheckpointError(f"{path}: expected a JSON object")
    return data


def read_weights(path: str | os.PathLike[str], expected_sha256: str | None) -> dict[str, torch.Tensor]:
    """Tensors from a safetensors file, refusing a missing, truncated or tampered one."""
    from safetensors import SafetensorError
    from safetensors.torch import load_file

    path = Path(path)
    if not path.is_file():
        raise CheckpointError(f"{path}: missing weights file")
    if expected_sha256 is not None and file_sha256(path) != expected_sha256:
        raise CheckpointError(
            f"{path}: checksum does not match config.json (file tampered with or corrupted)"
        )
    try:
        return load_file(str(path))
    except (SafetensorError, OSError, ValueError, RuntimeError) as exc:
        reason = " ".join(str(exc).split())[:160]
        raise CheckpointError(f"{path}: not a valid safetensors file ({reason})") from exc


def check_state(
    expected: dict[str, torch.Tensor], found: dict[str, torch.Tensor], source: str
) -> None:
    """Strict key and shape agreement between a model and saved tensors."""
    missing = sorted(set(expected) - set(found))
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise CheckpointError(f"{source}: missing tensor {missing[0]!r}{more}")
    unexpected = sorted(set(found) - set(expected))
    if unexpected:
        more = f" and {len(unexpected) - 1} more" if len(unexpected) > 1 else ""
        raise CheckpointError(f"{source}: unexpected tensor {unexpected[0]!r}{more}")
    for key, tensor in expected.items():
        if tuple(found[key].shape) != tuple(tensor.shape):
            raise CheckpointError(
                f"{source}: tensor {key!r} has shape {tuple(found[key].shape)}, "
                f"the model expects {tuple(tensor.shape)}"
            )


def load_state_into(pipeline: Pipeline, folder: Path) -> None:
    """Fill ``pipeline`` with the folder's tensors after strict checks."""
    source = str(folder / WEIGHTS_NAME)
    found = read_weights(folder / WEIGHTS_NAME, pipeline.config.weights_sha256)
    expected = pipeline.persistent_state_dict()
    check_state(expected, found, source)
    state = {k: v.to(expected[k].dtype) for k, v in found.items()}
    pipeline.load_state_dict(state, strict=pipeline.encoder.persistent)


def load_pretrained(
    folder: str | os.PathLike[str],
    class_for: Callable[[PipelineConfig], type[Pipeline]],
    *,
    device: str | torch.device = "cpu",
    dtype: torch.dtype | None = None,
) -> Pipeline:
    """Build the pipeline a pretrained folder describes, load its weights strictly, move it.

    ``class_for`` maps the folder's config to the pipeline class (the plugin
    manager's lookup, in :func:`engine.loading.load_folder`): this module reads
    folders and knows nothing of where classes come from.
    """
    folder = Path(folder)
    config = PipelineConfig.read(folder / CONFIG_NAME)
    major = config.api_version.split(".")[0]
    if major != API_VERSION.split(".")[0]:
        raise CheckpointError(
            f"{folder}: saved with engine API {config.api_version}, this engine speaks {API_VERSION}"
        )
    cls = class_for(config)
    pipeline = cls.build(config)
    load_state_into(pipeline, folder)
    pipeline.eval()
    pipeline.source = str(folder)  # type: ignore[assignment]
    try:
        pipeline.to(device=device, dtype=dtype) if dtype is not None else pipeline.to(device)
    except (RuntimeError, AssertionError, ValueError, TypeError) as exc:
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        raise CheckpointError(f"cannot run {config.name} on {device}: {reason}") from exc
    return pipeline
