"""The ablation table the export writes into the card and docs."""

from __future__ import annotations

from xmodal_face2nsynth.export import ablation_table


def test_ablation_table_lists_earlier_rows_then_the_reference_and_the_paper() -> None:
    wavegan = {"pc": 0.45, "pitch_accuracy": 0.027, "fid_family": 933.6, "fid_family_ref": 20.7}
    harmonic = {"pc": 0.6, "pitch_accuracy": 0.9, "fid_family": 60.0, "fid_family_ref": 20.7}
    lines = ablation_table({"WaveGAN +aux": (wavegan, 1403.0), "+aux": (harmonic, 600.0)}).splitlines()
    assert lines[2].startswith("| ours: WaveGAN +aux | 0.45 |") and lines[2].endswith("| 23 min |")
    assert lines[3].startswith("| ours: +aux | 0.6 |")
    assert lines[4].startswith("| ours: real test notes vs train notes |") and "20.7" in lines[4]
    assert lines[-1].startswith("| paper: +aux | 0.432 |")
