"""The real built-in datasets: counts, splits, and that no split leaks what the protocol forbids."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from engine.data import Dataset, load

from cli_helpers import run_xmodal

SHARED = Path(__file__).resolve().parents[1].parent / "shared" / "data"
pytestmark = [
    pytest.mark.skipif(not (SHARED / "fsdd").is_dir(), reason="no ../shared/data"),
    pytest.mark.usefixtures("shared_data_cache"),
]


def _disjoint(ds: Dataset, field: str) -> tuple[set[int], set[int]]:
    train = set(np.asarray(ds.split("train")[field]).tolist())
    test = set(np.asarray(ds.split("test")[field]).tolist())
    assert train and test and not train & test, (field, train & test)
    return train, test


def _partition(ds: Dataset) -> None:
    """The splits cover every item exactly once."""
    every = np.concatenate([ds.split(s).indices for s in ds.splits])
    assert np.array_equal(np.sort(every), np.arange(len(ds)))


def test_mnist() -> None:
    ds = load("mnist", progress=False)
    assert len(ds) == 10_000 and ds.splits == {"train": 8000, "test": 2000}
    assert ds["image"].shape == (10_000, 28, 28) and ds["image"].dtype == np.uint8
    _partition(ds)
    counts = np.bincount(ds.split("test")["label"], minlength=10)
    overall = np.bincount(np.asarray(ds["label"]), minlength=10)
    assert np.all(np.abs(counts - overall * 0.2) <= 1)  # stratified


def test_fsdd_uses_the_official_split() -> None:
    ds = load("fsdd", progress=False)
    assert len(ds) == 3000 and ds.splits == {"train": 2700, "test": 300}
    assert ds.classes["speaker"] == ["george", "jackson", "lucas", "nicolas", "theo", "yweweler"]
    assert ds.meta["sample_rate"] == 8000 and ds.meta["speakers"]["theo"]["gender"] == "male"
    assert set(ds.split("test")["take"].tolist()) == {0, 1, 2, 3, 4}
    assert min(ds.split("train")["take"].tolist()) == 5
    _partition(ds)
    clip = ds["audio"][0]
    assert clip.dtype == np.int16 and 1000 < len(clip) < 20_000


def test_olivetti_is_split_by_identity() -> None:
    ds = load("olivetti", progress=False)
    assert len(ds) == 400 and ds.splits == {"train": 300, "test": 100}
    train, test = _disjoint(ds, "identity")
    assert (len(train), len(test)) == (30, 10)
    assert ds["image"].shape == (400, 64, 64)


def test_mnist_fsdd_pairs_same_digits_within_splits() -> None:
    ds = load("mnist-fsdd", progress=False)
    mnist, fsdd = load("mnist", progress=False), load("fsdd", progress=False)
    assert len(ds) == 10_000 and ds.splits == {"train": 8000, "test": 2000}
    for split in ("train", "test"):
        part = ds.split(split)
        assert set(part["mnist_index"].tolist()) == set(mnist.split(split).indices.tolist())
        assert set(part["fsdd_index"].tolist()) <= set(fsdd.split(split).indices.tolist())
        assert np.array_equal(np.asarray(fsdd["digit"])[part["fsdd_index"]], part["digit"])
        assert np.array_equal(np.asarray(mnist["label"])[part["mnist_index"]], part["digit"])
    i = 1234
    assert np.array_equal(ds["audio"][i], fsdd["audio"][int(ds["fsdd_index"][i])])


def test_cli_build_json_and_no_op(shared_data_cache: Path) -> None:
    first = run_xmodal("data", "build", "olivetti", "--json")
    assert first.returncode == 0, first.stderr
    info = json.loads(first.stdout)
    assert {"name", "version", "path", "count", "splits", "classes"} <= set(info)
    assert info["count"] == 400 and info["splits"] == {"train": 300, "test": 100}
    assert info["status"] == "cached" and len(info["classes"]) == 40
    listing = run_xmodal("data", "list", "--json")
    assert {"mnist", "fsdd", "olivetti"} <= {r["name"] for r in json.loads(listing.stdout)}
    shown = run_xmodal("data", "info", "olivetti")
    assert "by identity" in shown.stdout and "400 items" in shown.stdout
    run_xmodal("data", "build", "olivety").assert_user_error("did you mean 'olivetti'")
    run_xmodal("data", "build").assert_user_error("give a dataset NAME or --all")
