"""``xmodal demo`` translates local sample inputs and draws an overview."""

from __future__ import annotations

from pathlib import Path

import soundfile as sf
from PIL import Image as PILImage

import tinyplug
from cli_helpers import TESTS, run_xmodal
from plugin_fixtures import install_fake_plugin


def test_demo_with_tiny_models(tmp_path: Path) -> None:
    site = tmp_path / "site"
    install_fake_plugin(site, "tinyplug", None, module="tinyplug")
    tinyplug.make_weights(site / "weights")
    out = tmp_path / "demo"
    result = run_xmodal("demo", "-o", str(out), "tiny-a2i", "tiny-i2a", path=[site, TESTS],
                        env={"TINYPLUG_WEIGHTS": str(site / "weights")})
    assert result.returncode == 0, result.stderr
    images = sorted((out / "tiny-a2i").glob("*.png"))
    sounds = sorted((out / "tiny-i2a").glob("*.wav"))
    assert len(images) >= 2 and len(sounds) >= 1
    assert PILImage.open(images[0]).size == (8, 8)
    assert sf.info(str(sounds[0])).frames == 256
    overview = PILImage.open(out / "overview.png")
    assert overview.width > 300 and overview.height > 100
    assert "overview:" in result.stdout
