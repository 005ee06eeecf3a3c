"""Finding, loading and publishing pretrained folders.

``engine.load(ref)`` accepts three kinds of reference and resolves them in this
order: an existing local folder; a model name known to an installed plugin (or
to the catalogue, which then says which plugin to install); a Hub repo id
``org/name`` with an optional ``@revision``. Hub traffic goes through
huggingface_hub, so its cache, tokens, ``HF_ENDPOINT`` and ``HF_HUB_OFFLINE``
behave as they do everywhere else in the Hugging Face world.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ._version import API_VERSION
from .catalogue import catalogue
from .errors import CheckpointError, ModelNotFoundError, XmodalError
from .install import install_hint
from .plugins import get_manager
from .registry import suggest

if TYPE_CHECKING:
    from .pipeline import Pipeline

__all__ = ["load", "load_folder", "parse_repo_ref", "pull", "push_folder", "resolve"]

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def parse_repo_ref(ref: str, revision: str | None = None) -> tuple[str, str | None]:
    """Split ``org/name@rev`` into repo id and revision; an explicit ``revision`` wins."""
    repo_id, sep, rev = ref.partition("@")
    if not _REPO_ID.match(repo_id):
        raise ModelNotFoundError(f"{ref!r} is not a Hub repo id of the form org/name[@revision]")
    if sep and not rev:
        raise ModelNotFoundError(f"{ref!r}: empty revision after '@'")
    return repo_id, revision or (rev or None)


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
        return pull(str(weights), revision, endpoint=endpoint, token=token, cache_dir=cache_dir)
    if "/" in name:
        return pull(name, revision, endpoint=endpoint, token=token, cache_dir=cache_dir)
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


def pipeline_class_for(config: Any) -> Any:
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


def load_folder(folder: str | os.PathLike[str]) -> Pipeline:
    """Build the pipeline a pretrained folder describes and load its weights strictly."""
    from .pipeline import PipelineConfig
    from .pretrained import CONFIG_NAME, load_state_into

    folder = Path(folder)
    config = PipelineConfig.read(folder / CONFIG_NAME)
    major = config.api_version.split(".")[0]
    if major != API_VERSION.split(".")[0]:
        raise CheckpointError(
            f"{folder}: saved with engine API {config.api_version}, this engine speaks {API_VERSION}"
        )
    cls = pipeline_class_for(config)
    pipeline: Pipeline = cls.build(config)
    load_state_into(pipeline, folder)
    pipeline.eval()
    pipeline.source = str(folder)  # type: ignore[assignment]
    return pipeline


def load(
    ref: str | os.PathLike[str],
    revision: str | None = None,
    *,
    endpoint: str | None = None,
    token: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Pipeline:
    """Load a pipeline by catalogue name, local folder or Hub repo id (``org/name@rev``)."""
    folder = resolve(ref, revision, endpoint=endpoint, token=token, cache_dir=cache_dir)
    return load_folder(folder)


def pull(
    ref: str,
    revision: str | None = None,
    *,
    endpoint: str | None = None,
    token: str | None = None,
    cache_dir: str | os.PathLike[str] | None = None,
) -> Path:
    """Download (or find in the cache) a Hub repo snapshot; returns its local folder."""
    from huggingface_hub import errors as hf_errors
    from huggingface_hub import snapshot_download

    repo_id, rev = parse_repo_ref(ref, revision)
    where = f"{repo_id}@{rev}" if rev else repo_id
    try:
        path = snapshot_download(
            repo_id, revision=rev, endpoint=endpoint, token=token,
            cache_dir=None if cache_dir is None else Path(cache_dir),
            library_name="xmodal",
        )
    except hf_errors.RevisionNotFoundError as exc:
        raise ModelNotFoundError(f"{where}: no such revision on the Hub") from exc
    except hf_errors.RepositoryNotFoundError as exc:
        raise ModelNotFoundError(f"{where}: no such model repo on the Hub") from exc
    except hf_errors.LocalEntryNotFoundError as exc:
        raise ModelNotFoundError(
            f"{where}: not in the local cache, and the Hub is offline or unreachable"
        ) from exc
    except hf_errors.HfHubHTTPError as exc:
        raise XmodalError(f"{where}: Hub error ({_one_line(exc)})") from exc
    except (OSError, ValueError) as exc:
        raise XmodalError(f"{where}: cannot download ({_one_line(exc)})") from exc
    return Path(path)


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
    """Check that ``folder`` loads, then upload it; returns the new commit id.

    A branch named by ``revision`` is created from main when it does not exist.
    """
    from huggingface_hub import HfApi
    from huggingface_hub import errors as hf_errors

    folder = Path(folder)
    repo_id, rev = parse_repo_ref(repo_id, revision)
    load_folder(folder)  # refuse to publish something that does not load
    api = HfApi(endpoint=endpoint, token=token, library_name="xmodal")
    try:
        api.create_repo(repo_id, private=private, exist_ok=True)
        if rev and rev != "main":
            api.create_branch(repo_id, branch=rev, exist_ok=True)
        info = api.upload_folder(
            repo_id=repo_id, folder_path=folder, revision=rev,
            commit_message=commit_message or f"Upload {folder.name} with xmodal",
        )
    except hf_errors.HfHubHTTPError as exc:
        raise XmodalError(f"push to {repo_id} failed ({_one_line(exc)})") from exc
    except OSError as exc:
        raise XmodalError(f"push to {repo_id} failed ({_one_line(exc)})") from exc
    return str(info.oid)


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())[:300] or type(exc).__name__
