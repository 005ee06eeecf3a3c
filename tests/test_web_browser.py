"""The page in a real browser: Playwright drives Debian's chromium against ``xmodal serve``.

Every tab (one per installed model, and the chains) gets its sample input, a
click on Translate, and a look at the result picture and message; a bad file
shows the CLI's line and the same tab then works. A screenshot of each tab is
written to the test's folder, and to ``$XMODAL_WEB_SCREENSHOTS`` when set (how
``docs/images/web/`` is made).
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from test_web_server import Server, good_input, sample_files, serving

CHROMIUM = "/usr/bin/chromium"
pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).is_file(), reason=f"no browser at {CHROMIUM}"),
]
playwright_api = pytest.importorskip("playwright.sync_api")

from engine.web.models import slug  # noqa: E402

#: Offline and headless: no sandbox (root in CI), no GPU, nothing that phones home.
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
WAIT_MS = 120_000


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serving() as running:
        yield running


@pytest.fixture(scope="module")
def page(server: Server) -> Iterator[Any]:
    with playwright_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        tab = browser.new_page(viewport={"width": 1500, "height": 760})
        tab.goto(server.url)
        tab.locator("#chain-tab, .tabs").first.wait_for(timeout=WAIT_MS)
        yield tab
        browser.close()


def _shot(page: Any, folder: Path, name: str) -> Path:
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    assert path.stat().st_size > 10_000
    wanted = os.environ.get("XMODAL_WEB_SCREENSHOTS")
    if wanted:
        from PIL import Image as PILImage

        Path(wanted).mkdir(parents=True, exist_ok=True)
        with PILImage.open(path) as full:  # 256 colours keep the docs' pictures small
            full.convert("RGB").quantize(colors=128).save(Path(wanted) / path.name, optimize=True)
    return path


def _upload(page: Any, prefix: str, file: Path) -> None:
    field = page.locator(f"#{prefix}")
    clear = field.locator("button[aria-label=Clear], button[aria-label='Remove Image']")
    if clear.count():
        clear.first.click()
    field.locator("input[type=file]").set_input_files(str(file))
    clear.first.wait_for(timeout=WAIT_MS)  # the upload has landed


def _translate(page: Any, prefix: str, expect_message: str | re.Pattern[str]) -> None:
    """Click Translate and wait for the message (it differs from the tab's previous one)."""
    message = page.locator(f"#{prefix}-message textarea")
    page.locator(f"#{prefix}-run").click()
    playwright_api.expect(message).to_have_value(expect_message, timeout=WAIT_MS)


def _result_is_shown(page: Any, prefix: str) -> None:
    picture = page.locator(f"#{prefix}-picture img")
    picture.wait_for(state="visible", timeout=WAIT_MS)
    width = picture.evaluate("img => img.complete ? img.naturalWidth : 0")
    assert width >= 200, width


def _playable(page: Any, prefix: str) -> None:
    """The player holds the note: its own download link points at the wav (the waveform is a canvas)."""
    link = page.locator(f"#{prefix}-audio a[data-testid=download-link]").first
    playwright_api.expect(link).to_have_attribute("href", re.compile(r"\.wav$"), timeout=WAIT_MS)


def _served_by_a_fresh_process() -> list[str]:
    """The models ``xmodal serve`` (a separate process) has tabs for.

    Asked of a fresh interpreter: in this one, other test modules may have
    registered test-only plugins that the server never sees.
    """
    code = ("import json; from engine.web.models import served_model_names; "
            "print(json.dumps(served_model_names()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    names: list[str] = json.loads(out.stdout.strip().splitlines()[-1])
    return names


def test_every_tab_translates_in_the_browser(page: Any, tmp_path: Path) -> None:
    started = time.monotonic()
    files = sample_files(tmp_path / "inputs")
    models = _served_by_a_fresh_process()
    for name in models:
        prefix = slug(name)
        page.get_by_role("tab", name=name, exact=True).click()
        kind = "audio" if "Input sound" in page.locator(f"#{prefix}-input").inner_text() else "image"
        if name == models[0]:  # a bad file first: the CLI's line, and the tab still works after it
            bad = files["empty.wav" if kind == "audio" else "empty.png"]
            _upload(page, f"{prefix}-input", bad)
            _translate(page, prefix, f"{bad.name}: file is empty")
        good = good_input(name, files)
        _upload(page, f"{prefix}-input", good)
        _translate(page, prefix, re.compile(rf"^{re.escape(name)}: .* wrote {good.stem}\.(png|wav)$"))
        _result_is_shown(page, prefix)
        if page.locator(f"#{prefix}-audio").is_visible():  # the tab of a model that makes sound
            _playable(page, prefix)
        _shot(page, tmp_path, f"tab-{prefix}")
    page.get_by_role("tab", name="chains", exact=True).click()
    page.locator("#chain-tab").get_by_text("spoken-seven.wav").first.click()  # an example, one click
    playwright_api.expect(page.locator("#chain-pick input")).to_have_value("aivae+face2nsynth")
    playwright_api.expect(page.locator("#chain-face2nsynth_crop input")).to_have_value("tight")
    _translate(page, "chain", re.compile(r"^aivae\+face2nsynth: audio -> audio, wrote spoken-seven\.wav$"))
    _result_is_shown(page, "chain")
    _playable(page, "chain")
    _shot(page, tmp_path, "tab-chains")
    print(f"browser test: {len(models) + 1} tabs in {time.monotonic() - started:.1f} s")
