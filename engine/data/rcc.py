"""Read files out of a compiled Qt resource archive (``.rcc``), without Qt.

GCompris (Debian ``gcompris-qt-data``) ships its pictures and sounds only as
Qt resource archives; the instrument and animal recordings and drawings the
cmgan and sound2image stand-ins use are inside them. Installing Qt to read
them would be a large system dependency for a simple format, so this module
parses it directly:

* header: ``b"qres"``, then big-endian u32 version (1-3), tree offset, data
  offset, names offset (and, from version 3, a u32 of feature flags);
* the tree: fixed-size nodes (14 bytes, plus a u64 modification time from
  version 2); a directory node holds a child count and the index of its first
  child, a file node a locale and an offset into the data block;
* names: u16 length, u32 hash, then UTF-16BE characters;
* data: u32 length, then the bytes; flag 1 means zlib with Qt's 4-byte
  uncompressed-size prefix (``qCompress``), flag 4 means zstd.
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from ..errors import DataError

__all__ = ["RccArchive"]

_DIRECTORY = 0x02
_ZLIB = 0x01
_ZSTD = 0x04


@dataclass(frozen=True)
class _Entry:
    offset: int  # into the data block
    flags: int


class RccArchive:
    """The files of one ``.rcc`` archive, by path (``"instruments/resource/cello.ogg"``)."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            self._blob = self.path.read_bytes()
        except OSError as exc:
            raise DataError(f"cannot read Qt resource file {self.path}: {exc.strerror}") from exc
        blob = self._blob
        if len(blob) < 20 or blob[:4] != b"qres":
            raise DataError(f"{self.path} is not a Qt resource file (no 'qres' header)")
        version, tree, data, names = struct.unpack_from(">4I", blob, 4)
        if not 1 <= version <= 3:
            raise DataError(f"{self.path}: unsupported Qt resource version {version}")
        self._tree, self._data, self._names = tree, data, names
        self._node_size = 14 + (8 if version >= 2 else 0)
        self.files: dict[str, _Entry] = {}
        try:
            self._walk(0, "")
        except struct.error as exc:
            raise DataError(f"{self.path} is truncated or corrupt ({exc})") from exc

    def _name(self, offset: int) -> str:
        (length,) = struct.unpack_from(">H", self._blob, self._names + offset)
        start = self._names + offset + 6
        return self._blob[start:start + 2 * length].decode("utf-16-be")

    def _walk(self, index: int, prefix: str, depth: int = 0) -> None:
        if depth > 64:
            raise DataError(f"{self.path}: resource tree nested too deep (corrupt file?)")
        at = self._tree + index * self._node_size
        name_offset, flags = struct.unpack_from(">IH", self._blob, at)
        name = self._name(name_offset) if index else ""
        path = f"{prefix}/{name}" if prefix else name
        if flags & _DIRECTORY:
            count, first = struct.unpack_from(">II", self._blob, at + 6)
            for child in range(first, first + count):
                self._walk(child, path, depth + 1)
        else:
            (offset,) = struct.unpack_from(">I", self._blob, at + 10)
            self.files[path] = _Entry(offset, flags)

    def names(self, suffix: str = "") -> list[str]:
        """Every file path in the archive (sorted), optionally only those ending in ``suffix``."""
        return sorted(p for p in self.files if p.endswith(suffix))

    def read(self, name: str) -> bytes:
        """The (decompressed) bytes of one file."""
        entry = self.files.get(name)
        if entry is None:
            raise DataError(f"{self.path} has no file {name!r}")
        at = self._data + entry.offset
        (size,) = struct.unpack_from(">I", self._blob, at)
        raw = self._blob[at + 4:at + 4 + size]
        if len(raw) != size:
            raise DataError(f"{self.path}: {name} is truncated")
        if entry.flags & _ZLIB:
            return zlib.decompress(raw[4:])
        if entry.flags & _ZSTD:
            raise DataError(f"{self.path}: {name} is zstd-compressed, which is not supported")
        return raw
