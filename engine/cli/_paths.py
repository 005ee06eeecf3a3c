"""Where ``xmodal translate`` reads from and writes to.

Input folders are expanded here (their media files of the kind the model reads,
sorted by name, not recursive) and every output path is decided before
anything runs, so a bad ``-o`` is refused before the model spends any time.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

from ..errors import XmodalError

__all__ = ["SUFFIX", "expand_inputs", "plan_outputs", "suffixes"]

#: The file suffix written for each output kind.
SUFFIX = {"audio": ".wav", "image": ".png"}


def suffixes(kind: str) -> frozenset[str]:
    """The file suffixes (lower case, with the dot) that hold media of ``kind``."""
    from ..media import AUDIO_SUFFIXES, IMAGE_SUFFIXES

    return AUDIO_SUFFIXES if kind == "audio" else IMAGE_SUFFIXES


def expand_inputs(tokens: list[str], kind: str) -> tuple[list[str], bool]:
    """The input files, each folder replaced by its ``kind`` files; and whether a folder was given.

    Other files in a folder (notes, a stray text file, media of the other kind)
    are passed over; a folder with none of the right kind is an error.
    """
    allowed = suffixes(kind)
    inputs: list[str] = []
    had_folder = False
    for token in tokens:
        folder = Path(token)
        if not folder.is_dir():
            inputs.append(token)
            continue
        had_folder = True
        found = sorted(
            p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in allowed
        )
        if not found:
            wanted = " ".join(sorted(allowed))
            raise XmodalError(f"{token}: no {kind} files in this folder (looked for {wanted})")
        inputs.extend(str(p) for p in found)
    return inputs, had_folder


def plan_outputs(inputs: list[str], out: Path, kind: str, *, folder: bool = False) -> list[Path]:
    """Where each translation goes: OUT itself for one input, OUT/<stem><ext> for many.

    ``folder`` makes OUT a folder even for one input (an input folder was given).
    """
    suffix = SUFFIX.get(kind, "")
    if len(inputs) == 1 and not folder and not out.is_dir():
        if out.suffix and out.suffix.lower() not in suffixes(kind):
            raise XmodalError(f"{out}: this model writes {kind}; use a {suffix} name")
        return [out if out.suffix else out.with_suffix(suffix)]
    if out.exists() and not out.is_dir():
        raise XmodalError(f"{out}: exists and is not a folder (several inputs need a folder)")
    stems = [Path(i).stem or f"item{n}" for n, i in enumerate(inputs)]
    dupes = {s for s, n in Counter(stems).items() if n > 1}
    names = [f"{s}-{n}" if s in dupes else s for n, s in enumerate(stems)]
    return [out / f"{name}{suffix}" for name in names]
