"""Finding and loading models by name: the layer that knows plugins.

``engine.load(ref)`` accepts three kinds of reference and resolves them in this
order: an existing local folder; a model name known to an installed plugin (or
to the catalogue, which then says which plugin to install); a Hub repo id
``org/name`` with an optional ``@revision``. The layers below stay ignorant of
plugins: :mod:`engine.hub` moves folders to and from the Hub, and
:mod:`engine.pretrained` reads a folder given the class to build, which this
module looks up in the plugin manager.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import hub
from .catalogue import catalogue
from .errors import CheckpointError, ModelNotFoundError
from .install import install_hint
from .plugins import get_manager
from .registry import suggest

if TYPE_CHECKING:
    import torch

    from .config import PipelineConfig
    from .pipeline import Pipeline

__all__ = ["DEVICE_ENV", "load", "load_folder", "pipeline_class_for", "pull", "push_folder",
           "resolve"]

#: The environment variable that names the default device (``cpu`` when unset).
DEVICE_ENV = "XMODAL_DEVICE"

pull = hub.pull


def _looks_like_path(ref: str) -> bool:
    return ref.startswith((".", "/", "~")) or (os.sep in ref and Path(ref).exists())


def resolve(
    ref: str | os.PathLike[str],
    revision: str | None = None,
    *,
    endpoint: str | None = None,
    token: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """The local folder that ``ref`` names, downloading from the Hub when needed."""
    if isinstance(ref, os.PathLike) or _looks_like_path(str(ref)):
        path = Path(ref).expanduser()
        if not path.is_dir():
            raise ModelNotFoundError(f"{path}: no such model folder")
        return path
    name = str(ref)
    if Path(name).is_dir():
        return Path(name)
    spec = _find_named(name)
    if spec is not None:
        if spec.weights is None:
            raise ModelNotFoundError(f"model {name!r} has no pretrained weights registered")
        weights = spec.weights
        if isinstance(weights, Path) or Path(str(weights)).is_dir():
            return Path(weights)
        return hub.pull(str(weights), revision, endpoint=endpoint, token=token, cache_dir=cache_dir)
    if "/" in name:
        return hub.pull(name, revision, endpoint=endpoint, token=token, cache_dir=cache_dir)
    raise ModelNotFoundError(_unknown_message(name))


def _find_named(name: str) -> Any:
    """The registered ModelSpec for ``name``, importing only the plugin that should have it."""
    manager = get_manager()
    spec = manager.models.get(name)
    if spec is not None:
        return spec
    entry = catalogue().get(name)
    if entry is not None:
        if not manager.is_installed(entry.plugin):
            raise ModelNotFoundError(
                f"model {name!r} is provided by the plugin {entry.plugin!r}, which is not "
                f"installed; {install_hint(entry.plugin)}"
            )
        manager.load(entry.plugin)
        spec = manager.models.get(name)
        info = manager.infos()[entry.plugin]
        if info.state == "failed":
            raise ModelNotFoundError(
                f"model {name!r}: its plugin {entry.plugin!r} failed to load ({info.error})"
            )
        if spec is not None:
            return spec
    if "/" in name:
        return None
    manager.load_all()
    return manager.models.get(name)


def _unknown_message(name: str) -> str:
    manager = get_manager()
    known = set(catalogue()) | set(manager.models.names())
    return f"unknown model {name!r}{suggest(name, known)}; 'xmodal list' shows the known models"


def pipeline_class_for(config: PipelineConfig) -> type[Pipeline]:
    """The pipeline class that the config's plugin registered for its ``model_type``."""
    manager = get_manager()
    plugin = config.plugin
    if not manager.is_installed(plugin):
        raise CheckpointError(
            f"this model needs the plugin {plugin!r}, which is not installed: "
            f"{install_hint(plugin)}"
        )
    manager.load(plugin)
    info = manager.infos()[plugin]
    specs = [spec for _, spec in manager.models.items() if spec.plugin == plugin]
    if info.state == "failed":
        raise CheckpointError(f"the plugin {plugin!r} failed to load ({info.error})")
    for spec in specs:
        cls = spec.pipeline_class()
        if getattr(cls, "model_type", None) == config.model_type:
            return cls
    raise CheckpointError(f"the plugin {plugin!r} provides no model type {config.model_type!r}")


def load_folder(
    folder: str | os.PathLike[str],
    *,
    device: str | torch.device | None = None,
    dtype: torch.dtype | None = None,
) -> Pipeline:
    """Build the pipeline a pretrained folder describes and load its weights strictly."""
    from .pretrained import load_pretrained

    return load_pretrained(folder, pipeline_class_for, device=_device(device), dtype=dtype)


def _device(device: str | torch.device | None) -> str | torch.device:
    """``device``, else ``$XMODAL_DEVICE``, else cpu."""
    if device is not None:
        return device
    return os.environ.get(DEVICE_ENV, "").strip() or "cpu"


def load(
    ref: str | os.PathLike[str],
    revision: str | None = None,
    *,
    device: str | torch.device | None = None,
    dtype: torch.dtype | None = None,
    endpoint: str | None = None,
    token: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Pipeline:
    """Load a pipeline by catalogue name, local folder or Hub repo id (``org/name@rev``).

    ``device`` (default ``$XMODAL_DEVICE``, else cpu) and ``dtype`` (default the
    saved float32) say where and in what precision the model runs.
    """
    folder = resolve(ref, revision, endpoint=endpoint, token=token, cache_dir=cache_dir)
    return load_folder(folder, device=device, dtype=dtype)


def push_folder(
    folder: str | os.PathLike[str],
    repo_id: str,
    *,
    revision: str | None = None,
    commit_message: str | None = None,
    private: bool | None = None,
    token: str | None = None,
    endpoint: str | None = None,
) -> str:
    """Check that ``folder`` loads, then upload it; returns the new commit id."""
    return hub.push_folder(
        folder, repo_id, revision=revision, commit_message=commit_message, private=private,
        token=token, endpoint=endpoint, verify=load_folder,
    )
