"""The page's API through ``gradio_client``, against a real ``xmodal serve`` on 127.0.0.1.

One test per installed model (the list comes from the engine, as the page's
tabs do), the chain that turns a spoken digit into a note, and every bad file
of the CLI's bad-input suite: each gives the line the CLI would print, and the
next good request still succeeds.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile as sf
from PIL import Image as PILImage
from test_web_server import Server, good_input, loaded, sample_files, serving

gradio_client = pytest.importorskip("gradio_client")

from engine.web.models import served_model_names, slug  # noqa: E402

MODELS = served_model_names()
BAD_FILES = {"audio": ["empty.wav", "text.wav", "cut.wav", "silent.wav", "face.png"],
             "image": ["empty.png", "text.png", "cut.png", "noise.png", "seven.wav"]}


def _kinds(name: str) -> tuple[str, str]:
    """(input, output) kind from the model's registration: collection loads no weights."""
    import engine

    manager = engine.get_manager()
    manager.load_all()
    spec = manager.models.get(name)
    assert spec is not None, name
    first, _, last = spec.task.partition(" -> ")
    return first, last


def _kind(name: str) -> str:
    return _kinds(name)[0]


@pytest.fixture(scope="module")
def server() -> Iterator[Server]:
    with serving() as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Any:
    return gradio_client.Client(server.url, verbose=False)


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    return sample_files(tmp_path_factory.mktemp("web-inputs"))


def _call(client: Any, endpoint: str, values: dict[str, Any]) -> tuple[Any, ...]:
    """Call ``endpoint`` with parameters by label (the rest empty), as the page would send them."""
    api = client.view_api(return_format="dict", print_info=False)["named_endpoints"][endpoint]
    args = [values.get(p["label"]) for p in api["parameters"]]
    return tuple(client.predict(*args, api_name=endpoint))


def _check_result(result: tuple[Any, ...], kind: str, stem: str) -> None:
    picture, sound, download, message = result
    assert message.endswith(f"wrote {stem}{'.wav' if kind == 'audio' else '.png'}"), message
    with PILImage.open(picture) as shown:
        assert min(shown.size) >= 200  # enlarged: a 28x28 digit is 280 px on the page
    if kind == "audio":
        wave, rate = sf.read(download, dtype="float32")
        assert rate > 0 and len(wave) > 0 and float(np.abs(wave).max()) > 1e-3
        assert Path(sound).read_bytes() == Path(download).read_bytes()
    else:
        with PILImage.open(download) as out, PILImage.open(picture) as shown:
            assert max(out.size) < min(shown.size)  # the model's own picture, not the enlarged one
        assert sound is None


def test_the_api_has_one_endpoint_per_model_and_one_for_chains(client: Any) -> None:
    endpoints = set(client.view_api(return_format="dict", print_info=False)["named_endpoints"])
    assert endpoints == {f"/translate_{slug(m)}" for m in MODELS} | {"/translate_chain"}


@pytest.mark.parametrize("model", MODELS)
def test_every_installed_model_translates(client: Any, files: dict[str, Path], model: str) -> None:
    source = good_input(model, files)
    label = "Input sound" if _kind(model) == "audio" else "Input picture"
    result = _call(client, f"/translate_{slug(model)}", {label: gradio_client.handle_file(str(source))})
    _check_result(result, _kinds(model)[1], source.stem)


def test_the_chain_tab_turns_a_spoken_digit_into_a_note(client: Any, files: dict[str, Path]) -> None:
    chain = next(m for m in ("aivae+face2nsynth",) if all(p in MODELS for p in m.split("+")))
    wav = gradio_client.handle_file(str(files["seven.wav"]))
    result = _call(client, "/translate_chain", {"chain": chain, "Input sound": wav,
                                                "face2nsynth.crop": "tight", "face2nsynth.pitch": 60})
    _check_result(result, "audio", "seven")
    assert result[-1].startswith("aivae+face2nsynth: audio -> audio")
    plain = _call(client, "/translate_chain", {"chain": chain, "Input sound": wav})
    assert "no face found in the 28x28 image" in plain[-1] and "crop" in plain[-1]


def _cli_line(model: str, path: Path) -> str:
    """What ``xmodal translate MODEL NAME`` prints after ``xmodal: error:``, run where the file is."""
    import os

    import engine

    here = os.getcwd()
    os.chdir(path.parent)
    try:
        loaded(model).translate([path.name])
    except engine.XmodalError as exc:
        return " ".join(str(exc).split())
    finally:
        os.chdir(here)
    raise AssertionError(f"{model} accepted {path.name}")


def _no_addresses(text: str) -> str:
    return re.sub(r"0x[0-9a-f]+", "0x...", text)


@pytest.mark.parametrize(("model", "bad"), [(m, b) for m in MODELS for b in BAD_FILES[_kind(m)]])
def test_a_bad_file_gives_the_cli_line_and_the_next_request_works(
    client: Any, files: dict[str, Path], model: str, bad: str
) -> None:
    label = "Input sound" if _kind(model) == "audio" else "Input picture"
    endpoint = f"/translate_{slug(model)}"
    picture, sound, download, message = _call(client, endpoint,
                                              {label: gradio_client.handle_file(str(files[bad]))})
    assert (picture, sound, download) == (None, None, None)
    assert "\n" not in message and "Traceback" not in message
    assert _no_addresses(message) == _no_addresses(_cli_line(model, files[bad]))
    good = good_input(model, files)
    result = _call(client, endpoint, {label: gradio_client.handle_file(str(good))})
    _check_result(result, _kinds(model)[1], good.stem)


def test_options_are_checked_like_the_cli(client: Any, files: dict[str, Path]) -> None:
    if "face2nsynth" not in MODELS:
        pytest.skip("face2nsynth is not installed")
    face = gradio_client.handle_file(str(files["face.png"]))
    odd = _call(client, "/translate_face2nsynth", {"Input picture": face, "pitch": 60.5})
    assert odd[-1] == "option --pitch: '60.5' is not a valid int"  # as the CLI words it
    empty = _call(client, "/translate_face2nsynth", {})
    assert empty[-1].startswith("no input given")


def test_requests_sent_together_queue_and_all_succeed(client: Any, files: dict[str, Path]) -> None:
    model = next(m for m in MODELS if _kind(m) == "audio")
    wav = gradio_client.handle_file(str(files["seven.wav"]))
    jobs = [client.submit(wav, api_name=f"/translate_{slug(model)}") for _ in range(3)]
    for job in jobs:
        assert job.result(timeout=120)[-1].endswith("wrote seven.png")
