"""The gradio page: one tab per served model, one for chains, built from what each pipeline declares.

Input kind picks the input widget (an image: upload or webcam; audio: upload or
microphone), each declared option becomes a widget, and every tab has the same
outputs: a picture (the enlarged image, or the spectrogram of a note), a player
for audio, a download button and one message line. The events run with
``preprocess=False``: the engine decodes the uploaded file itself, so a bad
file fails with the engine's own one-line message, not gradio's.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import gradio as gr

from ..errors import XmodalError
from .host import Answer, ModelHost, one_line
from .models import OptionField, card_summary, chain_presets, coerce, option_fields, slug

__all__ = ["CSS", "build_app", "theme"]

#: Enlarged pictures stay sharp even where the browser scales them further.
CSS = ".xmodal-view img { image-rendering: pixelated; }"


def theme() -> Any:
    """The default look with system fonts: the page must not reach for web fonts offline."""
    return gr.themes.Default(font=["system-ui", "sans-serif"], font_mono=["ui-monospace", "monospace"])


def _card_markdown(name: str, host: ModelHost) -> str:
    from ..plugins import get_manager

    spec = get_manager().models.get(name)
    summary = card_summary(name, spec.weights if spec else None)
    pipeline = host.pipelines[name]
    task, kinds = summary.get("task") or pipeline.task, pipeline.task
    lines = [f"**{name}**: {task}" + (f" ({kinds})" if kinds not in task else "")]
    if summary.get("paper"):
        lines.append(f"Paper: *{summary['paper']}*")
    metrics = summary.get("metrics") or {}
    if metrics:
        cells = " · ".join(f"{key} {value:.4g}" if isinstance(value, float) else f"{key} {value}"
                           for key, value in metrics.items())
        lines.append(f"Measured: {cells}")
    return "\n\n".join(lines)


def _input(kind: str, elem_id: str, visible: bool = True) -> Any:
    if kind == "audio":
        return gr.Audio(sources=["upload", "microphone"], type="filepath", label="Input sound",
                        elem_id=elem_id, visible=visible)
    return gr.Image(sources=["upload", "webcam"], type="filepath", label="Input picture",
                    elem_id=elem_id, visible=visible)


def _widget(field: OptionField, elem_id: str, chained: bool) -> Any:
    hint = f"default: {field.default}" if field.default is not None else "empty: the model's default"
    value = None if chained else field.default
    if field.choices:
        return gr.Dropdown(choices=list(field.choices), value=value, label=field.key, info=hint,
                           elem_id=elem_id)
    if field.kind in (int, float) and value is not None:  # a browser sends an empty Number as 0
        return gr.Number(value=value, precision=0 if field.kind is int else None, label=field.key,
                         info=hint, elem_id=elem_id)
    if field.kind is bool:
        return gr.Checkbox(value=bool(value), label=field.key, info=hint, elem_id=elem_id)
    return gr.Textbox(value=value, label=field.key, info=f"{field.kind.__name__}, {hint}", elem_id=elem_id,
                      placeholder="(empty)")


def _outputs(prefix: str) -> list[Any]:
    return [
        gr.Image(label="Result", type="filepath", interactive=False, elem_id=f"{prefix}-picture",
                 elem_classes="xmodal-view", format="png"),
        gr.Audio(label="Play", type="filepath", interactive=False, elem_id=f"{prefix}-audio"),
        gr.DownloadButton("Download", elem_id=f"{prefix}-download"),
        gr.Textbox(label="Message", interactive=False, max_lines=2, elem_id=f"{prefix}-message"),
    ]


def _show(answer: Answer) -> tuple[Any, ...]:
    """The four outputs for an answer: picture, sound (audio results only), file, message."""
    shown = answer.rendered
    if shown is None:
        return None, None, None, answer.message
    return (str(shown.picture), str(shown.audio) if shown.audio else None, str(shown.file),
            answer.message)


def _upload(payload: Any) -> tuple[str | None, str | None]:
    """Path and the user's own file name of an upload (the raw payload: preprocessing is off)."""
    if not payload:
        return None, None
    if isinstance(payload, str):
        return payload, None
    path = payload.get("path")
    return path, payload.get("orig_name") or (Path(path).name if path else None)


def _options(fields: list[OptionField], values: tuple[Any, ...]) -> dict[str, Any]:
    chosen = {}
    for field, raw in zip(fields, values, strict=True):
        value = coerce(field, raw)
        if value is not None:
            chosen[field.key] = value
    return chosen


def _examples(host: ModelHost, kind: str, owner: Any = None) -> list[str]:
    """Sample inputs (the demo's, or the pipeline's own ``demo_inputs``) written once as files."""
    from ..demo import default_inputs

    own = getattr(owner, "demo_inputs", None)
    key = type(owner).__name__ if callable(own) else kind
    folder = host.folder / "examples" / key
    if not folder.is_dir():
        try:
            samples = list(own()) if callable(own) else default_inputs(kind)
        except (XmodalError, OSError):
            return []
        for label, media in samples:
            media.save(folder / f"{label}{'.wav' if kind == 'audio' else '.png'}")
    return sorted(str(p) for p in folder.iterdir())


