"""The plugin's own identity split: disjoint, gender-stratified, one voice identity per face."""

from __future__ import annotations

from collections import Counter

from xmodal_voice2face.assignment import FEMALE_FACES, load_assignment


def test_split_is_disjoint_and_covers_all_forty_faces() -> None:
    a = load_assignment()
    train, test = {f.face for f in a.split("train")}, {f.face for f in a.split("test")}
    assert not train & test
    assert len(train | test) == 40
    assert a.num_train == 30 and sorted(a.train_index().values()) == list(range(30))


def test_split_is_gender_balanced() -> None:
    a = load_assignment()
    for split, men, women in (("train", 28, 2), ("test", 8, 2)):
        counts = Counter(f.gender for f in a.split(split))  # type: ignore[arg-type]
        assert counts == {"male": men, "female": women}
    assert {f.face for f in a.faces if f.gender == "female"} == set(FEMALE_FACES)


def test_every_face_has_its_own_voice_identity() -> None:
    a = load_assignment()
    identities = [f.voice_identity for f in a.faces]
    assert len(set(identities)) == 40
    voices = [v for f in a.faces for v in f.voices]
    assert len(set(voices)) == len(voices)
    assert not any(v.startswith("fsdd/") for v in voices)  # all re-synthesisable


def test_test_identities_voices_never_reach_the_encoder_or_the_gan() -> None:
    from xmodal_voice2face.synthprobes import PLANS

    a = load_assignment()
    test_faces = {f.face for f in a.split("test")}
    for plan in PLANS.values():
        for utt in plan():
            assert (utt.face in test_faces) == (utt.role == "unseen")


def test_the_cnn_encoder_never_hears_a_test_identity() -> None:
    from types import SimpleNamespace

    from xmodal_voice2face.encoder_train import encoder_identities

    a = load_assignment()
    names = sorted({f.voice_identity for f in a.faces} | {"unassigned-a", "unassigned-b"})
    allowed = {names[k] for k in encoder_identities(SimpleNamespace(classes={"identity": names}))}
    assert allowed == {f.voice_identity for f in a.split("train")} | {"unassigned-a", "unassigned-b"}


def test_spare_voices_belong_to_no_face() -> None:
    from xmodal_voice2face.synthprobes import spare_mbrola

    from engine.data.voices_table import discover_voices

    taken = {f.voice_identity for f in load_assignment().faces}
    identity = {v.id: v.identity for v in discover_voices()}
    spare = spare_mbrola()
    assert len(spare) == 2 and not {identity[v] for v in spare} & taken
