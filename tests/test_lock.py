"""The committed lock agrees with every pyproject, and nothing in it is unpinned or unhashed.

``scripts/setup.sh`` installs ``requirements.lock`` and nothing else, so a
pyproject edit that the lock does not satisfy would pass on a developer's
machine (where the new package happens to be installed) and fail on a fresh
one. This test fails first, naming the package and the command to run.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path

import pytest
from packaging.markers import Marker
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
LOCK = ROOT / "requirements.lock"
TOOLS_LOCK = ROOT / "scripts" / "tools.lock"
#: The engine's extras that scripts/lock.sh locks (``-e .[dev,web]``) and setup.sh installs.
SETUP_EXTRAS = ("dev", "web")
REGENERATE = "run 'bash scripts/lock.sh' and commit requirements.lock with the pyproject change"


@dataclass(frozen=True)
class Pin:
    name: str
    version: Version
    marker: Marker | None
    hashes: tuple[str, ...]


def read_lock(path: Path) -> list[Pin]:
    """Every ``name==version [; marker]`` entry of a hashed requirements file, with its hashes."""
    pins: list[Pin] = []
    entry: list[str] = []
    for raw in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = raw.split(" #", 1)[0].strip() if not raw.lstrip().startswith("#") else ""
        if line:
            entry.append(line.rstrip("\\").strip())
        if entry and not raw.rstrip().endswith("\\"):
            head, *options = entry
            requirement = Requirement(head)
            specs = list(requirement.specifier)
            assert len(specs) == 1 and specs[0].operator == "==", f"{path.name}: {head!r} is not an exact pin"
            hashes = tuple(o.removeprefix("--hash=") for o in options if o.startswith("--hash="))
            assert len(hashes) == len(options), f"{path.name}: {head!r} has options other than hashes"
            pins.append(Pin(canonicalize_name(requirement.name), Version(specs[0].version),
                            requirement.marker, hashes))
            entry = []
    return pins


def pyproject_requirements() -> list[tuple[str, Requirement]]:
    """(pyproject, requirement) for the engine (with the extras setup installs) and every plugin."""
    out: list[tuple[str, Requirement]] = []
    for path in [ROOT / "pyproject.toml", *sorted(ROOT.glob("plugins/*/pyproject.toml"))]:
        project = tomllib.loads(path.read_text(encoding="utf-8"))["project"]
        deps = list(project.get("dependencies", []))
        if path.parent == ROOT:
            for extra in SETUP_EXTRAS:
                deps += project.get("optional-dependencies", {}).get(extra, [])
        out += [(str(path.relative_to(ROOT)), Requirement(d)) for d in deps]
    return out


def local_distributions() -> set[str]:
    """The in-tree distributions, installed editable by setup.sh and never locked."""
    names = set()
    for path in [ROOT / "pyproject.toml", *ROOT.glob("plugins/*/pyproject.toml")]:
        names.add(canonicalize_name(tomllib.loads(path.read_text(encoding="utf-8"))["project"]["name"]))
    return names


def unsatisfied(pins: list[Pin], requirements: list[tuple[str, Requirement]],
                local: set[str]) -> list[str]:
    """One message per requirement that no lock entry satisfies (or that an entry violates)."""
    by_name: dict[str, list[Pin]] = {}
    for pin in pins:
        by_name.setdefault(pin.name, []).append(pin)
    problems = []
    for where, req in requirements:
        name = canonicalize_name(req.name)
        if name in local:
            continue
        found = by_name.get(name, [])
        if not found:
            problems.append(f"{where}: {req} is not in requirements.lock; {REGENERATE}")
            continue
        bad = [p for p in found if not req.specifier.contains(p.version, prereleases=True)]
        if bad:
            problems.append(f"{where}: {req} is not satisfied by requirements.lock "
                            f"({name}=={bad[0].version}); {REGENERATE}")
    return problems


@pytest.mark.parametrize("lock", [LOCK, TOOLS_LOCK], ids=lambda p: p.name)
def test_lock_is_pinned_hashed_and_names_no_host(lock: Path) -> None:
    text = lock.read_text(encoding="utf-8")
    assert "://" not in text, f"{lock.name} names a URL"
    for option in ("--index-url", "--extra-index-url", "--find-links", "-i ", "-f "):
        assert option not in text, f"{lock.name} carries {option.strip()}"
    pins = read_lock(lock)
    assert pins, f"{lock.name} is empty"
    for pin in pins:
        assert pin.hashes, f"{lock.name}: {pin.name}=={pin.version} has no hash"
        assert all(len(h) == 71 and h.startswith("sha256:") for h in pin.hashes), pin.name


def test_every_pyproject_requirement_is_in_the_lock() -> None:
    problems = unsatisfied(read_lock(LOCK), pyproject_requirements(), local_distributions())
    assert not problems, "\n".join(problems)


def test_torch_and_torchaudio_are_pinned_together() -> None:
    """torchaudio's metadata cannot say which torch it was built against, so both are exact."""
    reqs = {canonicalize_name(r.name): r
            for where, r in pyproject_requirements() if where == "pyproject.toml"}
    assert str(reqs["torch"].specifier) == "==2.11.0"
    assert str(reqs["torchaudio"].specifier) == "==2.11.0"


def test_a_requirement_the_lock_does_not_hold_is_named() -> None:
    """The check itself can fail: an edit asking for a version the lock lacks is reported by name."""
    pins = read_lock(LOCK)
    numpy = next(p for p in pins if p.name == "numpy")
    edited = [("plugins/x/pyproject.toml", Requirement(f"numpy>{numpy.version}")),
              ("plugins/x/pyproject.toml", Requirement("nonesuch-package>=1"))]
    problems = unsatisfied(pins, edited, set())
    assert len(problems) == 2
    assert "numpy" in problems[0] and "bash scripts/lock.sh" in problems[0]
    assert "nonesuch-package" in problems[1]
