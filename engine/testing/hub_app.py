"""The test Hub's HTTP API without the HTTP plumbing: routes, handlers and their JSON.

:class:`App` turns ``(method, path, headers, body)`` into a :class:`Response` by matching a
route and calling its handler; :mod:`.hub_server` feeds it from a socket. Keeping the API
apart from the server lets each handler be read next to the one Hub endpoint it imitates.

Choices that keep the real client (2.x, httpx based) on the simple path:

* every file is committed "regular" (base64 inline in the ndjson commit): the preupload
  answer never says "lfs" and no Xet header is ever sent, so the client never reaches for
  a storage backend that does not exist here;
* ``GET``/``HEAD /{repo}/resolve/{rev}/{path}`` answer ``200`` directly (no redirect) with
  ``X-Repo-Commit``, ``ETag`` (the git blob id, as the Hub does for non-LFS files) and
  ``Content-Length``; ``X-Linked-Etag``/``X-Linked-Size`` are LFS-only and never sent;
* errors carry the ``X-Error-Code`` the client maps to ``RepositoryNotFoundError``,
  ``RevisionNotFoundError`` and ``RemoteEntryNotFoundError``;
* a README.md whose YAML front matter the Hub could not read is refused (400), at commit
  and at ``/api/validate-yaml``, as the Hub refuses it (see :mod:`.hub_cards`).
"""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from .hub_cards import check_readme_ops, readme_errors
from .hub_store import (
    DEFAULT_BRANCH,
    Commit,
    HubError,
    Op,
    RepoKey,
    Store,
    StoredFile,
    bad_request,
    entry_not_found,
    repo_not_found,
)

__all__ = ["App", "Request", "Response"]

logger = logging.getLogger(__name__)

_REPO_TYPES = {"models": "model", "datasets": "dataset", "spaces": "space"}
_URL_PREFIXES = {"model": "", "dataset": "datasets/", "space": "spaces/"}
_NAME = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9._-]{0,94}[A-Za-z0-9])?")
_RANGE = re.compile(r"bytes=(\d*)-(\d*)")
_USER = "user"


# --------------------------------------------------------------------------- payloads


def _clean_path(path: Any) -> str:
    """A repo-relative POSIX path; anything that could escape the repo is a 400."""
    text = str(path).strip("/") if isinstance(path, str) else ""
    parts = text.split("/")
    if not text or any(part in ("", ".", "..") for part in parts):
        raise bad_request(f"Invalid path in repo: {path!r}")
    return text


def _parse_commit_payload(body: bytes) -> tuple[dict[str, Any], list[Op]]:
    """Read the client's ndjson commit: one header line, then one line per operation."""
    header: dict[str, Any] | None = None
    ops: list[Op] = []
    for line in body.splitlines():
        if not line.strip():
            continue
        item = json.loads(line)
        key, value = item.get("key"), item.get("value") or {}
        if key == "header":
            header = value
        elif key == "file":
            ops.append(Op("add", _clean_path(value.get("path")), _decode_content(value)))
        elif key in ("deletedFile", "deletedFolder"):
            kind = "delete" if key == "deletedFile" else "delete_folder"
            ops.append(Op(kind, _clean_path(value.get("path"))))
        elif key == "lfsFile":
            raise HubError(422, "This test Hub takes regular (inline) files only, not LFS")
        else:
            raise bad_request(f"Unknown commit operation: {key!r}")
    if header is None or not header.get("summary"):
        raise bad_request("The commit payload needs a header with a summary")
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
        raise HubError(416, "Range not satisfiable", headers={"Content-Range": f"bytes */{size}"})
    return start, min(end, size - 1)


def _is_true(values: list[str] | None) -> bool:
    """A query flag as httpx encodes a Python bool (``true``), or as ``1``."""
    return values is not None and values[-1].lower() in ("1", "true", "yes")


# --------------------------------------------------------------------------- tree listings


def _file_json(path: str, entry: StoredFile) -> dict[str, Any]:
    """A tree entry without ``lfs``/``xetHash``: the client then treats the file as regular."""
    return {"type": "file", "oid": entry.oid, "size": entry.size, "path": path}


def _folder_json(path: str, files: Mapping[str, StoredFile]) -> dict[str, Any]:
    inside = sorted((p, e.oid) for p, e in files.items() if p.startswith(path + "/"))
    oid = hashlib.sha1(json.dumps(inside).encode()).hexdigest()
    return {"type": "directory", "oid": oid, "size": 0, "path": path}


