"""A small Hugging Face Hub look-alike served over HTTP on 127.0.0.1, for the test-suite.

Why it exists: the real Hub is out of reach where the tests run, yet the engine's hub code
must be checked against the *real* ``huggingface_hub`` client, whose caching, offline
fallback and error classes hinge on exact HTTP details. This server speaks just enough of
the Hub's HTTP API for that client (2.x, httpx based) to create repos, commit, branch, tag
and download by branch, tag or commit id.

This module only serves: :class:`HubServer` starts and stops a threaded server on an
ephemeral port of ``127.0.0.1``; what it answers is :mod:`.hub_app`'s, what it keeps is
:mod:`.hub_store`'s (plain files under ``root``, so a server restarted on the same ``root``
sees the same repos).
"""

from __future__ import annotations

import contextlib
import logging
import os
import shutil
import socketserver
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any, cast

from .hub_app import App
from .hub_store import DEFAULT_BRANCH, HubError, RepoKey, Store

__all__ = ["HubServer", "patch_hub_endpoint"]

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- HTTP plumbing


class _HTTPServer(ThreadingHTTPServer):
    """Threaded server whose ``server_close`` joins every request thread (no stragglers)."""

    daemon_threads = True
    block_on_close = True

    def __init__(self, app_holder: list[App]) -> None:
        self.app_holder = app_holder
        super().__init__(("127.0.0.1", 0), _Handler)

    def server_bind(self) -> None:
        """Bind without ``HTTPServer``'s reverse DNS lookup, which can stall with no network."""
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = "127.0.0.1", self.socket.getsockname()[1]


class _Handler(BaseHTTPRequestHandler):
    """Reads the whole request, lets ``App`` answer, writes the answer.

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
        self._store: Store | None = None

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
        self._store = Store(self.root)
        holder: list[App] = []
        self._httpd = _HTTPServer(holder)
        holder.append(App(self._store, self.endpoint, self.token))
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

    def head(self, repo_id: str, revision: str = DEFAULT_BRANCH, repo_type: str = "model") -> str:
        """Commit id that ``revision`` names, read straight from storage (for assertions)."""
        if self._store is None:
            raise RuntimeError("HubServer is not running")
        try:
            return self._store.resolve(RepoKey(repo_type, repo_id), revision)
        except HubError as error:
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
