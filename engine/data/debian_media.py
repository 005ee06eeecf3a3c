"""Real drawings and recordings from Debian's GCompris and Tux Paint packages.

Three Debian (main) packages hold the only real instrument pictures and
recordings reachable offline besides openclipart's drawings:

* ``gcompris-qt-data``: Qt resource archives; ``instruments.rcc`` pairs 26
  instruments with a recording and an SVG drawing each, and
  ``explore_farm_animals.rcc`` nine farm animals with a sound, an SVG and a photo;
* ``tuxpaint-stamps-default``: stamp pictures (PNG/SVG) under
  ``/usr/share/tuxpaint/stamps``, a few with a recorded sound effect beside
  them (``cello.ogg``); the ``*_desc_xx.ogg`` files are spoken descriptions, not
  instruments;
* ``openclipart-png`` (read by :mod:`engine.data.clipart`).

A piece of media is named by a *reference* ``"<source>:<path>"``:
``"gcompris:instruments/cello.svg"`` (archive ``instruments.rcc``, file
``resource/cello.svg`` inside it), ``"tuxpaint:hobbies/music/wind/bassoon.png"``
or ``"openclipart:recreation/music/oboe_ganson.png"``. The builders record the
file each reference comes from, so the manifest's checksums cover them.
SVGs are rasterised with ``rsvg-convert`` (Debian ``librsvg2-bin``).
"""

from __future__ import annotations

import functools
import shutil
import subprocess
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError
from .rcc import RccArchive
from .settings import data_dir

__all__ = ["media_bytes", "media_file", "open_picture", "read_recording", "tuxpaint_stamps"]

GCOMPRIS_DIRS = (Path("/usr/share/gcompris-qt/rcc"),)
TUXPAINT_DIRS = (Path("/usr/share/tuxpaint/stamps"),)
OPENCLIPART_DIRS = (Path("/usr/share/openclipart/png"),)
_INSTALL = {
    "gcompris": "apt-get install gcompris-qt-data",
    "tuxpaint": "apt-get install tuxpaint-stamps-default",
    "openclipart": "apt-get install openclipart-png",
}
#: Pixels on the long side an SVG is rasterised at (the builders shrink from there).
SVG_PIXELS = 512


def _root(source: str) -> Path:
    """The folder a source's files live in: the data dir's copy first, then Debian's."""
    local = {"gcompris": "gcompris-qt/rcc", "tuxpaint": "tuxpaint/stamps",
             "openclipart": "openclipart"}
    system = {"gcompris": GCOMPRIS_DIRS, "tuxpaint": TUXPAINT_DIRS,
              "openclipart": OPENCLIPART_DIRS}
    if source not in system:
        raise DataError(f"unknown media source {source!r} (gcompris, tuxpaint, openclipart)")
    for root in (data_dir() / local[source], *system[source]):
        if root.is_dir():
            return root
    raise DataError(f"{source} media not found (looked in {data_dir() / local[source]} and "
                    f"{', '.join(map(str, system[source]))}); install with: {_INSTALL[source]}")


def tuxpaint_stamps() -> Path:
    """Tux Paint's stamp folder."""
    return _root("tuxpaint")


@functools.lru_cache(maxsize=8)
def _archive(path: Path) -> RccArchive:
    return RccArchive(path)


def _split(ref: str) -> tuple[str, str]:
    source, sep, rest = ref.partition(":")
    if not sep or not rest:
        raise DataError(f"bad media reference {ref!r}: expected '<source>:<path>'")
    return source, rest


def media_file(ref: str) -> Path:
    """The file on disk a reference is read from (for GCompris: its ``.rcc`` archive)."""
    source, rest = _split(ref)
    if source == "gcompris":
        archive = rest.split("/", 1)[0]
        path = _root(source) / f"{archive}.rcc"
        if not path.is_file():
            raise DataError(f"GCompris archive {path} is missing; reinstall: {_INSTALL[source]}")
        return path
    path = _root(source) / rest
    if not path.is_file():
        raise DataError(f"{ref}: no such file {path}")
    return path


def media_bytes(ref: str) -> bytes:
    """The bytes of one referenced file."""
    source, rest = _split(ref)
    if source == "gcompris":
        archive, _, inner = rest.partition("/")
        rcc = _archive(media_file(ref))
        matches = [n for n in rcc.names() if n.endswith(f"/{archive}/resource/{inner}")
                   or n.endswith(f"/{archive}/{inner}")]
        if not matches:
            raise DataError(f"{ref}: not in {rcc.path}")
        return rcc.read(matches[0])
    return media_file(ref).read_bytes()


def _rasterise_svg(data: bytes, ref: str) -> bytes:
    exe = shutil.which("rsvg-convert")
    if exe is None:
        raise DataError(f"{ref}: SVG drawings need rsvg-convert; install with: "
                        "apt-get install librsvg2-bin")
    done = subprocess.run([exe, "--width", str(SVG_PIXELS), "--height", str(SVG_PIXELS),
                           "--keep-aspect-ratio", "--format", "png"],
                          input=data, capture_output=True, check=False, timeout=120)
    if done.returncode != 0 or not done.stdout:
        reason = done.stderr.decode(errors="replace").strip().splitlines()[:1]
        raise DataError(f"{ref}: rsvg-convert failed ({reason[0] if reason else 'no output'})")
    return done.stdout


def open_picture(ref: str) -> Any:
    """A referenced drawing as an RGBA PIL image (SVGs rasterised, transparency kept)."""
    import io

    from PIL import Image as PILImage

    data = media_bytes(ref)
    if ref.lower().endswith(".svg"):
        data = _rasterise_svg(data, ref)
    try:
        pil = PILImage.open(io.BytesIO(data))
        pil.load()
    except OSError as exc:
        raise DataError(f"{ref}: unreadable picture ({exc})") from exc
    return pil.convert("RGBA")


def read_recording(ref: str, sample_rate: int) -> np.ndarray:
    """A referenced recording as mono float32 at ``sample_rate``."""
    from ..errors import MediaError
    from ..media import Audio

    try:
        audio = Audio.load(media_bytes(ref)).to_mono().resample(sample_rate)
    except MediaError as exc:
        raise DataError(f"{ref}: {exc}") from exc
    return np.asarray(audio.data[0].numpy(), dtype=np.float32)