def _folders(files: Mapping[str, StoredFile]) -> set[str]:
    return {path.rsplit("/", i)[0] for path in files for i in range(1, path.count("/") + 1)}


def _tree(commit: Commit, folder: str, recursive: bool) -> list[dict[str, Any]]:
    """Entries under ``folder`` ("" for the root), as ``/api/{type}s/{id}/tree/{rev}/{folder}``."""
    folders = _folders(commit.files)
    if folder and folder not in folders:
        raise entry_not_found(f"{folder} does not exist on \"{commit.id}\"", commit.id)
    prefix = folder + "/" if folder else ""

    def wanted(path: str) -> bool:
        rest = path[len(prefix):]
        return path.startswith(prefix) and bool(rest) and (recursive or "/" not in rest)

    entries = [_folder_json(p, commit.files) for p in sorted(folders) if wanted(p)]
    entries += [_file_json(p, e) for p, e in sorted(commit.files.items()) if wanted(p)]
    return entries


def _paths_info(commit: Commit, paths: list[str]) -> list[dict[str, Any]]:
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


def _checked_key(repo_type: str, namespace: Any, name: Any) -> RepoKey:
    """Key of ``namespace/name``; a name outside the Hub's rules (``..``) is a RepoNotFound."""
    repo_id = f"{namespace}/{name}"
    if not all(isinstance(part, str) and _NAME.fullmatch(part) for part in (namespace, name)):
        raise repo_not_found(repo_id)
    return RepoKey(repo_type, repo_id)


@dataclass(frozen=True)
class Request:
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
            raise bad_request("Request body is not valid JSON") from None

    def form_or_json(self) -> dict[str, Any]:
        """``paths-info`` is posted as a form by the client, but JSON is accepted too."""
        if "json" in self.headers.get("content-type", ""):
            return dict(self.json())
        return parse_qs(self.body.decode("utf-8"))


@dataclass
class Response:
    status: int = 200
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, data: Any, status: int = 200) -> Response:
        return cls(status, json.dumps(data).encode(), {"Content-Type": "application/json"})


def _error_response(error: HubError) -> Response:
    response = Response.json({"error": error.message}, error.status)
    response.headers["X-Error-Message"] = error.message
    if error.code:
        response.headers["X-Error-Code"] = error.code
    response.headers.update(error.headers)
    return response


