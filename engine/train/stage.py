"""A frozen network trained once per settings and kept in the user cache: a recipe's earlier stage.

Some recipes need a network trained before their own loop starts and then frozen:
cmgan's S2I-A conditions on a stacked autoencoder, face2nsynth's critic on the
controls a note autoencoder gives real notes. Retraining it on every run (and
every resume, and every ablation row) would cost minutes and, worse, give each
run a different frozen network; keyed by its settings and cached, every run with
the same settings conditions on the very same weights.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from torch import nn

__all__ = ["cached_stage", "stage_paths"]

M = TypeVar("M", bound=nn.Module)


def stage_paths(folder: str, name: str, key: Any) -> tuple[Path, Path]:
    """(weights, info) files of stage ``name`` under the user cache's ``folder`` for ``key``.

    ``key`` is anything JSON can write; its SHA-256 (first 16 hex digits) names the files.
    """
    from engine.catalogue import user_cache_dir

    digest = hashlib.sha256(json.dumps(key).encode()).hexdigest()[:16]
    base = Path(user_cache_dir()) / folder
    return base / f"{name}-{digest}.safetensors", base / f"{name}-{digest}.json"


def cached_stage(folder: str, name: str, key: Any, make: Callable[[], M],
                 fit: Callable[[M], dict[str, Any]]) -> tuple[M, dict[str, Any]]:
    """The network ``make()`` trained by ``fit`` (which returns what it measured), cached by ``key``.

    On a cache hit the weights are loaded (safetensors) and ``fit`` is not
    called. Either way the network comes back frozen and in eval mode, with
    ``fit``'s record. Files are written atomically, so an interrupted first run
    leaves no half-written stage behind.
    """
    from safetensors.torch import load_file, save_file

    from engine.fileio import atomic_path, atomic_write_text

    weights, meta = stage_paths(folder, name, key)
    model = make()
    if weights.is_file() and meta.is_file():
        model.load_state_dict(load_file(str(weights)))
        info: dict[str, Any] = json.loads(meta.read_text())
    else:
        info = fit(model)
        weights.parent.mkdir(parents=True, exist_ok=True)
        with atomic_path(weights) as tmp:
            save_file({k: v.detach().contiguous() for k, v in model.state_dict().items()}, str(tmp))
        atomic_write_text(meta, json.dumps(info))
    model.requires_grad_(False)
    return model.eval(), info
