"""General MIDI facts and soundfont lookup shared by the rendered-instrument datasets.

The 128 GM programs are mapped to the ten NSynth instrument families the
face2nsynth plugin uses (synth leads, pads, effects and most percussion have
no family and are left out), and to the 13 URMP instruments cmgan uses.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..errors import DataError
from .settings import data_dir

__all__ = [
    "FAMILIES",
    "SOUNDFONTS",
    "SOUNDFONT_DIR_ENV",
    "URMP_PROGRAMS",
    "family_of",
    "find_soundfont",
    "gm_programs",
]

FAMILIES = ("bass", "brass", "flute", "guitar", "keyboard", "mallet", "organ", "reed", "string",
            "vocal")

_RANGES: tuple[tuple[int, int, str], ...] = (
    (0, 7, "keyboard"),  # pianos, harpsichord, clavinet
    (8, 15, "mallet"),  # celesta .. dulcimer
    (16, 21, "organ"),  # organs, accordion
    (22, 22, "reed"),  # harmonica
    (23, 23, "organ"),  # tango accordion
    (24, 31, "guitar"),
    (32, 39, "bass"),
    (40, 46, "string"),  # violin .. orchestral harp
    (48, 51, "string"),  # string ensembles, synth strings
    (52, 54, "vocal"),  # choir aahs, voice oohs, synth voice
    (56, 63, "brass"),
    (64, 71, "reed"),  # saxophones, oboe, english horn, bassoon, clarinet
    (72, 79, "flute"),  # piccolo .. ocarina
    (104, 107, "guitar"),  # sitar, banjo, shamisen, koto
    (108, 108, "mallet"),  # kalimba
    (109, 109, "reed"),  # bagpipe
    (110, 110, "string"),  # fiddle
    (111, 111, "reed"),  # shanai
    (112, 112, "mallet"),  # tinkle bell
    (114, 114, "mallet"),  # steel drums
)

#: The 13 URMP instruments and the GM program that plays each.
URMP_PROGRAMS = {
    "violin": 40, "viola": 41, "cello": 42, "double bass": 43, "flute": 73, "oboe": 68,
    "clarinet": 71, "bassoon": 70, "saxophone": 65, "trumpet": 56, "horn": 60, "trombone": 57,
    "tuba": 58,
}

#: Soundfont name -> (file name, where Debian/pip put it, how to get it).
SOUNDFONTS = {
    "FluidR3_GM": ("FluidR3_GM.sf2", "/usr/share/sounds/sf2", "apt-get install fluid-soundfont-gm"),
    "MuseScore_General_Lite": ("MuseScore_General_Lite.sf3", "/usr/share/sounds/sf3",
                               "apt-get install musescore-general-soundfont-small"),
    "TimGM6mb": ("TimGM6mb.sf2", "<pretty_midi>", "pip install pretty_midi"),
}

#: Extra folder to look for soundfonts in (before the system locations).
SOUNDFONT_DIR_ENV = "XMODAL_SOUNDFONT_DIR"


def family_of(program: int) -> str | None:
    """The family of a GM program (0-127), or None for programs without one."""
    for lo, hi, family in _RANGES:
        if lo <= program <= hi:
            return family
    return None


def gm_programs() -> list[tuple[int, str]]:
    """``(program, family)`` for every GM program that belongs to a family."""
    return [(p, f) for p in range(128) if (f := family_of(p)) is not None]


def _pretty_midi_dir() -> Path | None:
    import importlib.util

    spec = importlib.util.find_spec("pretty_midi")
    if spec is None or spec.origin is None:
        return None
    return Path(spec.origin).parent


def find_soundfont(name: str) -> Path:
    """The path of a known soundfont: ``$XMODAL_SOUNDFONT_DIR``, the data dir, then the system."""
    if name not in SOUNDFONTS:
        raise DataError(f"unknown soundfont {name!r} (known: {', '.join(SOUNDFONTS)})")
    file, system_dir, install = SOUNDFONTS[name]
    candidates = []
    if os.environ.get(SOUNDFONT_DIR_ENV):
        candidates.append(Path(os.environ[SOUNDFONT_DIR_ENV]) / file)
    candidates.append(data_dir() / "soundfonts" / file)
    if system_dir == "<pretty_midi>":
        pm_dir = _pretty_midi_dir()
        if pm_dir is not None:
            candidates.append(pm_dir / file)
    else:
        candidates.append(Path(system_dir) / file)
    for path in candidates:
        if path.is_file():
            return path
    raise DataError(f"soundfont {file} not found (looked in "
                    f"{', '.join(str(c.parent) for c in candidates)}); {install}")