class App:
    """The Hub API, free of HTTP plumbing: one method per route, each taking a ``Request``."""

    def __init__(self, store: Store, endpoint: str, token: str | None) -> None:
        self.store = store
        self.endpoint = endpoint
        self.token = token

    def handle(
        self, method: str, raw_path: str, headers: Mapping[str, str], body: bytes,
    ) -> Response:
        url = urlsplit(raw_path)
        try:
            route, params = _find_route(method, url.path)
            if route.write:
                self._check_auth(headers)
            request = Request(method, params, parse_qs(url.query), headers, body)
            return route.action(self, request)
        except HubError as error:
            return _error_response(error)
        except Exception:
            logger.exception("test Hub failed on %s %s", method, raw_path)
            return _error_response(HubError(500, "Internal error in the test Hub"))

    def _check_auth(self, headers: Mapping[str, str]) -> None:
        """With a token set, writes need ``Authorization: Bearer <token>``; reads stay open."""
        if self.token is None:
            return
        auth = headers.get("authorization")
        if auth is None:
            raise HubError(401, "Invalid username or password.")
        if auth != f"Bearer {self.token}":
            raise HubError(401, "Invalid credentials in Authorization header")

    # -- helpers

    @staticmethod
    def _key(request: Request) -> RepoKey:
        """The repo a URL names; a name that could not have been created (``..``) is not found."""
        repo_type = _REPO_TYPES[request.params.get("kind") or "models"]
        return _checked_key(repo_type, request.params["ns"], request.params["name"])

    def _repo_url(self, key: RepoKey) -> str:
        return f"{self.endpoint}/{_URL_PREFIXES[key.repo_type]}{key.repo_id}"

    # -- repos

    def create_repo(self, request: Request) -> Response:
        body = request.json()
        name, org = body.get("name"), body.get("organization")
        repo_type = body.get("type") or "model"
        if not (isinstance(org, str) and _NAME.fullmatch(org)):
            raise bad_request("This test Hub needs an 'org/name' repo id")
        if not (isinstance(name, str) and _NAME.fullmatch(name)) or repo_type not in _URL_PREFIXES:
            raise bad_request(f"Invalid repo name or type: {name!r}, {repo_type!r}")
        key = RepoKey(repo_type, f"{org}/{name}")
        url = self._repo_url(key)
        if not self.store.create_repo(key):
            return Response.json({"error": "You already created this repo", "url": url}, 409)
        return Response.json({"url": url, "name": key.repo_id, "id": key.repo_id})

    def delete_repo(self, request: Request) -> Response:
        body = request.json()
        repo_type = body.get("type") or "model"
        if repo_type not in _URL_PREFIXES:
            raise bad_request(f"Invalid repo type: {repo_type!r}")
        self.store.delete_repo(_checked_key(repo_type, body.get("organization"), body.get("name")))
        return Response.json({})

    def repo_info(self, request: Request) -> Response:
        key = self._key(request)
        commit = self.store.snapshot(key, request.params.get("rev", DEFAULT_BRANCH))
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
        return Response.json(info)

    def whoami(self, request: Request) -> Response:
        if self.token is not None:
            self._check_auth(request.headers)
        return Response.json({
            "type": "user", "name": _USER, "fullname": "Test User", "orgs": [],
            "auth": {"type": "access_token",
                     "accessToken": {"displayName": "test", "role": "write"}},
        })

    def validate_yaml(self, request: Request) -> Response:
        """The check the client makes before committing a README.md (``HfApi._validate_yaml``).

        A 400 lists the errors as ``{"message": ...}`` objects, which the client joins into
        its ``ValueError("Invalid metadata in README.md. ...")``."""
        body = request.json()
        repo_type = body.get("repoType") or "model"
        if repo_type not in _URL_PREFIXES:
            raise bad_request(f"Invalid repo type: {repo_type!r}")
        errors = readme_errors(str(body.get("content", "")), repo_type)
        listed = [{"message": error} for error in errors]
        return Response.json({"errors": listed, "warnings": []}, 400 if errors else 200)

    # -- reading a revision

    def tree(self, request: Request) -> Response:
        commit = self.store.snapshot(self._key(request), request.params["rev"])
        folder = request.params.get("path", "").strip("/")
        return Response.json(_tree(commit, folder, _is_true(request.query.get("recursive"))))

    def paths_info(self, request: Request) -> Response:
        commit = self.store.snapshot(self._key(request), request.params["rev"])
        paths = request.form_or_json().get("paths") or []
        return Response.json(_paths_info(commit, [paths] if isinstance(paths, str) else paths))

    def refs(self, request: Request) -> Response:
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
        return Response.json({
            "branches": listing("heads", refs.branches), "tags": listing("tags", refs.tags),
            "converts": [], "pullRequests": pulls,
        })

    def commits(self, request: Request) -> Response:
        history = self.store.history(self._key(request), request.params["rev"])
        return Response.json([
            {"id": c.id, "title": c.title, "message": c.message, "date": c.date,
             "authors": [{"user": _USER}]}
            for c in history
        ])

    def resolve(self, request: Request) -> Response:
        """File bytes (GET) or only their metadata (HEAD), as ``file_download.py`` reads them."""
        commit = self.store.snapshot(self._key(request), request.params["rev"])
        path = request.params["path"]
        entry = commit.files.get(path)
        if entry is None:
            raise entry_not_found(f"Entry not found: {path}", commit.id)
        headers = {
            "X-Repo-Commit": commit.id, "ETag": f'"{entry.oid}"', "Accept-Ranges": "bytes",
            "Content-Type": "application/octet-stream", "Content-Length": str(entry.size),
        }
        if request.method == "HEAD":
            return Response(200, b"", headers)
        data = self.store.read_blob(entry)
        span = _byte_range(request.headers.get("range"), entry.size)
        if span is None:
            return Response(200, data, headers)
        start, end = span
        headers.update({"Content-Range": f"bytes {start}-{end}/{entry.size}",
                        "Content-Length": str(end - start + 1)})
        return Response(206, data[start:end + 1], headers)

    # -- writing

    def preupload(self, request: Request) -> Response:
        """Every file is "regular"; the current ``oid`` lets the client skip unchanged files."""
        commit = self.store.snapshot(self._key(request), request.params["rev"])
        files = []
        for item in request.json().get("files", []):
            path = _clean_path(item.get("path"))
            current = commit.files.get(path)
            files.append({"path": path, "uploadMode": "regular", "shouldIgnore": False,
                          "oid": current.oid if current else None})
        return Response.json({"files": files, "commitOid": commit.id})

    def commit(self, request: Request) -> Response:
        key = self._key(request)
        header, ops = _parse_commit_payload(request.body)
        check_readme_ops(key.repo_type, ops)
        create_pr = _is_true(request.query.get("create_pr"))
        commit, pr_num = self.store.apply(key, request.params["rev"], ops, header, create_pr)
        repo_url = self._repo_url(key)
        return Response.json({
            "success": True, "commitOid": commit.id, "commitUrl": f"{repo_url}/commit/{commit.id}",
            "hookOutput": "",
            "pullRequestUrl": f"{repo_url}/discussions/{pr_num}" if pr_num is not None else None,
        })

    def create_branch(self, request: Request) -> Response:
        start = request.json().get("startingPoint") or DEFAULT_BRANCH
        self.store.create_ref(self._key(request), "branch", request.params["rev"], start)
        return Response.json({})

    def delete_branch(self, request: Request) -> Response:
        self.store.delete_ref(self._key(request), "branch", request.params["rev"])
        return Response.json({})

    def create_tag(self, request: Request) -> Response:
        tag = request.json().get("tag")
        if not isinstance(tag, str):
            raise bad_request("Missing tag name")
        self.store.create_ref(self._key(request), "tag", tag, request.params["rev"])
        return Response.json({})

    def delete_tag(self, request: Request) -> Response:
        self.store.delete_ref(self._key(request), "tag", request.params["rev"])
        return Response.json({})


