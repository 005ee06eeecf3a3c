"""The builder framework: how a dataset turns sources into cached arrays.

A :class:`DatasetBuilder` declares a name, a version, a card, its sources and
its parameters, and implements :meth:`DatasetBuilder.build`, which receives a
:class:`BuildContext`. The context is the only way a builder touches the cache:
it fetches verified sources, hands out seeded random generators, writes arrays
atomically, records labels, classes and splits, and shows progress. Because the
context (not the builder) writes the manifest, every dataset, built-in or from a
plugin, gets the same integrity checks and the same loader.

A minimal third-party builder::

    class Squares(DatasetBuilder):
        name = "squares"
        version = "1.0.0"
        card = DatasetCard(title="Squares", summary="...", source="generated",
                           license="CC0")
        defaults = {"count": 100}

        def build(self, ctx):
            n = self.params["count"]
            ctx.add_array("value", np.arange(n) ** 2, kind="value")
            ctx.add_split("train", np.arange(n))
"""

from __future__ import annotations

import abc
import contextlib
import copy
import hashlib
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar, TypeVar

import numpy as np

from ..errors import DataError
from ..fileio import atomic_path
from .cards import DatasetCard
from .checksums import hash_bar, sha256_file
from .manifest import ArrayInfo, ArrayKind, Dependency, Manifest, SourceRecord
from .sources import Source, fetch_source

if TYPE_CHECKING:
    from .dataset import Dataset

__all__ = ["BuildContext", "DatasetBuilder"]

T = TypeVar("T")

_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
_PER_ITEM_KINDS = ("image", "audio", "label", "value")


class DatasetBuilder(abc.ABC):
    """Base class of every dataset: subclass it and register an instance.

    Class attributes describe the dataset; ``params`` (validated against
    ``defaults``) select a variant, e.g. a tiny build for tests. A variant with
    non-default parameters is cached separately, so it never overwrites the
    real dataset.
    """

    name: ClassVar[str] = ""
    #: Bump when the built content changes; old caches are then rebuilt.
    version: ClassVar[str] = "1.0.0"
    card: ClassVar[DatasetCard]
    sources: ClassVar[tuple[Source, ...]] = ()
    #: Parameter names and default values; values given must match these types.
    defaults: ClassVar[Mapping[str, Any]] = {}
    #: True for loaders of data the user must supply (no stand-in source here).
    needs_user_data: ClassVar[bool] = False
    #: Parameters that change how a build runs but not what it produces (e.g. ``workers``):
    #: they neither select a cache variant nor invalidate a cache.
    runtime_params: ClassVar[frozenset[str]] = frozenset()

    def __init__(self, **params: Any) -> None:
        self.params: dict[str, Any] = _check_params(self.name, dict(self.defaults), params)

    def configure(self, **params: Any) -> DatasetBuilder:
        """A copy of this builder with some parameters changed."""
        clone = copy.copy(self)
        clone.params = _check_params(self.name, dict(self.params), params)
        return clone

    @property
    def content_params(self) -> dict[str, Any]:
        """The parameters that determine the built content (all but ``runtime_params``)."""
        return {k: v for k, v in self.params.items() if k not in self.runtime_params}

    @property
    def cache_key(self) -> str:
        """The cache folder name: the version, plus a parameter digest for variants."""
        changed = {k: v for k, v in self.content_params.items() if self.defaults.get(k) != v}
        if not changed:
            return self.version
        blob = json.dumps(changed, sort_keys=True, default=str).encode()
        return f"{self.version}+{hashlib.sha256(blob).hexdigest()[:10]}"

    @abc.abstractmethod
    def build(self, ctx: BuildContext) -> None:
        """Write the dataset through ``ctx``; must be deterministic for given params."""

    def preview(self, dataset: Dataset, path: Path) -> None:
        """Draw the preview picture; the default picks images or spectrograms by array kind."""
        from .preview import default_preview

        default_preview(dataset, path)

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name} {self.cache_key}>"


def _coerce(name: str, key: str, default: Any, value: Any) -> Any:
    """Accept CLI strings for typed parameters (``tiny=true``, ``count=50``)."""
    if default is None or value is None:
        return value
    if isinstance(default, bool):
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if text in ("1", "true", "yes", "on"):
            return True
        if text in ("0", "false", "no", "off"):
            return False
    elif not isinstance(value, bool):
        with contextlib.suppress(TypeError, ValueError):
            digits = str(value).strip().lstrip("-").isdigit()
            if isinstance(default, int) and (isinstance(value, int) or digits):
                return int(value)
            if isinstance(default, float):
                return float(value)
            if isinstance(default, str):
                return str(value)
            if isinstance(value, type(default)):
                return value
    raise DataError(
        f"dataset {name!r}: parameter {key}={value!r} should be a {type(default).__name__}"
    )