def _model_tab(host: ModelHost, name: str) -> None:
    pipeline = host.pipelines[name]
    prefix = slug(name)
    fields = option_fields(pipeline)
    with gr.Tab(name, id=prefix, elem_id=f"{prefix}-tab"):
        gr.Markdown(_card_markdown(name, host), elem_id=f"{prefix}-card")
        with gr.Row():
            with gr.Column():
                media = _input(pipeline.input_kind, f"{prefix}-input")
                widgets = [_widget(f, f"{prefix}-{slug(f.key)}", chained=False) for f in fields]
                run = gr.Button("Translate", variant="primary", elem_id=f"{prefix}-run")
                examples = _examples(host, pipeline.input_kind, pipeline)
                if examples:
                    gr.Examples([[e] for e in examples], inputs=[media], label="Examples",
                                cache_examples=False)
            with gr.Column():
                outputs = _outputs(prefix)
        outputs[1].visible = pipeline.output_kind == "audio"  # the chain tab keeps its player

    def handle(payload: Any, *values: Any) -> tuple[Any, ...]:
        try:
            options = _options(fields, values)
        except XmodalError as exc:
            return _show(Answer(None, one_line(exc)))
        return _show(host.translate(name, *_upload(payload), options=options))

    run.click(handle, [media, *widgets], outputs, api_name=f"translate_{prefix}", preprocess=False,
              concurrency_limit=1, concurrency_id=f"model-{name}")


def _chain_tab(host: ModelHost) -> None:
    from ..chaining import Chain

    chains = {name: Chain(host.pipelines[p] for p in name.split("+")) for name in host.chains}
    first = chains[host.chains[0]]
    fields = [f for name in host.names for f in option_fields(host.pipelines[name], qualified=True)]
    with gr.Tab("chains", id="chain", elem_id="chain-tab"):
        gr.Markdown("Two models in a row: the first one's output is the second one's input "
                    "(a spoken digit becomes a picture of the digit, and that picture a note). "
                    "Options are per stage, as `--STAGE.OPTION` on the command line.")
        with gr.Row():
            with gr.Column():
                picked = gr.Dropdown(choices=host.chains, value=first.name, label="chain",
                                     elem_id="chain-pick")
                sound = _input("audio", "chain-input-audio", visible=first.input_kind == "audio")
                picture = _input("image", "chain-input-image", visible=first.input_kind == "image")
                preset = chain_presets(first)
                widgets = []
                for f in fields:
                    widget = _widget(f, f"chain-{slug(f.key)}", chained=True)
                    widget.visible = f.stage in first.name.split("+")
                    widget.value = preset.get(f.key, widget.value)
                    widgets.append(widget)
                run = gr.Button("Translate", variant="primary", elem_id="chain-run")
                for kind, component in (("audio", sound), ("image", picture)):
                    starts = [c for c in host.chains if chains[c].input_kind == kind]
                    examples = _examples(host, kind) if starts else []
                    if examples:
                        gr.Examples([[starts[0], e] for e in examples], inputs=[picked, component],
                                    label=f"Examples ({kind} in)", cache_examples=False)
            with gr.Column():
                outputs = _outputs("chain")

    def pick(name: str) -> list[Any]:
        chain = chains.get(name, first)
        stages = chain.name.split("+")
        values = chain_presets(chain)
        return [gr.update(visible=chain.input_kind == "audio"),
                gr.update(visible=chain.input_kind == "image"),
                *[gr.update(visible=f.stage in stages, value=values.get(f.key)) for f in fields]]

    def handle(name: str, audio: Any, image: Any, *values: Any) -> tuple[Any, ...]:
        chain = chains.get(name)
        if chain is None:
            return _show(Answer(None, f"{name!r} is not one of the chains served here"))
        stages = name.split("+")
        picked_fields = [(f, v) for f, v in zip(fields, values, strict=True) if f.stage in stages]
        try:
            options = _options([f for f, _ in picked_fields], tuple(v for _, v in picked_fields))
        except XmodalError as exc:
            return _show(Answer(None, one_line(exc)))
        upload = audio if chain.input_kind == "audio" else image
        return _show(host.translate(name, *_upload(upload), options=options))

    picked.change(pick, [picked], [sound, picture, *widgets], api_visibility="private")
    run.click(handle, [picked, sound, picture, *widgets], outputs, api_name="translate_chain",
              preprocess=False, concurrency_limit=1, concurrency_id="chain")


def build_app(host: ModelHost) -> gr.Blocks:
    """The page for ``host``'s models (the caller launches it)."""
    with gr.Blocks(title="xmodal", analytics_enabled=False, delete_cache=(3600, 3600)) as app:
        gr.Markdown("# xmodal\nTranslate between senses with the installed models. Pick a tab, "
                    "give it a file (or an example), press Translate.")
        with gr.Tabs():
            for name in host.names:
                _model_tab(host, name)
            if host.chains:
                _chain_tab(host)
    app.queue(default_concurrency_limit=1)
    blocks: gr.Blocks = app
    return blocks