# --------------------------------------------------------------------------- routing


@dataclass(frozen=True)
class _Route:
    method: str
    pattern: re.Pattern[str]
    action: Callable[[App, Request], Response]
    write: bool = False


def _routes() -> list[_Route]:
    """The endpoints, matched against the raw (still quoted) path.

    Revisions arrive quoted as one segment (``refs%2Fpr%2F1``); a raw ``refs/pr/1`` is taken
    too. Parameters are unquoted after matching, so quoted slashes never split a match."""
    repo = r"/api/(?P<kind>models|datasets|spaces)/(?P<ns>[^/]+)/(?P<name>[^/]+)"
    rev = r"(?P<rev>refs/(?:heads|tags|pr|convert)/[^/]+|[^/]+)"
    resolve = r"/(?:(?P<kind>datasets|spaces)/)?(?P<ns>[^/]+)/(?P<name>[^/]+)/resolve/"
    table: list[tuple[str, str, Callable[[App, Request], Response], bool]] = [
        ("POST", "/api/repos/create", App.create_repo, True),
        ("DELETE", "/api/repos/delete", App.delete_repo, True),
        ("POST", "/api/validate-yaml", App.validate_yaml, False),
        ("GET", "/api/whoami-v2", App.whoami, False),
        ("GET", repo, App.repo_info, False),
        ("GET", repo + r"/revision/(?P<rev>.+)", App.repo_info, False),
        ("GET", repo + "/tree/" + rev + r"(?:/(?P<path>.*))?", App.tree, False),
        ("POST", repo + "/paths-info/" + rev, App.paths_info, False),
        ("GET", repo + "/refs", App.refs, False),
        ("GET", repo + "/commits/" + rev, App.commits, False),
        ("POST", repo + "/preupload/" + rev, App.preupload, True),
        ("POST", repo + "/commit/" + rev, App.commit, True),
        ("POST", repo + r"/branch/(?P<rev>.+)", App.create_branch, True),
        ("DELETE", repo + r"/branch/(?P<rev>.+)", App.delete_branch, True),
        ("POST", repo + r"/tag/(?P<rev>.+)", App.create_tag, True),
        ("DELETE", repo + r"/tag/(?P<rev>.+)", App.delete_tag, True),
        ("GET", resolve + rev + r"/(?P<path>.+)", App.resolve, False),
        ("HEAD", resolve + rev + r"/(?P<path>.+)", App.resolve, False),
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
        raise HubError(405, f"Method {method} not allowed on {path}")
    raise HubError(404, f"Not found: {path}")
