"""GCompris and Tux Paint media: the Qt resource reader, SVG drawings, and the datasets built on them."""

from __future__ import annotations

import struct
import zlib
from pathlib import Path

import numpy as np
import pytest

from engine.data import load
from engine.data.clipart import DRAWINGS, SUBSTITUTE_OF
from engine.data.debian_media import media_bytes, open_picture
from engine.data.gm import URMP_PROGRAMS
from engine.data.rcc import RccArchive
from engine.data.recordings import instrument_recordings
from engine.errors import DataError

pytestmark = pytest.mark.usefixtures("shared_data_cache")


def _name(text: str) -> bytes:
    encoded = text.encode("utf-16-be")
    return struct.pack(">HI", len(text), 0) + encoded


def write_rcc(path: Path, files: dict[str, tuple[bytes, bool]]) -> None:
    """A version-3 Qt resource file with one folder ``res`` holding ``files`` (bytes, zlib?)."""
    names = b""
    name_at: dict[str, int] = {}
    for n in ["res", *files]:
        name_at[n] = len(names)
        names += _name(n)
    data = b""
    data_at: dict[str, int] = {}
    for n, (raw, packed) in files.items():
        body = struct.pack(">I", len(raw)) + zlib.compress(raw) if packed else raw
        data_at[n] = len(data)
        data += struct.pack(">I", len(body)) + body
    mtime = struct.pack(">Q", 0)
    tree = struct.pack(">IHII", 0, 2, 1, 1) + mtime  # root: one child, node 1
    tree += struct.pack(">IHII", name_at["res"], 2, len(files), 2) + mtime
    for n, (_, packed) in files.items():
        tree += struct.pack(">IHHHI", name_at[n], 1 if packed else 0, 0, 0, data_at[n]) + mtime
    header = 24
    path.write_bytes(b"qres" + struct.pack(">5I", 3, header + len(data) + len(names), header,
                                           header + len(data), 0) + data + names + tree)


def test_rcc_reader_reads_plain_and_zlib_files(tmp_path: Path) -> None:
    wave = bytes(range(256)) * 40
    write_rcc(tmp_path / "a.rcc", {"note.txt": (b"hello", False), "tone.ogg": (wave, True)})
    archive = RccArchive(tmp_path / "a.rcc")
    assert archive.names() == ["res/note.txt", "res/tone.ogg"]
    assert archive.names(".ogg") == ["res/tone.ogg"]
    assert archive.read("res/note.txt") == b"hello"
    assert archive.read("res/tone.ogg") == wave
    with pytest.raises(DataError, match="no file"):
        archive.read("res/missing.ogg")


def test_rcc_reader_refuses_what_is_not_an_archive(tmp_path: Path) -> None:
    write_rcc(tmp_path / "a.rcc", {"note.txt": (b"hello", False)})
    whole = (tmp_path / "a.rcc").read_bytes()
    (tmp_path / "cut.rcc").write_bytes(whole[:-20])
    (tmp_path / "png.rcc").write_bytes(b"\x89PNG\r\n\x1a\n" + whole[8:])
    with pytest.raises(DataError, match="truncated or corrupt"):
        RccArchive(tmp_path / "cut.rcc")
    with pytest.raises(DataError, match="not a Qt resource file"):
        RccArchive(tmp_path / "png.rcc")
    with pytest.raises(DataError, match="cannot read"):
        RccArchive(tmp_path / "absent.rcc")


def test_gcompris_svg_drawing_rasterises_with_transparency() -> None:
    pic = open_picture("gcompris:instruments/clarinet.svg")
    alpha = np.asarray(pic)[..., 3]
    assert max(pic.size) == 512 and pic.mode == "RGBA"
    assert 0.02 < float((alpha > 16).mean()) < 0.9  # ink on a transparent page
    assert media_bytes("gcompris:instruments/clarinet.ogg")[:4] == b"OggS"
    with pytest.raises(DataError, match="not in"):
        media_bytes("gcompris:instruments/kazoo.svg")


def test_clipart_is_split_by_drawing_with_two_substitutes() -> None:
    ds = load("instruments-clipart", tiny=True, progress=False)
    classes = ds.classes["instrument"]
    assert classes == list(URMP_PROGRAMS)  # the same order as gm-phrases
    assert set(ds.meta["substitutes"]) == set(SUBSTITUTE_OF) == {"viola", "double bass"}
    single = set(ds.meta["augmentation_split_classes"])
    assert single == {n for n, d in DRAWINGS.items() if len(d.files) == 1}
    drawing, label = np.asarray(ds["drawing"]), np.asarray(ds["instrument"])
    split = {s: set(ds.split(s).indices.tolist()) for s in ("train", "test")}
    for c, name in enumerate(classes):
        rows = {s: {int(drawing[i]) for i in idx if label[i] == c} for s, idx in split.items()}
        assert rows["train"] and rows["test"], name
        if name not in single:
            assert not rows["train"] & rows["test"], name  # unseen drawings only
    substitute = np.asarray(ds["substitute"]).astype(bool)
    assert set(label[substitute].tolist()) == {classes.index(n) for n in SUBSTITUTE_OF}


def test_instrument_recordings_cover_ten_urmp_instruments() -> None:
    found = instrument_recordings()
    assert not [ref for ref, _ in found if "_desc_" in ref]  # spoken descriptions left out
    ds = load("instrument-recordings", progress=False)
    names = {ds.classes["instrument"][int(i)] for i in np.asarray(ds["instrument"])}
    urmp = names & set(URMP_PROGRAMS)
    assert urmp == set(URMP_PROGRAMS) - {"viola", "double bass", "oboe"}
    assert ds.meta["sample_rate"] == 44100 and len(ds) == len(found)
    clip = ds["audio"][0]
    assert clip.dtype == np.int16 and len(clip) > 44100  # whole recordings, seconds long
