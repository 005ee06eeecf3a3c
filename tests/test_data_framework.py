"""The builder framework and cache: no-op rebuilds, repair, variants, the dataset views."""

from __future__ import annotations

import json
import types
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pytest

import engine
from engine.data import BuildContext, DatasetBuilder, DatasetCard, Ragged, build, load
from engine.data.cache import check_entry
from engine.errors import DataError
from engine.plugins import PluginManager

CARD = DatasetCard(title="toy", summary="a toy", source="generated", license="CC0")


class Toy(DatasetBuilder):
    """Images, ragged clips, labels and a stratified split, from a seeded generator."""

    name = "toy"
    version = "1.0.0"
    card = CARD
    defaults: ClassVar[dict[str, Any]] = {"count": 40, "tiny": False}
    calls = 0
    shift = 0

    def build(self, ctx: BuildContext) -> None:
        type(self).calls += 1
        n = self.params["count"]
        rng = ctx.rng("data")
        ctx.add_array("image", rng.integers(0, 255, (n, 8, 8), dtype=np.uint8), kind="image")
        ctx.add_ragged("audio", [rng.standard_normal(10 + i).astype(np.float32)
                                 for i in range(n)])
        ctx.add_array("label", (np.arange(n) + self.shift) % 4, kind="label")
        ctx.set_classes("label", ["a", "b", "c", "d"], target=True)
        big = ctx.create_array("big", (n, 16), np.float16, kind="value")
        big[:] = np.arange(n)[:, None]
        for split, idx in engine.data.stratified_split(np.arange(n) % 4, {"train": 0.75,
                                                                           "test": 0.25},
                                                       ctx.rng("split")).items():
            ctx.add_split(split, idx)
        ctx.meta["sample_rate"] = 8000


@pytest.fixture(autouse=True)
def _cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("XMODAL_CACHE_DIR", str(tmp_path / "cache"))
    Toy.calls = 0
    return tmp_path / "cache"


def test_build_writes_manifest_arrays_and_preview(_cache: Path) -> None:
    result = build(Toy(), progress=False)
    assert result.status == "built"
    ds = result.dataset
    assert ds.path == _cache / "datasets" / "toy" / "1.0.0"
    m = json.loads((ds.path / "manifest.json").read_text())
    assert m["count"] == 40 and m["splits"] == {"train": 30, "test": 10}
    assert m["classes"]["label"] == ["a", "b", "c", "d"] and m["target"] == "label"
    assert set(m["arrays"]) >= {"image", "audio", "audio.offsets", "label", "big",
                                "split.train", "split.test"}
    assert all(len(a["sha256"]) == 64 for a in m["arrays"].values())
    assert m["card"]["license"] == "CC0"
    assert ds.preview_path.is_file() and ds.preview_path.stat().st_size > 1000


def test_second_build_is_a_no_op() -> None:
    first = build(Toy(), progress=False)
    second = build(Toy(), progress=False)
    assert (first.status, second.status) == ("built", "cached")
    assert Toy.calls == 1
    assert second.dataset.manifest.fingerprint == first.dataset.manifest.fingerprint


def test_builds_are_deterministic() -> None:
    first = build(Toy(), progress=False).dataset.manifest.fingerprint
    second = build(Toy(), progress=False, force=True)
    assert second.status == "built" and Toy.calls == 2
    assert second.dataset.manifest.fingerprint == first


@pytest.mark.parametrize("damage", ["delete", "truncate", "flip", "manifest", "garbage"])
def test_damaged_cache_is_detected_and_rebuilt(damage: str) -> None:
    ds = build(Toy(), progress=False).dataset
    target = ds.path / "image.npy"
    if damage == "delete":
        target.unlink()
    elif damage == "truncate":
        target.write_bytes(target.read_bytes()[:100])
    elif damage == "flip":
        data = bytearray(target.read_bytes())
        data[-1] ^= 0xFF
        target.write_bytes(bytes(data))
    elif damage == "manifest":
        (ds.path / "manifest.json").unlink()  # an interrupted build
    else:
        (ds.path / "manifest.json").write_text("{not json")
    again = build(Toy(), progress=False)
    assert again.status == "rebuilt", again
    assert Toy.calls == 2
    assert check_entry(Toy(), ds.path, "full").fingerprint == ds.manifest.fingerprint


def test_quick_check_sees_size_changes_but_full_check_sees_flips() -> None:
    ds = build(Toy(), progress=False).dataset
    target = ds.path / "label.npy"
    data = bytearray(target.read_bytes())
    data[-1] ^= 0x01
    target.write_bytes(bytes(data))
    check_entry(Toy(), ds.path, "quick")
    with pytest.raises(DataError, match="label.npy: checksum mismatch"):
        check_entry(Toy(), ds.path, "full")


def test_failed_build_leaves_nothing_behind(_cache: Path) -> None:
    class Broken(Toy):
        def build(self, ctx: BuildContext) -> None:
            ctx.create_array("big", (4, 4), np.float32)
            ctx.add_array("label", np.zeros(4, dtype=np.int64), kind="label")
            raise DataError("source went away")

    with pytest.raises(DataError, match="source went away"):
        build(Broken(), progress=False)
    assert not (_cache / "datasets" / "toy" / "1.0.0").exists()
    assert build(Toy(), progress=False).status == "built"


