"""Sources: checksums, the data directory, downloads (file:// and a local HTTP server)."""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import http.server
import io
import shutil
import tarfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from engine.data import Source, build, fetch_source
from engine.data import mnist as mnist_module
from engine.errors import DataError

from cli_helpers import run_xmodal

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
needs_shared = pytest.mark.skipif(not (SHARED / "mnist").is_dir(), reason="no ../shared/data")


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@pytest.fixture(autouse=True)
def _dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    data = tmp_path / "data"
    data.mkdir()
    monkeypatch.setenv("XMODAL_DATA_DIR", str(data))
    monkeypatch.setenv("XMODAL_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.delenv("XMODAL_OFFLINE", raising=False)
    return data


@pytest.fixture
def http_root(tmp_path: Path) -> Iterator[tuple[Path, str]]:
    """A folder served over HTTP on 127.0.0.1, like a canonical mirror."""
    root = tmp_path / "www"
    root.mkdir()
    handler = functools.partial(QuietHandler, directory=str(root))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield root, f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def test_present_file_is_verified(_dirs: Path) -> None:
    (_dirs / "a.bin").write_bytes(b"hello")
    assert fetch_source(Source("a.bin", _sha(b"hello"))) == _dirs / "a.bin"


def test_wrong_checksum_is_refused_by_name(_dirs: Path) -> None:
    (_dirs / "a.bin").write_bytes(b"hello, tampered")
    with pytest.raises(DataError, match=r"a\.bin: checksum mismatch"):
        fetch_source(Source("a.bin", _sha(b"hello")))


def test_missing_file_without_url_names_the_setting() -> None:
    with pytest.raises(DataError, match="XMODAL_DATA_DIR"):
        fetch_source(Source("nope/a.bin", _sha(b"x")))


def test_file_url_download(tmp_path: Path, _dirs: Path) -> None:
    mirror = tmp_path / "mirror.bin"
    mirror.write_bytes(b"payload")
    path = fetch_source(Source("sub/a.bin", _sha(b"payload"), urls=(mirror.as_uri(),)))
    assert path == _dirs / "sub" / "a.bin" and path.read_bytes() == b"payload"


def test_http_download_falls_back_to_the_next_mirror(http_root: tuple[Path, str],
                                                     _dirs: Path) -> None:
    root, url = http_root
    (root / "a.bin").write_bytes(b"payload")
    source = Source("a.bin", _sha(b"payload"), urls=(url + "missing.bin", url + "a.bin"))
    assert fetch_source(source).read_bytes() == b"payload"


def test_download_with_wrong_checksum_leaves_nothing(http_root: tuple[Path, str],
                                                     _dirs: Path) -> None:
    root, url = http_root
    (root / "a.bin").write_bytes(b"not what was published")
    with pytest.raises(DataError, match="expected"):
        fetch_source(Source("a.bin", _sha(b"payload"), urls=(url + "a.bin",)))
    assert list(_dirs.iterdir()) == []


def test_offline_mode_refuses_downloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XMODAL_OFFLINE", "1")
    mirror = tmp_path / "m.bin"
    mirror.write_bytes(b"x")
    with pytest.raises(DataError, match="offline"):
        fetch_source(Source("m.bin", _sha(b"x"), urls=(mirror.as_uri(),)))


def test_folder_source_downloads_an_archive(tmp_path: Path, _dirs: Path) -> None:
    files = {"recordings/0_a_0.wav": b"zero", "recordings/1_a_0.wav": b"one", "README": b"r"}
    archive = tmp_path / "release.tar.gz"
    with tarfile.open(archive, "w:gz") as tar:
        for name, data in files.items():
            info = tarfile.TarInfo(f"release-1.0/{name}")
            info.size = len(data)
            tar.addfile(info, io.BytesIO(data))
    source = Source("corpus", _sha(b"zero" + b"one"), urls=(archive.as_uri(),),
                    pattern="recordings/*.wav", archive_root="release-1.0")
    path = fetch_source(source)
    assert path == _dirs / "corpus" and (path / "README").read_bytes() == b"r"
    assert sorted(p.name for p in _dirs.iterdir()) == ["corpus"]


@needs_shared
def test_mnist_downloads_from_a_mirror_with_the_canonical_checksums(
        http_root: tuple[Path, str], monkeypatch: pytest.MonkeyPatch, _dirs: Path) -> None:
    root, url = http_root
    for source in (mnist_module.MNIST_IMAGES, mnist_module.MNIST_LABELS):
        name = Path(source.path).name
        shutil.copy(SHARED / source.path, root / name)
        monkeypatch.setattr(mnist_module, "MNIST_IMAGES" if "images" in name else "MNIST_LABELS",
                            dataclasses.replace(source, urls=(url + name,)))
    result = build("mnist", progress=False)
    assert len(result.dataset) == 10_000
    assert (_dirs / "mnist" / "t10k-labels-idx1-ubyte.gz").is_file()


@needs_shared
def test_build_refuses_a_corrupt_source_with_one_clear_line(_dirs: Path) -> None:
    shutil.copytree(SHARED / "mnist", _dirs / "mnist")
    labels = _dirs / "mnist" / "t10k-labels-idx1-ubyte.gz"
    labels.chmod(0o644)
    labels.write_bytes(labels.read_bytes()[:-10])
    result = run_xmodal("data", "build", "mnist", env={"XMODAL_DATA_DIR": str(_dirs)})
    result.assert_user_error("t10k-labels-idx1-ubyte.gz: checksum mismatch")
