"""Which recorded voices are installed, who they are, and under which licence.

The ``voices`` data set must count *people*, not synthesiser settings: a mbrola
database spoken through two espeak-ng voice files (``mb-de1`` and its English
variant ``mb-de1-en``) is one person, and so are CMU's ``slt`` in flite and in
RHVoice. Everything that can be read from the installed packages is read from
them at build time (espeak-ng's voice files name the mbrola database, language
and gender; RHVoice's ``voice.info`` its language and gender; the Debian
copyright files the licences), so the table follows what a machine really has.
Only facts the packages do not state are written here: which voices of
different engines share a speaker, and the pico and flite voices' genders.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

__all__ = ["ESPEAK_DATA", "RHVOICE_DATA", "SAME_PERSON", "Voice", "discover_voices",
           "identity_of"]

ESPEAK_DATA = Path("/usr/lib/x86_64-linux-gnu/espeak-ng-data")
MBROLA_DATA = Path("/usr/share/mbrola")
RHVOICE_DATA = Path("/usr/share/RHVoice/voices")
DOCS = Path("/usr/share/doc")
#: The terms every MBROLA database ships with (Debian non-free), in short.
MBROLA_LICENSE = ("MBROLA database licence: non-commercial use only, and only with the MBROLA "
                  "synthesiser")

#: Voices of different engines recorded from one person (identity names on the right).
#: flite's and RHVoice's slt are both CMU ARCTIC's slt; RHVoice's alan is Alan W Black,
#: who also recorded flite's awb; aleksandr-hq re-records aleksandr; evgeniy speaks
#: both the English and the Russian voice.
SAME_PERSON = {
    "flite/slt": "arctic-slt", "rhvoice/slt": "arctic-slt",
    "flite/awb": "alan-black", "rhvoice/alan": "alan-black",
    "rhvoice/aleksandr": "aleksandr", "rhvoice/aleksandr-hq": "aleksandr",
    "rhvoice/evgeniy-eng": "evgeniy", "rhvoice/evgeniy-rus": "evgeniy",
    "flite/rms": "arctic-rms", "flite/kal16": "kal",
}
#: flite's voices (kal is the 8 kHz kal16; left out) and their genders (flite states none).
FLITE_VOICES = {"kal16": "male", "awb": "male", "rms": "male", "slt": "female"}
#: svox pico has one female voice per language.
PICO_LANGUAGES = {"en-US": "en", "en-GB": "en", "de-DE": "de", "es-ES": "es", "fr-FR": "fr",
                  "it-IT": "it"}
#: espeak-ng voice files that do not speak here: mb-cn1 fails, mb-hb1/2 and mb-de6-grc stay
#: silent (the probe of docs/datasets.md); the build also drops any other silent voice.
BROKEN = {"mb-cn1", "mb-hb1", "mb-hb2", "mb-de6-grc"}
_RHVOICE_LANG = {"english": "en", "russian": "ru", "ukrainian": "uk", "polish": "pl",
                 "albanian": "sq", "esperanto": "eo", "kyrgyz": "ky", "macedonian": "mk",
                 "tatar": "tt", "brazilian-portuguese": "pt-br"}


@dataclass(frozen=True)
class Voice:
    """One voice a synthesiser (or FSDD) can speak with."""

    id: str  # engine/voice, e.g. "mbrola/mb-de1-en"
    engine: str  # mbrola, rhvoice, pico, flite, fsdd
    voice: str  # what the engine's command line takes
    identity: str  # the human behind it (shared by same-person voices)
    gender: str  # the package's label: male / female
    language: str  # what it reads: ISO code, "en" for English
    license: str


def identity_of(engine: str, voice: str, database: str | None = None) -> str:
    """The person behind a voice: the mbrola database, a known same-person voice, or itself."""
    key = f"{engine}/{voice}"
    if key in SAME_PERSON:
        return SAME_PERSON[key]
    if engine == "mbrola":
        return f"mbrola-{database or voice.removeprefix('mb-').split('-')[0]}"
    return f"{engine}-{voice}".lower()


def _fields(text: str) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in text.splitlines():
        parts = line.split(None, 1)
        if len(parts) == 2 and parts[0] not in out:
            out[parts[0].lower()] = parts[1].strip()
    return out


def _package_license(package: str, default: str) -> str:
    """The first ``License:`` of a Debian copyright file (the voice's own), else ``default``."""
    path = DOCS / package / "copyright"
    if path.is_file():
        found = re.search(r"^License:\s*(.+)$", path.read_text(errors="replace"), re.M)
        if found:
            return found.group(1).strip()
    return default


def _mbrola(espeak: Path, mbrola: Path) -> list[Voice]:
    voices = []
    folder = espeak / "voices" / "mb"
    for path in sorted(folder.glob("mb-*")) if folder.is_dir() else []:
        f = _fields(path.read_text(errors="replace"))
        database = f.get("mbrola", "").split()[0] if f.get("mbrola") else ""
        if path.name in BROKEN or not database or not (mbrola / database).exists():
            continue
        language = f.get("language", "").split()[0] if f.get("language") else ""
        # An English variant reads English; a native voice reads its own language.
        lang = "en" if language.startswith("en") else language
        gender = f.get("gender", "male").split()[0]
        voices.append(Voice(
            id=f"mbrola/{path.name}", engine="mbrola", voice=path.name,
            identity=identity_of("mbrola", path.name, database), gender=gender, language=lang,
            license=MBROLA_LICENSE))
    return voices


def _rhvoice_licenses() -> dict[str, str]:
    """Per-voice licences from RHVoice's copyright file (voices not named there: LGPL-2.1+)."""
    out: dict[str, str] = {}
    for path in sorted(DOCS.glob("rhvoice-*/copyright")):
        current = None
        for line in path.read_text(errors="replace").splitlines():
            if line.startswith("Files:"):
                m = re.match(r"Files:\s*data/voices/([^/\s]+)/", line)
                current = m.group(1).lower() if m else None
            elif line.startswith("License:") and current:
                out[current] = line.split(":", 1)[1].strip()
                current = None
        break
    return out


def _rhvoice(root: Path) -> list[Voice]:
    licenses = _rhvoice_licenses()
    voices = []
    for info in sorted(root.glob("*/voice.info")) if root.is_dir() else []:
        f = dict(line.split("=", 1) for line in info.read_text(errors="replace").splitlines()
                 if "=" in line)
        name = info.parent.name
        lang = _RHVOICE_LANG.get(f.get("language", "").strip().lower(), f.get("language", ""))
        voices.append(Voice(
            id=f"rhvoice/{name}", engine="rhvoice", voice=name,
            identity=identity_of("rhvoice", name), gender=f.get("gender", "").strip().lower(),
            language=lang, license=licenses.get(name.lower(), "LGPL-2.1+")))
    return voices


def discover_voices(fsdd_speakers: list[str] | None = None) -> list[Voice]:
    """Every voice installed here (plus FSDD's speakers when given), sorted by id."""
    import shutil

    voices: list[Voice] = []
    if shutil.which("espeak-ng"):
        voices += _mbrola(ESPEAK_DATA, MBROLA_DATA)
    if shutil.which("RHVoice-test"):
        voices += _rhvoice(RHVOICE_DATA)
    if shutil.which("pico2wave"):
        pico_license = _package_license("libttspico-data", "Apache-2.0")
        voices += [Voice(id=f"pico/{lang}", engine="pico", voice=lang,
                         identity=identity_of("pico", lang), gender="female", language=code,
                         license=pico_license) for lang, code in PICO_LANGUAGES.items()]
    if shutil.which("flite"):
        voices += [Voice(id=f"flite/{name}", engine="flite", voice=name,
                         identity=identity_of("flite", name), gender=gender, language="en",
                         license="flite and CMU ARCTIC voices: BSD-style, free use")
                   for name, gender in FLITE_VOICES.items()]
    voices += [Voice(id=f"fsdd/{s}", engine="fsdd", voice=s, identity=f"fsdd-{s}",
                     gender="male", language="en", license="CC BY-SA 4.0")
               for s in fsdd_speakers or []]
    return sorted(voices, key=lambda v: v.id)