def test_variants_are_cached_separately() -> None:
    full = build(Toy(), progress=False).dataset
    small = build(Toy(), progress=False, count=8).dataset
    assert len(full) == 40 and len(small) == 8
    assert full.path != small.path and small.path.name.startswith("1.0.0+")
    assert build(Toy(), progress=False).status == "cached"
    assert Toy(tiny="true").params["tiny"] is True
    assert Toy(count="12").params["count"] == 12


def test_bad_parameters_are_clear_errors() -> None:
    with pytest.raises(DataError, match="no parameter 'size'"):
        Toy(size=3)
    with pytest.raises(DataError, match="count='many' should be a int"):
        Toy(count="many")


def test_inconsistent_builder_is_refused() -> None:
    class Uneven(Toy):
        def build(self, ctx: BuildContext) -> None:
            ctx.add_array("label", np.zeros(4, dtype=np.int64), kind="label")
            ctx.add_array("image", np.zeros((5, 2, 2), dtype=np.uint8), kind="image")

    with pytest.raises(ValueError, match="disagree on the item count"):
        build(Uneven(), progress=False)


def test_dataset_views() -> None:
    ds = load(Toy(), progress=False)
    assert len(ds) == 40 and ds.fields == ["image", "audio", "label", "big"]
    assert isinstance(ds["image"], np.memmap)
    audio = ds["audio"]
    assert isinstance(audio, Ragged) and len(audio) == 40 and len(audio[5]) == 15
    test = ds.split("test")
    assert len(test) == 10 and set(test["label"].tolist()) == {0, 1, 2, 3}
    clips = test["audio"]
    assert isinstance(clips, Ragged)
    assert [len(c) for c in clips] == (10 + test.indices).tolist()
    assert ds.item(3)["label"] == 3
    with pytest.raises(DataError, match="no split 'valid'"):
        ds.split("valid")
    with pytest.raises(DataError, match="did you mean 'label'"):
        ds["labels"]


def test_torch_view_follows_media_conventions() -> None:
    import torch

    ds = load(Toy(), progress=False)
    item = ds.torch("train")[0]
    assert item["image"].shape == (1, 8, 8) and item["image"].dtype == torch.float32
    assert float(item["image"].min()) >= 0.0 and float(item["image"].max()) <= 1.0
    assert item["audio"].ndim == 2 and item["audio"].shape[0] == 1
    assert item["label"].dtype == torch.long
    assert item["big"].dtype == torch.float16
    only = ds.torch("test", fields=["label"], transform=lambda d: d["label"] * 10)
    assert len(only) == 10 and int(only[0]) % 10 == 0


def test_load_without_build_explains_what_to_run() -> None:
    with pytest.raises(DataError, match="xmodal data build toy"):
        load(Toy(), build=False)


def test_unknown_dataset_suggests_a_name() -> None:
    with pytest.raises(DataError, match="did you mean 'mnist'"):
        load("mnits")


def test_plugins_register_builders_through_the_hook() -> None:
    plugin = types.ModuleType("toyplug")
    plugin.__xmodal_api__ = ">=1,<2"  # type: ignore[attr-defined]

    @engine.hookimpl
    def register_datasets(register: Any) -> None:
        register(Toy())

    plugin.register_datasets = register_datasets  # type: ignore[attr-defined]
    manager = PluginManager()
    manager.register_module(plugin, name="toyplug")
    assert manager.datasets.owner("toy") == "toyplug"
    assert isinstance(manager.datasets.get("toy"), Toy)


def test_datasets_page_shows_card_counts_and_preview(tmp_path: Path) -> None:
    from engine.data.docs import write_datasets_page

    ds = load(Toy(), progress=False)
    page = tmp_path / "docs" / "datasets.md"
    write_datasets_page([(Toy(), ds)], page, tmp_path / "docs" / "images")
    text = page.read_text()
    assert "## toy" in text and "- **License:** CC0" in text
    assert "| `toy` | 1.0.0 | 40 | train 30, test 10 |" in text
    assert "![toy preview](images/toy.png)" in text and (tmp_path / "docs/images/toy.png").is_file()


def test_derived_dataset_is_rebuilt_when_its_source_dataset_changes(
        monkeypatch: pytest.MonkeyPatch) -> None:
    from engine.data import api
    from engine.registry import Registry

    class Doubled(Toy):
        name = "doubled"

        def build(self, ctx: BuildContext) -> None:
            base = ctx.require("toy")
            ctx.add_array("value", np.asarray(base["label"]) * 2, kind="value")

    registry: Registry[DatasetBuilder] = Registry("dataset")
    registry.add("toy", Toy(), "tests")
    registry.add("doubled", Doubled(), "tests")
    monkeypatch.setattr(api, "_explicit", registry)  # api.use_registry(registry), undone after
    first = build("doubled", progress=False)
    assert first.dataset.manifest.depends["toy"].params == {"count": 40, "tiny": False}
    assert build("doubled", progress=False).status == "cached"
    build("toy", progress=False, force=True)  # rebuilt, same content: still fresh
    assert build("doubled", progress=False).status == "cached"
    monkeypatch.setattr(Toy, "shift", 1)  # the source dataset's content changes
    build("toy", progress=False, force=True)
    again = build("doubled", progress=False)
    assert again.status == "rebuilt" and "toy has changed" in again.reason
