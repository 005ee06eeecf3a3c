"""The demo: every installed model with bundled weights translates sample inputs.

Sample inputs are made on the spot from local sources only: spoken digits from
flite (or FSDD test clips), faces from the Olivetti test identities (or a drawn
placeholder when no data is available), enlarged to photo size so that face
models take the same detector path a user's photo does. A pipeline class may
define ``demo_inputs()`` to supply inputs that suit its paper better; the demo
asks for it, the engine's Pipeline knows nothing of the demo. Chains of the
installed models (``DEMO_CHAINS``) run too. The outputs and one overview
picture land in a folder.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .chaining import Chain
from .errors import XmodalError
from .install import install_hint
from .media import Audio, Image

__all__ = ["DEMO_CHAINS", "DemoResult", "default_inputs", "run_demo"]

_DIGITS = ("three", "seven")
#: Olivetti's 64x64 crops are too small for dlib's detector; at 256 px it finds them.
_FACE_SIDE = 256
#: Chains the demo runs when every stage is installed: a face becomes a note, the note a digit;
#: a voice becomes a face, the face a note.
DEMO_CHAINS = ("face2nsynth+aivae", "voice2face+face2nsynth")


@dataclass
class DemoResult:
    """What the demo produced for one model."""

    model: str
    outputs: list[Path] = field(default_factory=list)
    skipped: str = ""


def _spoken_digits() -> list[tuple[str, Image | Audio]]:
    if shutil.which("flite"):
        clips: list[tuple[str, Image | Audio]] = []
        with tempfile.TemporaryDirectory() as tmp:
            for word in _DIGITS:
                path = Path(tmp) / f"{word}.wav"
                subprocess.run(["flite", "-voice", "kal16", "-t", word, "-o", str(path)],
                               check=True, capture_output=True)
                clips.append((f"spoken-{word}", Audio.load(path)))
        return clips
    from . import data

    fsdd = data.load("fsdd").split("test")
    rate = int(data.load("fsdd").meta["sample_rate"])
    digits = fsdd["digit"]
    picks = [int(np.flatnonzero(digits == d)[0]) for d in (3, 7)]
    return [(f"fsdd-{d}", Audio.load(fsdd["audio"][i].astype(np.float32) / 32768.0, sample_rate=rate))
            for d, i in zip((3, 7), picks, strict=True)]


def _faces() -> list[tuple[str, Image | Audio]]:
    try:
        from . import data

        test = data.load("olivetti").split("test")
        ids = test["identity"]
        picks = [int(np.flatnonzero(ids == ident)[0]) for ident in np.unique(ids)[:2]]
        return [(f"face-{k}", Image.from_array(test["image"][i]).resize(_FACE_SIDE))
                for k, i in enumerate(picks)]
    except XmodalError:
        yy, xx = np.mgrid[0:64, 0:64] / 63.0
        return [("drawn-gradient", Image.from_array((yy * xx).astype(np.float32)))]


def default_inputs(kind: str) -> list[tuple[str, Image | Audio]]:
    """Named sample inputs of one kind ("audio" or "image") from local sources."""
    return _spoken_digits() if kind == "audio" else _faces()


def _short_label(model: str) -> str:
    """A chain's label that fits under a tile: its last stage, marked as a chain."""
    return model if len(model) <= 12 else "chain ..+" + model.rsplit("+", 1)[-1]


def _overview(rows: list[tuple[str, list[tuple[str, Any]], list[Any]]], path: Path) -> None:
    from .pictures import media_tile, save_grid

    tiles = []
    for model, inputs, outputs in rows:
        for (name, media), out in zip(inputs, outputs, strict=True):
            tiles.append((media_tile(media), f"{name}"))
            tiles.append((media_tile(out), f"-> {_short_label(model)}"))
    if tiles:
        save_grid(tiles, path, "xmodal demo: input, then translation", columns=4)


def _inputs_for(target: Any) -> list[tuple[str, Image | Audio]]:
    """The first model's own inputs (a chain's first stage), else the kind's defaults."""
    first = target.stages[0] if isinstance(target, Chain) else target
    own = getattr(first, "demo_inputs", None)
    return list(own()) if callable(own) else default_inputs(target.input_kind)


def run_demo(out: Path, models: list[str] | None = None) -> list[DemoResult]:
    """Translate sample inputs with each model (and each demo chain); returns what was written."""
    from .catalogue import catalogue
    from .chain import load_any
    from .plugins import get_manager

    manager = get_manager()
    manager.load_all()
    names = models or [n for n, spec in manager.models.items()
                       if spec.weights is not None and spec.plugin != "engine"]
    if models is None:
        names += [c for c in DEMO_CHAINS if all(part in names for part in c.split("+"))]
    results: list[DemoResult] = []
    rows = []
    for name in names:
        result = DemoResult(name)
        results.append(result)
        try:
            target = load_any(name)
        except XmodalError as exc:
            result.skipped = str(exc)
            continue
        inputs = _inputs_for(target)
        try:
            outputs = target.translate([media for _, media in inputs])
        except XmodalError as exc:  # e.g. no face in the drawn placeholder when no data is here
            result.skipped = str(exc)
            continue
        suffix = ".wav" if target.output_kind == "audio" else ".png"
        for (label, _), media in zip(inputs, outputs, strict=True):
            result.outputs.append(media.save(out / name / f"{label}{suffix}"))
        rows.append((name, inputs, outputs))
    _overview(rows, out / "overview.png")
    known = set(catalogue())
    for missing in sorted(known - set(names)):
        entry = catalogue()[missing]
        if not manager.is_installed(entry.plugin):
            results.append(DemoResult(missing, skipped=install_hint(entry.plugin)))
    return results
