"""The catalogue: parsed from registry.toml, through a cache that never goes stale."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from engine import catalogue as cat


def test_catalogue_has_the_five_papers() -> None:
    entries = cat.catalogue()
    for name in ("face2nsynth", "aivae", "sound2image", "cmgan", "voice2face"):
        entry = entries[name]
        assert entry.plugin and entry.task and entry.paper is not None and entry.paper.title
        assert entry.distribution == f"xmodal-{entry.plugin}"
    assert entries["aivae-1to1"].plugin == "aivae"


def test_parse_cache_follows_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XMODAL_CACHE_DIR", str(tmp_path / "cache"))
    toml = tmp_path / "registry.toml"
    toml.write_text('[models.a]\nplugin = "p"\ntask = "image -> audio"\n')
    assert cat._read_toml(str(toml))["models"]["a"]["plugin"] == "p"
    cache = tmp_path / "cache" / "catalogue-v1.marshal"
    assert cache.is_file()
    toml.write_text('[models.a]\nplugin = "q"\ntask = "image -> audio"\n[models.b]\nplugin = "r"\n')
    os.utime(toml, ns=(1, 1))  # even with an old mtime, the size differs
    assert sorted(cat._read_toml(str(toml))["models"]) == ["a", "b"]
    cache.write_bytes(b"garbage")
    assert cat._read_toml(str(toml))["models"]["a"]["plugin"] == "q"
    cache.unlink()
    cache.mkdir()  # an unwritable cache only costs a parse
    assert cat._read_toml(str(toml))["models"]["b"]["plugin"] == "r"


def test_every_entry_carries_what_registrations_take_from_it() -> None:
    """The catalogue is the one source of a listed model's task and description."""
    kinds = {"image", "audio"}
    for name, entry in cat.catalogue().items():
        source, _, target = entry.task.partition(" -> ")
        assert {source, target} <= kinds, (name, entry.task)
        assert entry.description.endswith("."), name
        assert entry.weights == "bundled" or "/" in entry.weights, (name, entry.weights)
