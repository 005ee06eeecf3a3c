"""Atomic training checkpoints: a checkpoint directory either exists whole or not at all.

Each checkpoint is written into a hidden temporary directory, every file is
flushed to disk, a ``manifest.json`` with sizes and SHA-256 sums is written
last, and only then is the directory renamed to ``step-NNNNNN``. The ``last``
and ``best`` pointers are small text files replaced atomically afterwards. A
crash at any instant (even SIGKILL) therefore leaves the previous checkpoints
and pointers valid; leftovers are hidden temporaries, removed on the next start.

Tensors go to safetensors; optimiser and scheduler states (nested dicts of
tensors and numbers) use ``torch.save`` and are read back with
``weights_only=True``, so loading a checkpoint never unpickles arbitrary objects.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import torch

from ..errors import CheckpointError
from ..fileio import atomic_write_text

__all__ = ["Checkpoint", "CheckpointStore", "step_name"]

MANIFEST = "manifest.json"
STATE = "state.json"
MODULES = "modules.safetensors"
RNG = "rng.safetensors"
OPTIMIZERS = "optimizers.pt"
SCHEDULERS = "schedulers.pt"


def step_name(step: int) -> str:
    return f"step-{step:06d}"


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _flat_state(modules: Mapping[str, torch.nn.Module]) -> dict[str, torch.Tensor]:
    """All modules' tensors under ``name.key``; cloned so tied storage cannot trouble safetensors."""
    return {
        f"{name}.{key}": value.detach().cpu().clone().contiguous()
        for name, module in modules.items()
        for key, value in module.state_dict().items()
    }


@dataclass
class Checkpoint:
    """A checkpoint read back from disk."""

    path: Path
    state: dict[str, Any]
    modules: dict[str, dict[str, torch.Tensor]]
    optimizers: dict[str, Any]
    schedulers: dict[str, Any]
    rng: dict[str, torch.Tensor]

    @property
    def step(self) -> int:
        return int(self.state["step"])


class CheckpointStore:
    """The ``checkpoints/`` folder of a run."""

    def __init__(self, root: str | os.PathLike[str]) -> None:
        self.root = Path(root)

    # -- writing -----------------------------------------------------------------
    def save(
        self,
        step: int,
        *,
        modules: Mapping[str, torch.nn.Module],
        optimizers: Mapping[str, Any],
        schedulers: Mapping[str, Any],
        state: Mapping[str, Any],
        rng: Mapping[str, torch.Tensor],
    ) -> Path:
        """Write checkpoint ``step`` atomically and point ``last`` at it."""
        from safetensors.torch import save_file

        name = step_name(step)
        final = self.root / name
        if final.is_dir() and self.verify(final):
            self._point("last", name)
            return final
        self.root.mkdir(parents=True, exist_ok=True)
        tmp = self.root / f".tmp-{name}-{os.getpid()}"
        shutil.rmtree(tmp, ignore_errors=True)
        tmp.mkdir()
        try:
            save_file(_flat_state(modules), str(tmp / MODULES), metadata={"format": "pt"})
            save_file({k: v.contiguous() for k, v in rng.items()}, str(tmp / RNG))
            torch.save({k: v.state_dict() for k, v in optimizers.items()}, tmp / OPTIMIZERS)
            torch.save({k: v.state_dict() for k, v in schedulers.items()}, tmp / SCHEDULERS)
            (tmp / STATE).write_text(json.dumps(dict(state), indent=1, sort_keys=True) + "\n")
            files = {}
            for path in sorted(tmp.iterdir()):
                _fsync(path)
                files[path.name] = {"size": path.stat().st_size, "sha256": _sha256(path)}
            (tmp / MANIFEST).write_text(json.dumps({"step": step, "files": files}, indent=1) + "\n")
            _fsync(tmp / MANIFEST)
            _fsync(tmp)
            if final.exists():  # an invalid leftover of the same name: replace it
                self._discard(final)
            os.replace(tmp, final)
            _fsync(self.root)
        finally:
            shutil.rmtree(tmp, ignore_errors=True)
        self._point("last", name)
        return final

    def _point(self, pointer: str, name: str) -> None:
        atomic_write_text(self.root / pointer, name + "\n")

    def mark_best(self, path: Path) -> None:
        self._point("best", path.name)

    def prune(self, keep: int) -> None:
        """Drop all but the ``keep`` newest checkpoints, never the ``best`` or ``last`` one."""
        protect = {p.name for p in (self.pointer("best"), self.pointer("last")) if p}
        steps = self.steps()
        for path in steps[: max(0, len(steps) - keep)]:
            if path.name not in protect:
                self._discard(path)

    def _discard(self, path: Path) -> None:
        """Delete a checkpoint so that no half-deleted one is ever visible: hide, then remove."""
        hidden = self.root / f".tmp-discard-{path.name}-{os.getpid()}"
        os.replace(path, hidden)
        shutil.rmtree(hidden, ignore_errors=True)

    def clean_temporaries(self) -> None:
        """Remove temporaries a killed writer left behind (never a finished checkpoint)."""
        if self.root.is_dir():
            for path in self.root.glob(".tmp-*"):
                shutil.rmtree(path, ignore_errors=True)

    # -- reading -----------------------------------------------------------------
    def steps(self) -> list[Path]:
        """Finished checkpoint directories, oldest first."""
        if not self.root.is_dir():
            return []
        return sorted(p for p in self.root.glob("step-*") if p.is_dir())

    def pointer(self, pointer: str) -> Path | None:
        try:
            name = (self.root / pointer).read_text(encoding="utf-8").strip()
        except OSError:
            return None
        path = self.root / name
        return path if name and path.is_dir() else None

    def verify(self, path: Path) -> bool:
        """Whether every file the manifest lists is present with its size and checksum."""
        try:
            manifest = json.loads((path / MANIFEST).read_text(encoding="utf-8"))
            for name, info in manifest["files"].items():
                file = path / name
                if file.stat().st_size != info["size"] or _sha256(file) != info["sha256"]:
                    return False
        except (OSError, ValueError, KeyError, TypeError):
            return False
        return True

    def latest(self) -> Path | None:
        """The newest valid checkpoint: the ``last`` pointer's, else the newest that verifies."""
        last = self.pointer("last")
        if last is not None and self.verify(last):
            return last
        for path in reversed(self.steps()):
            if self.verify(path):
                return path
        return None

    def load(self, path: Path) -> Checkpoint:
        from safetensors.torch import load_file

        if not self.verify(path):
            raise CheckpointError(f"{path}: checkpoint is incomplete or corrupt")
        try:
            state = json.loads((path / STATE).read_text(encoding="utf-8"))
            flat = load_file(str(path / MODULES))
            rng = load_file(str(path / RNG))
            optimizers = torch.load(path / OPTIMIZERS, map_location="cpu", weights_only=True)
            schedulers = torch.load(path / SCHEDULERS, map_location="cpu", weights_only=True)
        except (OSError, ValueError, RuntimeError) as exc:
            raise CheckpointError(f"{path}: cannot read checkpoint ({exc})") from exc
        modules: dict[str, dict[str, torch.Tensor]] = {}
        for key, value in flat.items():
            name, _, rest = key.partition(".")
            modules.setdefault(name, {})[rest] = value
        return Checkpoint(path, state, modules, optimizers, schedulers, rng)

