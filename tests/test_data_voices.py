"""The ``voices`` data set in its tiny variant (two voices of two engines), and its voice table."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from engine.data import build, load
from engine.data.voices import TINY_VOICES, check_gender
from engine.data.voices_table import discover_voices, identity_of

pytestmark = [
    pytest.mark.usefixtures("shared_data_cache"),
    pytest.mark.skipif(shutil.which("espeak-ng") is None or shutil.which("flite") is None
                       or not discover_voices() or not any(
                           v.id == "mbrola/mb-de1-en" for v in discover_voices()),
                       reason="mbrola voices not installed (scripts/setup.sh installs them)"),
]


def test_tiny_build_holds_two_voices_of_two_engines_at_16k() -> None:
    ds = load("voices", tiny=True, progress=False)
    assert ds.meta["sample_rate"] == 16000
    assert sorted(ds.classes["voice"]) == sorted(TINY_VOICES)
    assert sorted(ds.classes["engine"]) == ["flite", "mbrola"]
    counts = ds.meta["identity_utterances"]
    assert sum(counts.values()) == len(ds) == 4 * 12  # 10 digits + 2 sentences per voice
    clips = ds["audio"]
    assert all(len(clips[i]) > 1600 for i in range(len(ds)))
    # Every take has a prosody cell and a recording jitter of its own.
    assert len(set(zip(np.asarray(ds["rate"]).tolist(), np.asarray(ds["pitch"]).tolist(),
                       strict=True))) > 3
    assert len(set(np.asarray(ds["gain_db"]).round(2).tolist())) > 10


def test_same_person_voices_are_one_identity() -> None:
    ds = load("voices", tiny=True, progress=False)
    voices = ds.meta["voices"]
    assert voices["mbrola/mb-de1"]["identity"] == voices["mbrola/mb-de1-en"]["identity"]
    assert voices["flite/slt"]["identity"] != voices["flite/awb"]["identity"]
    assert ds.meta["identities"] == len(ds.classes["identity"]) == 3
    assert identity_of("rhvoice", "slt") == identity_of("flite", "slt")
    assert identity_of("mbrola", "mb-fr4-en", "fr4") == identity_of("mbrola", "mb-fr4", "fr4")
    # The English variant reads English words, the German voice German digits.
    text = np.asarray(ds["text"])
    voice = np.asarray(ds["voice"])
    assert set(ds.classes["language"]) == {"de", "en"}
    assert (text[voice == ds.classes["voice"].index("mbrola/mb-de1")] >= 0).all()


def test_identity_split_is_disjoint_and_known_split_holds_out_texts() -> None:
    ds = load("voices", tiny=True, progress=False)
    train = set(np.asarray(ds.split("train")["identity"]).tolist())
    test = set(np.asarray(ds.split("test")["identity"]).tolist())
    assert train and test and not train & test
    assert len(ds.split("train")) + len(ds.split("test")) == len(ds)
    # The known-speaker split: every identity on both sides, different texts and prosody.
    kt, ke = ds.split("known-train"), ds.split("known-test")
    assert set(np.asarray(kt["identity"]).tolist()) == set(np.asarray(ke["identity"]).tolist())
    assert not set(np.asarray(kt["text"]).tolist()) & set(np.asarray(ke["text"]).tolist()) - set(
        range(10))
    def cells(s: object) -> set[tuple[float, float]]:
        return set(zip(np.asarray(s["rate"]).tolist(), np.asarray(s["pitch"]).tolist(),  # type: ignore[index]
                       strict=True))

    assert not cells(kt) & cells(ke)


def test_every_voice_has_a_licence_and_a_checked_gender() -> None:
    ds = load("voices", tiny=True, progress=False)
    for vid, v in ds.meta["voices"].items():
        assert v["license"], vid
        assert v["gender"] in ("male", "female") and v["gender_from"] in ("package", "f0")
    assert "NON-COMMERCIAL" in ds.manifest.card["license"]
    assert all(v.license for v in discover_voices(["jackson"]))
    assert check_gender("male", 210.0) == ("female", "f0")
    assert check_gender("female", 100.0) == ("male", "f0")
    assert check_gender("male", 150.0) == ("male", "package")


def test_second_build_is_a_no_op() -> None:
    load("voices", tiny=True, progress=False)
    again = build("voices", tiny=True, progress=False)
    assert again.status == "cached"


def test_report_probes_are_seconds_of_one_voice() -> None:
    """Speaker ID is measured on probes (a sentence, or a take's ten digits joined), not single words."""
    from engine.data.voices_report import identify, probes

    ds = load("voices", tiny=True, progress=False)
    voice, digit = np.asarray(ds["voice"]), np.asarray(ds["digit"])
    enrol, test = probes(ds, "known-train"), probes(ds, "known-test")
    assert sorted(k for k, _ in enrol) == ["digits"] * 4 + ["sentence"] * 4
    assert [k for k, _ in test] == ["sentence"] * 4  # the tiny variant holds out sentence 4 only
    for kind, items in enrol + test:
        assert len(set(voice[items].tolist())) == 1
        if kind == "digits":
            assert digit[items].tolist() == list(range(10))
    used = np.concatenate([g for _, g in enrol + test])
    assert sorted(used.tolist()) == list(range(len(ds)))  # every clip in exactly one probe
    result = identify(ds, progress=False)
    assert result["test_utterances"] == 4 and result["identities"] == 3
    assert 0.0 <= result["accuracy"] <= 1.0 and set(result["per_kind"]) == {"sentence"}
