"""Hub transport: download a repo snapshot, upload a folder, parse ``org/name@rev``.

Everything goes through huggingface_hub, so its cache, tokens, ``HF_ENDPOINT``
and ``HF_HUB_OFFLINE`` behave as they do everywhere else in the Hugging Face
world. This module knows nothing of plugins or pipelines: finding which model a
name means is :mod:`engine.loading`'s work, one layer up.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from .errors import ModelNotFoundError, XmodalError

__all__ = ["parse_repo_ref", "pull", "push_folder"]

_REPO_ID = re.compile(r"^[A-Za-z0-9][\w.-]*/[\w.-]+$")


def parse_repo_ref(ref: str, revision: str | None = None) -> tuple[str, str | None]:
    """Split ``org/name@rev`` into repo id and revision; an explicit ``revision`` wins."""
    repo_id, sep, rev = ref.partition("@")
    if not _REPO_ID.match(repo_id):
        raise ModelNotFoundError(f"{ref!r} is not a Hub repo id of the form org/name[@revision]")
    if sep and not rev:
        raise ModelNotFoundError(f"{ref!r}: empty revision after '@'")
    return repo_id, revision or (rev or None)


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
    verify: Callable[[Path], object] | None = None,
) -> str:
    """Upload ``folder``; returns the new commit id.

    ``verify(folder)`` runs first and may raise to refuse the upload
    (:func:`engine.loading.push_folder` passes a full load). A branch named by
    ``revision`` is created from main when it does not exist.
    """
    from huggingface_hub import HfApi
    from huggingface_hub import errors as hf_errors

    folder = Path(folder)
    repo_id, rev = parse_repo_ref(repo_id, revision)
    if verify is not None:
        verify(folder)
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
