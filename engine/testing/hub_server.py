"""A small Hugging Face Hub look-alike served over HTTP on 127.0.0.1, for the test-suite.

Why it exists: the real Hub is out of reach where the tests run, yet the engine's hub code
must be checked against the *real* ``huggingface_hub`` client, whose caching, offline
fallback and error classes hinge on exact HTTP details. This server speaks just enough of
the Hub's HTTP API for that client (2.x, httpx based) to create repos, commit, branch, tag
and download by branch, tag or commit id.

Choices that keep the client on the simple path:

* every file is committed "regular" (base64 inline in the ndjson commit): the preupload
  answer never says "lfs" and no Xet header is ever sent, so the client never reaches for
  a storage backend that does not exist here;
* ``GET``/``HEAD /{repo}/resolve/{rev}/{path}`` answer ``200`` directly (no redirect) with
  ``X-Repo-Commit``, ``ETag`` (the git blob id, as the Hub does for non-LFS files) and
  ``Content-Length``; ``X-Linked-Etag``/``X-Linked-Size`` are LFS-only and never sent;
* errors carry the ``X-Error-Code`` the client maps to ``RepositoryNotFoundError``,
  ``RevisionNotFoundError`` and ``RemoteEntryNotFoundError``.

Storage is plain files under ``root``: blobs addressed by sha256 and shared by every repo
and commit, one JSON document per commit holding its full snapshot, one JSON of refs per
repo. A server restarted on the same ``root`` sees the same repos (on a new port).
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import socketserver
import tempfile
import threading
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, NamedTuple, cast
from urllib.parse import parse_qs, unquote, urlsplit

__all__ = ["HubServer", "patch_hub_endpoint"]

logger = logging.getLogger(__name__)

_REPO_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
_URL_PREFIXES = {"model": "", "dataset": "datasets/", "space": "spaces/"}
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?")
_COMMIT_ID = re.compile(r"[0-9a-f]{40}")
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_DEFAULT_BRANCH = "main"
_USER = "user"


# --------------------------------------------------------------------------- errors


class _HubError(Exception):
    """An HTTP error shaped like the Hub's, so the client raises its matching exception."""

    def __init__(
        self, status: int, message: str, code: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = dict(headers or {})


def _repo_not_found(repo_id: str) -> _HubError:
    return _HubError(404, f"Repository not found: {repo_id}", "RepoNotFound")


def _revision_not_found(revision: str) -> _HubError:
    return _HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")


def _entry_not_found(message: str, commit_id: str) -> _HubError:
    """404 for a missing path; ``X-Repo-Commit`` lets the client cache the absence per commit."""
    return _HubError(404, message, "EntryNotFound", {"X-Repo-Commit": commit_id})


def _bad_request(message: str) -> _HubError:
    return _HubError(400, message)


# --------------------------------------------------------------------------- data


class _RepoKey(NamedTuple):
    """A repo is named by its type and id, as on the Hub (a model and a dataset may share an id)."""

    repo_type: str
    repo_id: str


@dataclass(frozen=True)
class _File:
    """One file of a snapshot: where its bytes are (sha256) and what git calls it (oid)."""

    sha256: str
    size: int
    oid: str


@dataclass(frozen=True)
class _Commit:
    """A commit with its full snapshot, so reading any revision needs no history walk."""

    id: str
    parent: str | None
    title: str
    message: str
    date: str
    files: dict[str, _File]

    def to_json(self) -> dict[str, Any]:
        files = {path: vars(entry) for path, entry in sorted(self.files.items())}
        return {**vars(self), "files": files}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> _Commit:
        files = {path: _File(**entry) for path, entry in data["files"].items()}
        return cls(**{**data, "files": files})


@dataclass
class _Refs:
    """Named pointers of one repo: branches, tags and pull-request refs (``refs/pr/N``)."""

    created: str
    branches: dict[str, str]
    tags: dict[str, str] = field(default_factory=dict)
    pulls: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class _Op:
    """One operation of a commit payload: ``add``, ``delete`` or ``delete_folder``."""

    kind: str
    path: str
    data: bytes = b""


def _now() -> str:
    """The Hub's timestamp format, which the client parses back into a datetime."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _git_oid(data: bytes) -> str:
    """The git blob id: what the Hub reports (and the client compares) for regular files."""
    return hashlib.sha1(b"blob %d\0" % len(data) + data).hexdigest()


def _write_json(path: Path, data: Any) -> None:
    """Write through a temporary sibling and rename, so a reader never sees half a file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{threading.get_ident()}.tmp")
    tmp.write_text(json.dumps(data, indent=1), encoding="utf-8")
    os.replace(tmp, path)


# --------------------------------------------------------------------------- storage


class _Store:
    """Repos, commits and blobs on disk; one lock makes every operation atomic."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.RLock()

    # -- layout

    def _repo_dir(self, key: _RepoKey) -> Path:
        return self.root / "repos" / key.repo_type / key.repo_id

    def _blob_path(self, sha256: str) -> Path:
        return self.root / "blobs" / sha256[:2] / sha256

    # -- repos and refs

    def exists(self, key: _RepoKey) -> bool:
        return (self._repo_dir(key) / "refs.json").is_file()

    def create_repo(self, key: _RepoKey) -> bool:
        """Create ``key`` with an empty initial commit on ``main``; False if it exists."""
        with self.lock:
            if self.exists(key):
                return False
            initial = self._write_commit(key, None, "initial commit", "", {})
            refs = _Refs(created=initial.date, branches={_DEFAULT_BRANCH: initial.id})
            self._save_refs(key, refs)
            return True

    def delete_repo(self, key: _RepoKey) -> None:
        with self.lock:
            self.load_refs(key)
            shutil.rmtree(self._repo_dir(key))

    def load_refs(self, key: _RepoKey) -> _Refs:
        try:
            data = json.loads((self._repo_dir(key) / "refs.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise _repo_not_found(key.repo_id) from None
        return _Refs(**data)

    def _save_refs(self, key: _RepoKey, refs: _Refs) -> None:
        _write_json(self._repo_dir(key) / "refs.json", vars(refs))

    # -- commits

    def resolve(self, key: _RepoKey, revision: str) -> str:
        """Commit id for a branch, tag, ``refs/...`` name or full commit id."""
        with self.lock:
            refs = self.load_refs(key)
            found = _lookup_ref(refs, revision)
            if found is None and _COMMIT_ID.fullmatch(revision) and self._has_commit(key, revision):
                found = revision
            if found is None:
                raise _revision_not_found(revision)
            return found

    def snapshot(self, key: _RepoKey, revision: str) -> _Commit:
        return self.commit(key, self.resolve(key, revision))

    def commit(self, key: _RepoKey, commit_id: str) -> _Commit:
        path = self._repo_dir(key) / "commits" / f"{commit_id}.json"
        return _Commit.from_json(json.loads(path.read_text(encoding="utf-8")))

    def _has_commit(self, key: _RepoKey, commit_id: str) -> bool:
        return (self._repo_dir(key) / "commits" / f"{commit_id}.json").is_file()

    def history(self, key: _RepoKey, revision: str) -> list[_Commit]:
        """Commits reachable from ``revision``, newest first."""
        with self.lock:
            commits = [self.snapshot(key, revision)]
            while commits[-1].parent is not None:
                commits.append(self.commit(key, commits[-1].parent))
            return commits

    def _write_commit(
        self, key: _RepoKey, parent: str | None, title: str, message: str,
        files: dict[str, _File],
    ) -> _Commit:
        date = _now()
        listing = sorted((path, entry.oid) for path, entry in files.items())
        seed = json.dumps([parent, title, message, date, listing]).encode()
        commit = _Commit(hashlib.sha1(seed).hexdigest(), parent, title, message, date, files)
        _write_json(self._repo_dir(key) / "commits" / f"{commit.id}.json", commit.to_json())
        return commit

    # -- blobs

    def put_blob(self, data: bytes) -> _File:
        """Store ``data`` once, whatever number of repos and commits refer to it."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = self._blob_path(sha256)
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{sha256}.{threading.get_ident()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return _File(sha256=sha256, size=len(data), oid=_git_oid(data))

    def read_blob(self, entry: _File) -> bytes:
        return self._blob_path(entry.sha256).read_bytes()

    # -- writes

    def apply(
        self, key: _RepoKey, revision: str, ops: list[_Op], header: Mapping[str, Any],
        create_pr: bool,
    ) -> tuple[_Commit, int | None]:
        """Commit ``ops`` on top of branch (or PR ref) ``revision``; with ``create_pr``, on a new
        ``refs/pr/N`` started from it. Returns the commit and the PR number, if one was opened."""
        with self.lock:
            refs = self.load_refs(key)
            head = _branch_head(refs, revision)
            if head is None:
                raise _revision_not_found(revision)
            parent = header.get("parentCommit")
            if parent and parent != head:
                raise _HubError(412, "A commit has happened since. Please refresh and try again.")
            files = _apply_ops(dict(self.commit(key, head).files), ops, head, self.put_blob)
            title, message = str(header.get("summary", "")), str(header.get("description", ""))
            commit = self._write_commit(key, head, title, message, files)
            pr_num = _move_ref(refs, revision, commit.id, create_pr)
            self._save_refs(key, refs)
            return commit, pr_num

    def create_ref(self, key: _RepoKey, kind: str, name: str, start: str) -> None:
        """Create branch or tag ``name`` at ``start``; 409 if the name is taken."""
        with self.lock:
            refs = self.load_refs(key)
            target = refs.branches if kind == "branch" else refs.tags
            if not name or name.startswith("refs/") or name in target:
                raise _HubError(409, f"Invalid {kind} name or {kind} already exists: {name}")
            target[name] = self.resolve(key, start)
            self._save_refs(key, refs)

    def delete_ref(self, key: _RepoKey, kind: str, name: str) -> None:
        with self.lock:
            refs = self.load_refs(key)
            target = refs.branches if kind == "branch" else refs.tags
            if name not in target:
                raise _revision_not_found(name)
            if kind == "branch" and name == _DEFAULT_BRANCH:
                raise _HubError(403, "Cannot delete the default branch")
            del target[name]
            self._save_refs(key, refs)


def _lookup_ref(refs: _Refs, revision: str) -> str | None:
    """Commit named by a branch, a tag, or a full ``refs/heads|tags|pr/...`` name."""
    if revision in refs.branches:
        return refs.branches[revision]
    if revision in refs.tags:
        return refs.tags[revision]
    return _full_ref(refs, revision, ("heads", "tags", "pr"))


def _branch_head(refs: _Refs, revision: str) -> str | None:
    """Head of a ref a commit may move: a branch or a PR ref, never a tag or a commit id."""
    if revision in refs.branches:
        return refs.branches[revision]
    return _full_ref(refs, revision, ("heads", "pr"))


def _full_ref(refs: _Refs, revision: str, kinds: tuple[str, ...]) -> str | None:
    """Commit of a ``refs/<kind>/<name>`` revision (names may hold slashes) of an allowed kind."""
    parts = revision.split("/", 2)
    if len(parts) != 3 or parts[0] != "refs" or parts[1] not in kinds:
        return None
    return {"heads": refs.branches, "tags": refs.tags, "pr": refs.pulls}[parts[1]].get(parts[2])


def _move_ref(refs: _Refs, revision: str, commit_id: str, create_pr: bool) -> int | None:
    """Point ``revision`` (or a new PR ref, with ``create_pr``) at ``commit_id``."""
    if create_pr:
        number = max((int(n) for n in refs.pulls), default=0) + 1
        refs.pulls[str(number)] = commit_id
        return number
    if revision.startswith("refs/pr/"):
        refs.pulls[revision.removeprefix("refs/pr/")] = commit_id
    else:
        refs.branches[revision.removeprefix("refs/heads/")] = commit_id
    return None


def _apply_ops(
    files: dict[str, _File], ops: list[_Op], head: str, put_blob: Callable[[bytes], _File],
) -> dict[str, _File]:
    """The snapshot after ``ops``; deleting a missing path is an EntryNotFound, as on the Hub."""
    for op in ops:
        if op.kind == "add":
            files[op.path] = put_blob(op.data)
        elif op.kind == "delete":
            if files.pop(op.path, None) is None:
                raise _entry_not_found(f"A file with this name doesn't exist: {op.path}", head)
        else:
            doomed = [path for path in files if path.startswith(op.path + "/")]
            if not doomed:
                raise _entry_not_found(f"A folder with this name doesn't exist: {op.path}", head)
            for path in doomed:
                del files[path]
    return files


# --------------------------------------------------------------------------- payloads


def _clean_path(path: Any) -> str:
    """A repo-relative POSIX path; anything that could escape the repo is a 400."""
    text = str(path).strip("/") if isinstance(path, str) else ""
    parts = text.split("/")
    if not text or any(part in ("", ".", "..") for part in parts):
        raise _bad_request(f"Invalid path in repo: {path!r}")
    return text


def _parse_commit_payload(body: bytes) -> tuple[dict[str, Any], list[_Op]]:
    """Read the client's ndjson commit: one header line, then one line per operation."""
    header: dict[str, Any] | None = None
    ops: list[_Op] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        key, value = item.get("key"), item.get("value") or {}
        if key == "header":
            header = value
        elif key == "file":
            ops.append(_Op("add", _clean_path(value.get("path")), _decode_content(value)))
        elif key in ("deletedFile", "deletedFolder"):
            kind = "delete" if key == "deletedFile" else "delete_folder"
            ops.append(_Op(kind, _clean_path(value.get("path"))))
        elif key == "lfsFile":
            raise _HubError(422, "This test Hub takes regular (inline) files only, not LFS")
        else:
            raise _bad_request(f"Unknown commit operation: {key!r}")
    if header is None or not header.get("summary"):
        raise _bad_request("The commit payload needs a header with a summary")
    return header, ops


def _decode_content(value: Mapping[str, Any]) -> bytes:
    content = str(value.get("content", ""))
    if value.get("encoding") == "base64":
        return base64.b64decode(content, validate=True)
    return content.encode("utf-8")


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """Inclusive ``(start, end)`` of a single ``Range: bytes=...``; None means the whole file.

    The client only sends one when resuming a broken download."""
    match = _RANGE.fullmatch((header or "").strip())
    if match is None or not (match[1] or match[2]):
        return None
    if match[1]:
        start, end = int(match[1]), int(match[2]) if match[2] else size - 1
    else:
        start, end = max(size - int(match[2]), 0), size - 1
    if start >= size or end < start:
        raise _HubError(416, "Range not satisfiable", headers={"Content-Range": f"bytes */{size}"})
    return start, min(end, size - 1)


def _is_true(values: list[str] | None) -> bool:
    """A query flag as httpx encodes a Python bool (``true``), or as ``1``."""
    return values is not None and values[-1].lower() in ("1", "true", "yes")


# --------------------------------------------------------------------------- tree listings


def _file_json(path: str, entry: _File) -> dict[str, Any]:
    """A tree entry without ``lfs``/``xetHash``: the client then treats the file as regular."""
    return {"type": "file", "oid": entry.oid, "size": entry.size, "path": path}


def _folder_json(path: str, files: Mapping[str, _File]) -> dict[str, Any]:
    inside = sorted((p, e.oid) for p, e in files.items() if p.startswith(path + "/"))
    oid = hashlib.sha1(json.dumps(inside).encode()).hexdigest()
    return {"type": "directory", "oid": oid, "size": 0, "path": path}


def _folders(files: Mapping[str, _File]) -> set[str]:
    return {path.rsplit("/", i)[0] for path in files for i in range(1, path.count("/") + 1)}


def _tree(commit: _Commit, folder: str, recursive: bool) -> list[dict[str, Any]]:
    """Entries under ``folder`` ("" for the root), as ``/api/{type}s/{id}/tree/{rev}/{folder}``."""
    folders = _folders(commit.files)
    if folder and folder not in folders:
        raise _entry_not_found(f"{folder} does not exist on \"{commit.id}\"", commit.id)
    prefix = folder + "/" if folder else ""

    def wanted(path: str) -> bool:
        rest = path[len(prefix):]
        return path.startswith(prefix) and bool(rest) and (recursive or "/" not in rest)

    entries = [_folder_json(p, commit.files) for p in sorted(folders) if wanted(p)]
    entries += [_file_json(p, e) for p, e in sorted(commit.files.items()) if wanted(p)]
    return entries


def _paths_info(commit: _Commit, paths: list[str]) -> list[dict[str, Any]]:
    """Entries for the given paths; unknown paths are left out, as the Hub does."""
    folders = _folders(commit.files)
    entries = []
    for path in (p.strip("/") for p in paths):
        if path in commit.files:
            entries.append(_file_json(path, commit.files[path]))
        elif path in folders:
            entries.append(_folder_json(path, commit.files))
    return entries


# --------------------------------------------------------------------------- the API


def _checked_key(repo_type: str, namespace: Any, name: Any) -> _RepoKey:
    """Key of ``namespace/name``; a name outside the Hub's rules (``..``) is a RepoNotFound."""
    repo_id = f"{namespace}/{name}"
    if not all(isinstance(part, str) and _NAME.fullmatch(part) for part in (namespace, name)):
        raise _repo_not_found(repo_id)
    return _RepoKey(repo_type, repo_id)


@dataclass(frozen=True)
class _Request:
    """What a route needs of an HTTP request: unquoted path parameters, query, headers, body."""

    method: str
    params: dict[str, str]
    query: dict[str, list[str]]
    headers: Mapping[str, str]
    body: bytes

    def json(self) -> Any:
        if not self.body:
            return {}
        try:
            return json.loads(self.body)
        except ValueError:
            raise _bad_request("Request body is not valid JSON") from None

    def form_or_json(self) -> dict[str, Any]:
        """``paths-info`` is posted as a form by the client, but JSON is accepted too."""
        if "json" in self.headers.get("content-type", ""):
            return dict(self.json())
        return parse_qs(self.body.decode("utf-8"))


@dataclass
class _Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> _Response:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json"})


def _error_response(error: _HubError) -> _Response:
    response = _Response.json({"error": error.message}, error.status)
    response.headers["X-Error-Message"] = error.message
    if error.code:
        response.headers["X-Error-Code"] = error.code
    response.headers.update(error.headers)
    return response


class _App:
    """The Hub API, free of HTTP plumbing: one method per route, each taking a ``_Request``."""

    def __init__(self, store: _Store, endpoint: str, token: str | None) -> None:
        self.store = store
        self.endpoint = endpoint
        self.token = token

    def handle(
        self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes,
    ) -> _Response:
        url = urlsplit(raw_path)
        try:
            route, params = _find_route(method, url.path)
            if route.write:
                self._check_auth(headers)
            request = _Request(method, params, parse_qs(url.query), headers, body)
            return route.action(self, request)
        except _HubError as error:
            return _error_response(error)
        except Exception:
            logger.exception("test Hub failed on %s %s", method, raw_path)
            return _error_response(_HubError(500, "Internal error in the test Hub"))

    def _check_auth(self, headers: Mapping[str, str]) -> None:
        """With a token set, writes need ``Authorization: Bearer <token>``; reads stay open."""
        if self.token is None:
            return
        auth = headers.get("authorization")
        if auth is None:
            raise _HubError(401, "Invalid username or password.")
        if auth != f"Bearer {self.token}":
            raise _HubError(401, "Invalid credentials in Authorization header")

    # -- helpers

    @staticmethod
    def _key(request: _Request) -> _RepoKey:
        """The repo a URL names; a name that could not have been created (``..``) is not found."""
        repo_type = _REPO_TYPES[request.params.get("kind") or "models"]
        return _checked_key(repo_type, request.params["ns"], request.params["name"])

    def _repo_url(self, key: _RepoKey) -> str:
        return f"{self.endpoint}/{_URL_PREFIXES[key.repo_type]}{key.repo_id}"

    # -- repos

    def create_repo(self, request: _Request) -> _Response:
        body = request.json()
        name, org = body.get("name"), body.get("organization")
        repo_type = body.get("type") or "model"
        if not (isinstance(org, str) and _NAME.fullmatch(org)):
            raise _bad_request("This test Hub needs an 'org/name' repo id")
        if not (isinstance(name, str) and _NAME.fullmatch(name)) or repo_type not in _URL_PREFIXES:
            raise _bad_request(f"Invalid repo name or type: {name!r}, {repo_type!r}")
        key = _RepoKey(repo_type, f"{org}/{name}")
        url = self._repo_url(key)
        if not self.store.create_repo(key):
            return _Response.json({"error": "You already created this repo", "url": url}, 409)
        return _Response.json({"url": url, "name": key.repo_id, "id": key.repo_id})

    def delete_repo(self, request: _Request) -> _Response:
        body = request.json()
        repo_type = body.get("type") or "model"
        if repo_type not in _URL_PREFIXES:
            raise _bad_request(f"Invalid repo type: {repo_type!r}")
        self.store.delete_repo(_checked_key(repo_type, body.get("organization"), body.get("name")))
        return _Response.json({})

    def repo_info(self, request: _Request) -> _Response:
        key = self._key(request)
        commit = self.store.snapshot(key, request.params.get("rev", _DEFAULT_BRANCH))
        with_blobs = _is_true(request.query.get("blobs"))
        siblings = [
            {"rfilename": path, **({"size": entry.size, "blobId": entry.oid} if with_blobs else {})}
            for path, entry in sorted(commit.files.items())
        ]
        info = {
            "_id": hashlib.sha1(repr(key).encode()).hexdigest()[:24], "id": key.repo_id,
            "author": key.repo_id.split("/")[0], "sha": commit.id, "lastModified": commit.date,
            "createdAt": self.store.load_refs(key).created, "private": False, "disabled": False,
            "gated": False, "downloads": 0, "likes": 0, "tags": [], "siblings": siblings,
        }
        if key.repo_type == "model":
            info["modelId"] = key.repo_id
        return _Response.json(info)

    def whoami(self, request: _Request) -> _Response:
        if self.token is not None:
            self._check_auth(request.headers)
        return _Response.json({
            "type": "user", "name": _USER, "fullname": "Test User", "orgs": [],
            "auth": {"type": "access_token",
                     "accessToken": {"displayName": "test", "role": "write"}},
        })

    def validate_yaml(self, request: _Request) -> _Response:
        """Model-card metadata is not checked here: every README is accepted."""
        return _Response.json({"errors": [], "warnings": []})

    # -- reading a revision

    def tree(self, request: _Request) -> _Response:
        commit = self.store.snapshot(self._key(request), request.params["rev"])
        folder = request.params.get("path", "").strip("/")
        return _Response.json(_tree(commit, folder, _is_true(request.query.get("recursive"))))

    def paths_info(self, request: _Request) -> _Response:
        commit = self.store.snapshot(self._key(request), request.params["rev"])
        paths = request.form_or_json().get("paths") or []
        return _Response.json(_paths_info(commit, [paths] if isinstance(paths, str) else paths))

    def refs(self, request: _Request) -> _Response:
        refs = self.store.load_refs(self._key(request))

        def listing(kind: str, table: Mapping[str, str]) -> list[dict[str, str]]:
            return [
                {"name": name, "ref": f"refs/{kind}/{name}", "targetCommit": commit}
                for name, commit in sorted(table.items())
            ]

        pulls = [
            {"name": f"refs/pr/{n}", "ref": f"refs/pr/{n}", "targetCommit": commit}
            for n, commit in sorted(refs.pulls.items(), key=lambda item: int(item[0]))
        ]
        return _Response.json({
            "branches": listing("heads", refs.branches), "tags": listing("tags", refs.tags),
            "converts": [], "pullRequests": pulls,
        })

    def commits(self, request: _Request) -> _Response:
        history = self.store.history(self._key(request), request.params["rev"])
        return _Response.json([
            {"id": c.id, "title": c.title, "message": c.message, "date": c.date,
             "authors": [{"user": _USER}]}
            for c in history
        ])

    def resolve(self, request: _Request) -> _Response:
        """File bytes (GET) or only their metadata (HEAD), as ``file_download.py`` reads them."""
        commit = self.store.snapshot(self._key(request), request.params["rev"])
        path = request.params["path"]
        entry = commit.files.get(path)
        if entry is None:
            raise _entry_not_found(f"Entry not found: {path}", commit.id)
        headers = {
            "X-Repo-Commit": commit.id, "ETag": f'"{entry.oid}"', "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream", "Content-Length": str(entry.size),
        }
        if request.method == "HEAD":
            return _Response(200, b"", headers)
        data = self.store.read_blob(entry)
        span = _byte_range(request.headers.get("range"), entry.size)
        if span is None:
            return _Response(200, data, headers)
        start, end = span
        headers.update({"Content-Range": f"bytes {start}-{end}/{entry.size}",
                        "Content-Length": str(end - start + 1)})
        return _Response(206, data[start:end + 1], headers)

    # -- writing

    def preupload(self, request: _Request) -> _Response:
        """Every file is "regular"; the current ``oid`` lets the client skip unchanged files."""
        commit = self.store.snapshot(self._key(request), request.params["rev"])
        files = []
        for item in request.json().get("files", []):
            path = _clean_path(item.get("path"))
            current = commit.files.get(path)
            files.append({"path": path, "uploadMode": "regular", "shouldIgnore": False,
                          "oid": current.oid if current else None})
        return _Response.json({"files": files, "commitOid": commit.id})

    def commit(self, request: _Request) -> _Response:
        key = self._key(request)
        header, ops = _parse_commit_payload(request.body)
        create_pr = _is_true(request.query.get("create_pr"))
        commit, pr_num = self.store.apply(key, request.params["rev"], ops, header, create_pr)
        repo_url = self._repo_url(key)
        return _Response.json({
            "success": True, "commitOid": commit.id, "commitUrl": f"{repo_url}/commit/{commit.id}",
            "hookOutput": "",
            "pullRequestUrl": f"{repo_url}/discussions/{pr_num}" if pr_num is not None else None,
        })

    def create_branch(self, request: _Request) -> _Response:
        start = request.json().get("startingPoint") or _DEFAULT_BRANCH
        self.store.create_ref(self._key(request), "branch", request.params["rev"], start)
        return _Response.json({})

    def delete_branch(self, request: _Request) -> _Response:
        self.store.delete_ref(self._key(request), "branch", request.params["rev"])
        return _Response.json({})

    def create_tag(self, request: _Request) -> _Response:
        tag = request.json().get("tag")
        if not isinstance(tag, str):
            raise _bad_request("Missing tag name")
        self.store.create_ref(self._key(request), "tag", tag, request.params["rev"])
        return _Response.json({})

    def delete_tag(self, request: _Request) -> _Response:
        self.store.delete_ref(self._key(request), "tag", request.params["rev"])
        return _Response.json({})


# --------------------------------------------------------------------------- routing


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    action: Callable[[_App, _Request], _Response]
    write: bool = False


def _routes() -> list[_Route]:
    """The endpoints, matched against the raw (still quoted) path.

    Revisions arrive quoted as one segment (``refs%2Fpr%2F1``); a raw ``refs/pr/1`` is taken
    too. Parameters are unquoted after matching, so quoted slashes never split a match."""
    repo = r"/api/(?P<kind>models|datasets|spaces)/(?P<ns>[^/]+)/(?P<name>[^/]+)"
    rev = r"(?P<rev>refs/(?:heads|tags|pr|convert)/[^/]+|[^/]+)"
    resolve = r"/(?:(?P<kind>datasets|spaces)/)?(?P<ns>[^/]+)/(?P<name>[^/]+)/resolve/"
    table: list[tuple[str, str, Callable[[_App, _Request], _Response], bool]] = [
        ("POST", "/api/repos/create", _App.create_repo, True),
        ("DELETE", "/api/repos/delete", _App.delete_repo, True),
        ("POST", "/api/validate-yaml", _App.validate_yaml, False),
        ("GET", "/api/whoami-v2", _App.whoami, False),
        ("GET", repo, _App.repo_info, False),
        ("GET", repo + r"/revision/(?P<rev>.+)", _App.repo_info, False),
        ("GET", repo + "/tree/" + rev + r"(?:/(?P<path>.*))?", _App.tree, False),
        ("POST", repo + "/paths-info/" + rev, _App.paths_info, False),
        ("GET", repo + "/refs", _App.refs, False),
        ("GET", repo + "/commits/" + rev, _App.commits, False),
        ("POST", repo + "/preupload/" + rev, _App.preupload, True),
        ("POST", repo + "/commit/" + rev, _App.commit, True),
        ("POST", repo + r"/branch/(?P<rev>.+)", _App.create_branch, True),
        ("DELETE", repo + r"/branch/(?P<rev>.+)", _App.delete_branch, True),
        ("POST", repo + r"/tag/(?P<rev>.+)", _App.create_tag, True),
        ("DELETE", repo + r"/tag/(?P<rev>.+)", _App.delete_tag, True),
        ("GET", resolve + rev + r"/(?P<path>.+)", _App.resolve, False),
        ("HEAD", resolve + rev + r"/(?P<path>.+)", _App.resolve, False),
    ]
    return [_Route(method, re.compile(pattern), action, write)
            for method, pattern, action, write in table]


_ROUTES = _routes()


def _find_route(method: str, path: str) -> tuple[_Route, dict[str, str]]:
    """The route for ``method path`` and its unquoted parameters; 404 or 405 otherwise."""
    allowed = False
    for route in _ROUTES:
        match = route.pattern.fullmatch(path)
        if match is None:
            continue
        if route.method == method:
            return route, {k: unquote(v) for k, v in match.groupdict().items() if v is not None}
        allowed = True
    if allowed:
        raise _HubError(405, f"Method {method} not allowed on {path}")
    raise _HubError(404, f"Not found: {path}")


# --------------------------------------------------------------------------- HTTP plumbing


class _HTTPServer(ThreadingHTTPServer):
    """Threaded server whose ``server_close`` joins every request thread (no stragglers)."""

    daemon_threads = True
    block_on_close = True

    def __init__(self, app_holder: list[_App]) -> None:
        self.app_holder = app_holder
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        """Bind without ``HTTPServer``'s reverse DNS lookup, which can stall with no network."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.socket.getsockname()[1]


class _Handler(BaseHTTPRequestHandler):
    """Reads the whole request, lets ``_App`` answer, writes the answer.

    HTTP/1.0: every connection closes after one answer, so no thread waits on an idle
    keep-alive socket when the server stops."""

    protocol_version = "HTTP/1.0"

    def do_GET(self) -> None:
        self._serve("GET")

    def do_HEAD(self) -> None:
        self._serve("HEAD")

    def do_POST(self) -> None:
        self._serve("POST")

    def do_PUT(self) -> None:
        self._serve("PUT")

    def do_DELETE(self) -> None:
        self._serve("DELETE")

    def _serve(self, method: str) -> None:
        # Read the body first even when refusing it: closing with unread data resets the
        # connection and the client would see a network error instead of our answer.
        body = self._read_body()
        headers = {key.lower(): value for key, value in self.headers.items()}
        app = cast(_HTTPServer, self.server).app_holder[0]
        response = app.handle(method, self.path, headers, body)
        self.send_response(response.status)
        response.headers.setdefault("Content-Length", str(len(response.body)))
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.end_headers()
        if method != "HEAD":
            self.wfile.write(response.body)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            return self._read_chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _read_chunked(self) -> bytes:
        chunks = []
        while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
            chunks.append(self.rfile.read(size))
            self.rfile.readline()
        while self.rfile.readline().strip():  # trailers, up to the blank line
            pass
        return b"".join(chunks)

    def log_message(self, format: str, *args: Any) -> None:
        logger.debug("test Hub: " + format, *args)


# --------------------------------------------------------------------------- public API


class HubServer:
    """A Hub-compatible HTTP server on ``127.0.0.1`` (ephemeral port), run in a background thread.

    ``root`` keeps repos between runs (a temporary folder, removed on :meth:`stop`, when
    None); with ``token``, every write must carry ``Authorization: Bearer <token>``.

        >>> with HubServer() as hub:
        ...     HfApi(endpoint=hub.endpoint).create_repo("org/name")
    """

    def __init__(self, root: Path | None = None, token: str | None = None) -> None:
        self.token = token
        self._root = Path(root) if root is not None else None
        self._owned_root: Path | None = None
        self._httpd: _HTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._store: _Store | None = None

    @property
    def root(self) -> Path:
        """Where repos and blobs live (only known once started, for a temporary root)."""
        root = self._root or self._owned_root
        if root is None:
            raise RuntimeError("HubServer has no root before start()")
        return root

    @property
    def running(self) -> bool:
        return self._httpd is not None

    @property
    def endpoint(self) -> str:
        """``http://127.0.0.1:PORT``: pass as ``endpoint=`` or ``HF_ENDPOINT``."""
        if self._httpd is None:
            raise RuntimeError("HubServer is not running")
        return f"http://127.0.0.1:{self._httpd.server_port}"

    def start(self) -> HubServer:
        """Bind a fresh port and serve in a daemon thread; returns ``self`` for chaining."""
        if self._httpd is not None:
            raise RuntimeError("HubServer is already running")
        if self._root is None:
            self._owned_root = Path(tempfile.mkdtemp(prefix="xmodal-hub-"))
        self.root.mkdir(parents=True, exist_ok=True)
        self._store = _Store(self.root)
        holder: list[_App] = []
        self._httpd = _HTTPServer(holder)
        holder.append(_App(self._store, self.endpoint, self.token))
        self._thread = threading.Thread(
            target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
            name=f"HubServer-{self._httpd.server_port}", daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, wait for every request thread, and drop a temporary root. Idempotent."""
        httpd, thread = self._httpd, self._thread
        self._httpd = self._thread = None
        if httpd is not None:
            httpd.shutdown()
            httpd.server_close()
        if thread is not None:
            thread.join()
        if self._owned_root is not None:
            shutil.rmtree(self._owned_root, ignore_errors=True)
            self._owned_root = None

    def __enter__(self) -> HubServer:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.stop()

    def client_env(self) -> dict[str, str]:
        """Environment for a child process whose ``huggingface_hub`` should use this server.

        The client reads these at import, so they must be in the child's environment from
        the start. Without a server token, remove any inherited ``HF_TOKEN`` yourself."""
        env = {"HF_ENDPOINT": self.endpoint, "HF_HUB_DISABLE_TELEMETRY": "1"}
        if self.token is not None:
            env["HF_TOKEN"] = self.token
        return env

    def head(self, repo_id: str, revision: str = _DEFAULT_BRANCH, repo_type: str = "model") -> str:
        """Commit id that ``revision`` names, read straight from storage (for assertions)."""
        if self._store is None:
            raise RuntimeError("HubServer is not running")
        try:
            return self._store.resolve(_RepoKey(repo_type, repo_id), revision)
        except _HubError as error:
            raise LookupError(error.message) from None


@contextlib.contextmanager
def patch_hub_endpoint(endpoint: str) -> Iterator[None]:
    """Point an already-imported ``huggingface_hub`` at ``endpoint``, then restore it.

    The client copies ``HF_ENDPOINT`` into ``constants.ENDPOINT`` and into the resolve-URL
    template at import, and its module-level functions (``huggingface_hub.upload_folder``
    ...) are bound to an ``HfApi`` built then; setting the variable later changes none of
    them. This patches all three, plus ``HF_ENDPOINT`` itself for child processes."""
    from huggingface_hub import constants, hf_api

    saved = (constants.ENDPOINT, constants.HUGGINGFACE_CO_URL_TEMPLATE, hf_api.api.endpoint,
             os.environ.get("HF_ENDPOINT"))
    constants.ENDPOINT = endpoint
    constants.HUGGINGFACE_CO_URL_TEMPLATE = endpoint + "/{repo_id}/resolve/{revision}/{filename}"
    hf_api.api.endpoint = endpoint
    os.environ["HF_ENDPOINT"] = endpoint
    try:
        yield
    finally:
        constants.ENDPOINT, constants.HUGGINGFACE_CO_URL_TEMPLATE, hf_api.api.endpoint = saved[:3]
        if saved[3] is None:
            os.environ.pop("HF_ENDPOINT", None)
        else:
            os.environ["HF_ENDPOINT"] = saved[3]
