"""The test Hub's storage: repos, refs, commits and blobs as plain files under one root.

Why files and not memory: a server restarted on the same ``root`` sees the same repos (on a
new port), which is how the tests check that the client's cache and offline fallback do not
depend on one server's lifetime. Blobs are addressed by sha256 and shared by every repo and
commit; each commit is one JSON document holding its full snapshot, so reading any revision
needs no history walk; each repo has one JSON of refs.

The errors raised here are already shaped like the Hub's (status, ``X-Error-Code``), so the
HTTP layer (:mod:`.hub_app`) only has to send them.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, NamedTuple

__all__ = [
    "DEFAULT_BRANCH",
    "Commit",
    "HubError",
    "Op",
    "Refs",
    "RepoKey",
    "Store",
    "StoredFile",
    "bad_request",
    "entry_not_found",
    "repo_not_found",
    "revision_not_found",
]

_COMMIT_ID = re.compile(r"[0-9a-f]{40}")
DEFAULT_BRANCH = "main"


# --------------------------------------------------------------------------- errors


class HubError(Exception):
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


def repo_not_found(repo_id: str) -> HubError:
    return HubError(404, f"Repository not found: {repo_id}", "RepoNotFound")


def revision_not_found(revision: str) -> HubError:
    return HubError(404, f"Invalid rev id: {revision}", "RevisionNotFound")


def entry_not_found(message: str, commit_id: str) -> HubError:
    """404 for a missing path; ``X-Repo-Commit`` lets the client cache the absence per commit."""
    return HubError(404, message, "EntryNotFound", {"X-Repo-Commit": commit_id})


def bad_request(message: str) -> HubError:
    return HubError(400, message)


# --------------------------------------------------------------------------- data


class RepoKey(NamedTuple):
    """A repo is named by its type and id, as on the Hub (a model and a dataset may share an id)."""

    repo_type: str
    repo_id: str


@dataclass(frozen=True)
class StoredFile:
    """One file of a snapshot: where its bytes are (sha256) and what git calls it (oid)."""

    sha256: str
    size: int
    oid: str


@dataclass(frozen=True)
class Commit:
    """A commit with its full snapshot, so reading any revision needs no history walk."""

    id: str
    parent: str | None
    title: str
    message: str
    date: str
    files: dict[str, StoredFile]

    def to_json(self) -> dict[str, Any]:
        files = {path: vars(entry) for path, entry in sorted(self.files.items())}
        return {**vars(self), "files": files}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Commit:
        files = {path: StoredFile(**entry) for path, entry in data["files"].items()}
        return cls(**{**data, "files": files})


@dataclass
class Refs:
    """Named pointers of one repo: branches, tags and pull-request refs (``refs/pr/N``)."""

    created: str
    branches: dict[str, str]
    tags: dict[str, str] = field(default_factory=dict)
    pulls: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Op:
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


class Store:
    """Repos, commits and blobs on disk; one lock makes every operation atomic."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.lock = threading.RLock()

    # -- layout

    def _repo_dir(self, key: RepoKey) -> Path:
        return self.root / "repos" / key.repo_type / key.repo_id

    def _blob_path(self, sha256: str) -> Path:
        return self.root / "blobs" / sha256[:2] / sha256

    # -- repos and refs

    def exists(self, key: RepoKey) -> bool:
        return (self._repo_dir(key) / "refs.json").is_file()

    def create_repo(self, key: RepoKey) -> bool:
        """Create ``key`` with an empty initial commit on ``main``; False if it exists."""
        with self.lock:
            if self.exists(key):
                return False
            initial = self._write_commit(key, None, "initial commit", "", {})
            refs = Refs(created=initial.date, branches={DEFAULT_BRANCH: initial.id})
            self._save_refs(key, refs)
            return True

    def delete_repo(self, key: RepoKey) -> None:
        with self.lock:
            self.load_refs(key)
            shutil.rmtree(self._repo_dir(key))

    def load_refs(self, key: RepoKey) -> Refs:
        try:
            data = json.loads((self._repo_dir(key) / "refs.json").read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise repo_not_found(key.repo_id) from None
        return Refs(**data)

    def _save_refs(self, key: RepoKey, refs: Refs) -> None:
        _write_json(self._repo_dir(key) / "refs.json", vars(refs))

    # -- commits

    def resolve(self, key: RepoKey, revision: str) -> str:
        """Commit id for a branch, tag, ``refs/...`` name or full commit id."""
        with self.lock:
            refs = self.load_refs(key)
            found = _lookup_ref(refs, revision)
            if found is None and _COMMIT_ID.fullmatch(revision) and self._has_commit(key, revision):
                found = revision
            if found is None:
                raise revision_not_found(revision)
            return found

    def snapshot(self, key: RepoKey, revision: str) -> Commit:
        return self.commit(key, self.resolve(key, revision))

    def commit(self, key: RepoKey, commit_id: str) -> Commit:
        path = self._repo_dir(key) / "commits" / f"{commit_id}.json"
        return Commit.from_json(json.loads(path.read_text(encoding="utf-8")))

    def _has_commit(self, key: RepoKey, commit_id: str) -> bool:
        return (self._repo_dir(key) / "commits" / f"{commit_id}.json").is_file()

    def history(self, key: RepoKey, revision: str) -> list[Commit]:
        """Commits reachable from ``revision``, newest first."""
        with self.lock:
            commits = [self.snapshot(key, revision)]
            while commits[-1].parent is not None:
                commits.append(self.commit(key, commits[-1].parent))
            return commits

    def _write_commit(
        self, key: RepoKey, parent: str | None, title: str, message: str,
        files: dict[str, StoredFile],
    ) -> Commit:
        date = _now()
        listing = sorted((path, entry.oid) for path, entry in files.items())
        seed = json.dumps([parent, title, message, date, listing]).encode()
        commit = Commit(hashlib.sha1(seed).hexdigest(), parent, title, message, date, files)
        _write_json(self._repo_dir(key) / "commits" / f"{commit.id}.json", commit.to_json())
        return commit

    # -- blobs

    def put_blob(self, data: bytes) -> StoredFile:
        """Store ``data`` once, whatever number of repos and commits refer to it."""
        sha256 = hashlib.sha256(data).hexdigest()
        path = self._blob_path(sha256)
        if not path.is_file():
            path.parent.mkdir(parents=True, exist_ok=True)
            tmp = path.with_name(f".{sha256}.{threading.get_ident()}.tmp")
            tmp.write_bytes(data)
            os.replace(tmp, path)
        return StoredFile(sha256=sha256, size=len(data), oid=_git_oid(data))

    def read_blob(self, entry: StoredFile) -> bytes:
        return self._blob_path(entry.sha256).read_bytes()

    # -- writes

    def apply(
        self, key: RepoKey, revision: str, ops: list[Op], header: Mapping[str, Any],
        create_pr: bool,
    ) -> tuple[Commit, int | None]:
        """Commit ``ops`` on top of branch (or PR ref) ``revision``; with ``create_pr``, on a new
        ``refs/pr/N`` started from it. Returns the commit and the PR number, if one was opened."""
        with self.lock:
            refs = self.load_refs(key)
            head = _branch_head(refs, revision)
            if head is None:
                raise revision_not_found(revision)
            parent = header.get("parentCommit")
            if parent and parent != head:
                raise HubError(412, "A commit has happened since. Please refresh and try again.")
            files = _apply_ops(dict(self.commit(key, head).files), ops, head, self.put_blob)
            title, message = str(header.get("summary", "")), str(header.get("description", ""))
            commit = self._write_commit(key, head, title, message, files)
            pr_num = _move_ref(refs, revision, commit.id, create_pr)
            self._save_refs(key, refs)
            return commit, pr_num

    def create_ref(self, key: RepoKey, kind: str, name: str, start: str) -> None:
        """Create branch or tag ``name`` at ``start``; 409 if the name is taken."""
        with self.lock:
            refs = self.load_refs(key)
            target = refs.branches if kind == "branch" else refs.tags
            if not name or name.startswith("refs/") or name in target:
                raise HubError(409, f"Invalid {kind} name or {kind} already exists: {name}")
            target[name] = self.resolve(key, start)
            self._save_refs(key, refs)

    def delete_ref(self, key: RepoKey, kind: str, name: str) -> None:
        with self.lock:
            refs = self.load_refs(key)
            target = refs.branches if kind == "branch" else refs.tags
            if name not in target:
                raise revision_not_found(name)
            if kind == "branch" and name == DEFAULT_BRANCH:
                raise HubError(403, "Cannot delete the default branch")
            del target[name]
            self._save_refs(key, refs)


def _lookup_ref(refs: Refs, revision: str) -> str | None:
    """Commit named by a branch, a tag, or a full ``refs/heads|tags|pr/...`` name."""
    if revision in refs.branches:
        return refs.branches[revision]
    if revision in refs.tags:
        return refs.tags[revision]
    return _full_ref(refs, revision, ("heads", "tags", "pr"))


def _branch_head(refs: Refs, revision: str) -> str | None:
    """Head of a ref a commit may move: a branch or a PR ref, never a tag or a commit id."""
    if revision in refs.branches:
        return refs.branches[revision]
    return _full_ref(refs, revision, ("heads", "pr"))


def _full_ref(refs: Refs, revision: str, kinds: tuple[str, ...]) -> str | None:
    """Commit of a ``refs/<kind>/<name>`` revision (names may hold slashes) of an allowed kind."""
    parts = revision.split("/", 2)
    if len(parts) != 3 or parts[0] != "refs" or parts[1] not in kinds:
        return None
    return {"heads": refs.branches, "tags": refs.tags, "pr": refs.pulls}[parts[1]].get(parts[2])


def _move_ref(refs: Refs, revision: str, commit_id: str, create_pr: bool) -> int | None:
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
    files: dict[str, StoredFile], ops: list[Op], head: str, put_blob: Callable[[bytes], StoredFile],
) -> dict[str, StoredFile]:
    """The snapshot after ``ops``; deleting a missing path is an EntryNotFound, as on the Hub."""
    for op in ops:
        if op.kind == "add":
            files[op.path] = put_blob(op.data)
        elif op.kind == "delete":
            if files.pop(op.path, None) is None:
                raise entry_not_found(f"A file with this name doesn't exist: {op.path}", head)
        else:
            doomed = [path for path in files if path.startswith(op.path + "/")]
            if not doomed:
                raise entry_not_found(f"A folder with this name doesn't exist: {op.path}", head)
            for path in doomed:
                del files[path]
    return files