def _check_params(name: str, base: dict[str, Any], given: Mapping[str, Any]) -> dict[str, Any]:
    for key, value in given.items():
        if key not in base:
            known = ", ".join(sorted(base)) or "none"
            raise DataError(f"dataset {name!r} has no parameter {key!r} (parameters: {known})")
        base[key] = _coerce(name, key, base[key], value)
    return base


class BuildContext:
    """What a builder writes through; collected into the manifest at the end."""

    def __init__(self, builder: DatasetBuilder, directory: Path, *, progress: bool = True) -> None:
        self.builder = builder
        self.params = builder.content_params
        self.directory = directory
        self.show_progress = progress
        self.meta: dict[str, Any] = {}
        self.target: str | None = None
        self._stack = contextlib.ExitStack()
        self._memmaps: list[np.memmap] = []
        self._arrays: dict[str, tuple[str, ArrayKind, str | None]] = {}
        self._classes: dict[str, list[str]] = {}
        self._splits: dict[str, int] = {}
        self._sources: list[SourceRecord] = []
        self._depends: dict[str, Dependency] = {}

    # -- inputs -------------------------------------------------------------
    def source(self, source: Source) -> Path:
        """The verified local path of one of the builder's sources (downloaded if needed)."""
        path = fetch_source(source)
        self._sources.append(
            SourceRecord(path=source.path, sha256=source.sha256, urls=list(source.urls))
        )
        return path

    def record_input(self, path: Path, description: str) -> None:
        """Note an input that is not a published source (a system soundfont, a tool's data).

        Its checksum goes into the manifest's provenance, so two caches built from
        different soundfont releases can be told apart.
        """
        self._sources.append(SourceRecord(path=str(path), sha256=sha256_file(path),
                                          description=description))

    def require(self, name: str, **params: Any) -> Dataset:
        """Another dataset this one derives from, built first if needed."""
        from .api import load

        dataset = load(name, progress=self.show_progress, **params)
        self._depends[name] = Dependency(params=dataset.manifest.params,
                                         fingerprint=dataset.manifest.fingerprint)
        return dataset

    def rng(self, *tags: object) -> np.random.Generator:
        """A generator seeded from the dataset name, version and ``tags``: same build, same draws."""
        text = "/".join([self.builder.name, self.builder.version, *map(str, tags)])
        seed = int.from_bytes(hashlib.sha256(text.encode()).digest()[:8], "little")
        return np.random.default_rng(seed)

    def progress(self, iterable: Iterable[T] | None = None, *, total: int | None = None,
                 desc: str | None = None, unit: str = "it") -> Any:
        """A tqdm bar (with ETA) labelled with the dataset name."""
        from tqdm.auto import tqdm

        label = f"{self.builder.name}: {desc}" if desc else self.builder.name
        return tqdm(iterable, total=total, desc=label, unit=unit, disable=not self.show_progress,
                    dynamic_ncols=True)

    # -- outputs ------------------------------------------------------------
    def add_array(self, name: str, data: np.ndarray | Sequence[Any], kind: ArrayKind = "value") -> None:
        """Write a whole in-memory array to the cache."""
        self._claim(name, kind)
        array = np.ascontiguousarray(np.asarray(data))
        if array.dtype == object:
            raise ValueError(f"array {name!r} has dtype object; use a numeric or fixed-width dtype")
        with atomic_path(self._path(name)) as tmp, open(tmp, "wb") as fh:
            np.save(fh, array, allow_pickle=False)

    def create_array(self, name: str, shape: tuple[int, ...], dtype: Any,
                     kind: ArrayKind = "value") -> np.memmap:
        """A writable memory-mapped array to fill in place (for arrays too big for memory).

        It appears in the cache only when the build finishes successfully.
        """
        self._claim(name, kind)
        tmp = self._stack.enter_context(atomic_path(self._path(name)))
        array = np.lib.format.open_memmap(tmp, mode="w+", dtype=np.dtype(dtype), shape=shape)
        self._memmaps.append(array)
        return array

    def add_ragged(self, name: str, pieces: Sequence[np.ndarray], kind: ArrayKind = "audio",
                   dtype: Any = None) -> None:
        """Store variable-length items (clips of different lengths) as one flat array + offsets."""
        lengths = np.array([len(p) for p in pieces], dtype=np.int64)
        offsets = np.zeros(len(pieces) + 1, dtype=np.int64)
        np.cumsum(lengths, out=offsets[1:])
        dtype = np.dtype(dtype) if dtype is not None else (
            np.asarray(pieces[0]).dtype if len(pieces) else np.dtype(np.float32))
        flat = np.concatenate([np.asarray(p, dtype=dtype).reshape(-1) for p in pieces]) if len(
            pieces) else np.zeros(0, dtype=dtype)
        self.add_array(name, flat, kind=kind)
        self._arrays[name] = (self._arrays[name][0], kind, f"{name}.offsets")
        self.add_array(f"{name}.offsets", offsets, kind="offsets")

    def set_classes(self, field: str, names: Sequence[str], *, target: bool = False) -> None:
        """Name the classes of a label field; ``target=True`` marks the main label."""
        self._classes[field] = [str(n) for n in names]
        if target:
            self.target = field

    def add_split(self, split: str, indices: np.ndarray | Sequence[int]) -> None:
        """Record the items (indices into the dataset) that make up one split."""
        if not _NAME.match(split):
            raise ValueError(f"split name {split!r} must be lower-case letters, digits, - or _")
        idx = np.asarray(indices, dtype=np.int64)
        if len(np.unique(idx)) != len(idx):
            raise ValueError(f"split {split!r} lists an item twice")
        self.add_array(f"split.{split}", idx, kind="split")
        self._splits[split] = len(idx)

    # -- internals ----------------------------------------------------------
    def _claim(self, name: str, kind: ArrayKind) -> None:
        base = name.split(".", 1)[0]
        if not _NAME.match(base) or (name != base and kind not in ("split", "offsets")):
            raise ValueError(f"array name {name!r}: use lower-case letters, digits, - or _")
        if name in self._arrays:
            raise ValueError(f"array {name!r} written twice")
        self._arrays[name] = (f"{name}.npy", kind, None)

    def _path(self, name: str) -> Path:
        return self.directory / self._arrays[name][0]

    def abort(self) -> None:
        """Drop unfinished memory-mapped arrays (their temporary files are removed)."""
        self._memmaps.clear()
        self._stack.__exit__(DataError, DataError("build aborted"), None)

    def finish(self, engine_version: str, seconds: float) -> Manifest:
        """Commit the arrays, check their consistency and return the manifest (not yet written)."""
        for mm in self._memmaps:
            mm.flush()
        self._memmaps.clear()
        self._stack.close()
        arrays: dict[str, ArrayInfo] = {}
        total = sum((self.directory / f).stat().st_size for f, _, _ in self._arrays.values())
        with hash_bar(total, f"{self.builder.name}: checksum", self.show_progress) as bar:
            for name, (file, kind, offsets) in self._arrays.items():
                path = self.directory / file
                header = np.load(path, mmap_mode="r")
                arrays[name] = ArrayInfo(
                    file=file, dtype=str(header.dtype), shape=list(header.shape), kind=kind,
                    bytes=path.stat().st_size, sha256=sha256_file(path, bar.update),
                    offsets=offsets,
                )
                del header
        count = self._count(arrays)
        for split, info in arrays.items():
            if info.kind == "split" and info.shape[0]:
                idx = np.load(self.directory / info.file, mmap_mode="r")
                if int(idx.min()) < 0 or int(idx.max()) >= count:
                    raise ValueError(f"{split}: indices outside 0..{count - 1}")
        for field in self._classes:
            if field not in arrays:
                raise ValueError(f"classes given for {field!r}, which is not an array")
        b = self.builder
        return Manifest(
            name=b.name, version=b.version, params=self.params, count=count, target=self.target,
            classes=self._classes, splits=self._splits, arrays=arrays, meta=self.meta,
            sources=self._sources, depends=self._depends, card=b.card.to_dict(),
            engine_version=engine_version, build_seconds=round(seconds, 3),
        )

    def _count(self, arrays: dict[str, ArrayInfo]) -> int:
        counts: dict[str, int] = {}
        for name, info in arrays.items():
            if info.kind not in _PER_ITEM_KINDS:
                continue
            if info.offsets is not None:
                counts[name] = arrays[info.offsets].shape[0] - 1
            else:
                counts[name] = info.shape[0] if info.shape else 1
        if len(set(counts.values())) > 1:
            raise ValueError(f"per-item arrays disagree on the item count: {counts}")
        return next(iter(counts.values()), 0)
