"""Frozen helper networks that a plugin bundles: classifiers, metric nets, judges.

A plugin's evaluation often rests on a network it trained once and ships
(a digit classifier, an audio embedding). Those numbers are only comparable
between models while that network stays exactly the same, so it is stored the
way pretrained folders are: ``NAME.safetensors`` (tensors only, never a
pickle) and ``NAME.json`` beside it with whatever the plugin needs to rebuild
the network plus the file's sha256. Both are written atomically, and loading
checks the checksum and every key and shape, so a tampered, truncated or stale
file is one clear :class:`~engine.errors.CheckpointError` instead of quietly
different figures.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

import torch
from torch import nn

from .errors import CheckpointError
from .fileio import atomic_path, atomic_write_text
from .pretrained import check_state, file_sha256, read_weights

__all__ = ["SHA256_KEY", "frozen_paths", "load_frozen", "read_frozen_config", "save_frozen"]

#: The key of ``NAME.json`` that records the sha256 of ``NAME.safetensors``.
SHA256_KEY = "weights_sha256"

M = TypeVar("M", bound=nn.Module)


def frozen_paths(folder: str | os.PathLike[str], name: str) -> tuple[Path, Path]:
    """``(NAME.safetensors, NAME.json)`` in ``folder``: where one frozen network lives."""
    folder = Path(folder)
    return folder / f"{name}.safetensors", folder / f"{name}.json"


def save_frozen(
    module_or_state: nn.Module | Mapping[str, torch.Tensor],
    folder: str | os.PathLike[str],
    name: str,
    *,
    config: Mapping[str, Any] | None = None,
) -> Path:
    """Write the tensors and ``config`` (plus their sha256) as ``NAME.*``; returns the weights path.

    The weights are written first and the config last: a crash in between
    leaves a config whose checksum does not match, which loading refuses.
    """
    from safetensors.torch import save_file

    state = (module_or_state.state_dict() if isinstance(module_or_state, nn.Module)
             else dict(module_or_state))
    tensors = {k: v.detach().cpu().contiguous() for k, v in state.items()}
    config = dict(config or {})
    if SHA256_KEY in config:
        raise ValueError(f"config must not set {SHA256_KEY!r}: save_frozen records it")
    weights, config_path = frozen_paths(folder, name)
    with atomic_path(weights) as tmp:
        save_file(tensors, str(tmp), metadata={"format": "pt"})
    config[SHA256_KEY] = file_sha256(weights)
    atomic_write_text(config_path, json.dumps(config, indent=2) + "\n")
    return weights


def read_frozen_config(folder: str | os.PathLike[str], name: str) -> dict[str, Any]:
    """``NAME.json`` as saved (including the checksum), or a CheckpointError saying what is wrong."""
    _, path = frozen_paths(folder, name)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as exc:
        raise CheckpointError(f"{path}: missing (no frozen network {name!r} here)") from exc
    except (OSError, ValueError) as exc:
        raise CheckpointError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise CheckpointError(f"{path}: expected a JSON object")
    if not isinstance(data.get(SHA256_KEY), str):
        raise CheckpointError(f"{path}: records no {SHA256_KEY}; save it with engine.frozen.save_frozen")
    return data


def load_frozen(
    folder: str | os.PathLike[str], name: str, build: Callable[[dict[str, Any]], M]
) -> tuple[M, dict[str, Any]]:
    """The network ``build(config)`` makes, filled strictly from ``NAME.safetensors`` and frozen.

    Returns the module (eval mode, no parameter requiring gradients) and its
    config. The checksum, then every key and shape, must match.
    """
    config = read_frozen_config(folder, name)
    weights, config_path = frozen_paths(folder, name)
    if not weights.is_file():
        raise CheckpointError(f"{weights}: missing weights file")
    if file_sha256(weights) != config[SHA256_KEY]:
        raise CheckpointError(
            f"{weights}: checksum does not match {config_path.name} (file tampered with or corrupted)"
        )
    found = read_weights(weights, None)
    module = build(config)
    expected = module.state_dict()
    check_state(expected, found, str(weights))
    module.load_state_dict({k: v.to(expected[k].dtype) for k, v in found.items()}, strict=True)
    for parameter in module.parameters():
        parameter.requires_grad_(False)
    return module.eval(), config
