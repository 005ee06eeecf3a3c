"""The frozen voice encoders F_e: pretrained Resemblyzer (default) or the paper's 1-D CNN.

The paper pretrains F_e for speaker recognition and freezes it; the GAN never
changes it. Two choices are offered:

- ``resemblyzer`` (default): Resemblyzer's GE2E speaker encoder, 256-D, trained
  by its authors on thousands of speakers (its weights ship in the PyPI
  package; none of our test identities is among them). It is a third-party
  network, so the pipeline rebuilds it from the package (``persistent = False``).
- ``cnn``: the paper's Table 2 1-D CNN (64 log-mel bins, 25 ms / 10 ms, VAD,
  per-bin normalisation), trained here for speaker identification on voices
  that are not test identities (``xmodal voice2face train-encoder``), 64-D.

Both embed a whole recording, whatever its length, as the paper does at test
time: Resemblyzer averages its 1.6 s partial windows; the CNN average-pools
over time, a short clip being repeated to :data:`MIN_FRAMES` first.
"""

from __future__ import annotations

import functools
import itertools
import warnings
from typing import Any, ClassVar, Literal

import numpy as np
import torch
from torch import nn

from engine import Encoder
from engine.interfaces import MediaKind

from .speech import SAMPLE_RATE, speech_of

__all__ = [
    "ENCODER_DIMS",
    "MIN_FRAMES",
    "EncoderName",
    "VoiceEmbedNet",
    "VoiceEncoder",
    "cnn_encoder",
    "embed_wave",
    "log_mel",
    "resemblyzer",
]

EncoderName = Literal["resemblyzer", "cnn"]
ENCODER_DIMS: dict[str, int] = {"resemblyzer": 256, "cnn": 64}
#: The CNN sees at least this many 10 ms frames (short clips are repeated, as in the official code).
MIN_FRAMES = 300
N_MELS = 64


@functools.cache
def resemblyzer() -> Any:
    """Resemblyzer's pretrained encoder, loaded once per process (on the CPU)."""
    with warnings.catch_warnings():
        # webrtcvad imports pkg_resources, which warns about its own deprecation.
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from resemblyzer import VoiceEncoder as _Resemblyzer

        return _Resemblyzer("cpu", verbose=False)


def _resemblyzer_embed(wave: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        from resemblyzer import preprocess_wav

        trimmed = preprocess_wav(wave, source_sr=SAMPLE_RATE)
    # Its VAD can cut a short, noisy clip to almost nothing: then use the clip as it is.
    use = trimmed if len(trimmed) > SAMPLE_RATE // 2 else wave
    with torch.inference_mode():
        return np.asarray(resemblyzer().embed_utterance(use), dtype=np.float32)


def log_mel(wave: np.ndarray) -> np.ndarray:
    """``[64, frames]`` log-mel power (25 ms Hamming, 10 ms hop, 20-7200 Hz), per-bin normalised.

    Voice activity detection (webrtcvad, mode 2, 20 ms frames) drops the
    non-speech parts first when it leaves at least a second of speech.
    """
    x = _vad(np.asarray(wave, dtype=np.float32))
    x = np.append(x[:1], x[1:] - 0.97 * x[:-1])  # pre-emphasis
    if len(x) < 400:
        x = np.pad(x, (0, 400 - len(x)))
    with torch.no_grad():
        mel = _mel_transform()(torch.from_numpy(np.ascontiguousarray(x, dtype=np.float32))).numpy()
    feats = np.log(np.maximum(mel, 1e-5))
    feats = (feats - feats.mean(1, keepdims=True)) / (feats.std(1, keepdims=True) + 1e-5)
    if feats.shape[1] < MIN_FRAMES:
        feats = np.tile(feats, (1, -(-MIN_FRAMES // max(1, feats.shape[1]))))[:, :MIN_FRAMES]
    return feats.astype(np.float32)


@functools.cache
def _mel_transform() -> Any:
    import torchaudio

    return torchaudio.transforms.MelSpectrogram(
        sample_rate=SAMPLE_RATE, n_fft=512, win_length=400, hop_length=160, f_min=20.0,
        f_max=7200.0, n_mels=N_MELS, window_fn=torch.hamming_window, power=2.0, center=False)


def _vad(x: np.ndarray) -> np.ndarray:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # its pkg_resources import
        import webrtcvad

    vad = webrtcvad.Vad(2)
    n = SAMPLE_RATE // 50  # 20 ms
    pcm = (np.clip(x, -1, 1) * 32767).astype(np.int16)
    keep = [pcm[i:i + n] for i in range(0, len(pcm) - n + 1, n)
            if vad.is_speech(pcm[i:i + n].tobytes(), SAMPLE_RATE)]
    if len(keep) * n < SAMPLE_RATE:
        return x
    return np.concatenate(keep).astype(np.float32) / 32767.0


class VoiceEmbedNet(nn.Module):
    """Table 2's voice network, as the official code builds it.

    Conv1d 3/2,1 + BN + ReLU through 64 -> 256 -> 384 -> 576 -> 864 channels, then a
    last Conv1d to ``dim`` (bias, no BN, no ReLU) and an average over time.
    ``width`` scales the hidden channels (paper: 256).
    """

    def __init__(self, dim: int = 64, width: int = 256, in_dim: int = N_MELS) -> None:
        super().__init__()
        chans = [in_dim, width, width * 3 // 2, width * 9 // 4, width * 27 // 8]
        layers: list[nn.Module] = []
        for a, b in itertools.pairwise(chans):
            layers += [nn.Conv1d(a, b, 3, 2, 1, bias=False), nn.BatchNorm1d(b), nn.ReLU(True)]
        layers.append(nn.Conv1d(chans[-1], dim, 3, 2, 1, bias=True))
        self.net = nn.Sequential(*layers)

    def forward(self, mel: torch.Tensor) -> torch.Tensor:
        """``[B, 64, T]`` -> ``[B, dim]``."""
        return self.net(mel).mean(dim=2)


@functools.cache
def cnn_encoder() -> VoiceEmbedNet:
    """The bundled, frozen 1-D CNN (``weights/voicecnn``; train it with ``train-encoder``)."""
    from engine.frozen import load_frozen

    from . import encoder_train

    net, _ = load_frozen(encoder_train.FOLDER, encoder_train.NAME,
                         lambda c: VoiceEmbedNet(int(c["dim"]), int(c["width"])))
    return net


def embed_wave(wave: np.ndarray, encoder: EncoderName = "resemblyzer") -> np.ndarray:
    """The L2-normalised embedding of one 16 kHz mono clip (any length)."""
    if encoder == "resemblyzer":
        v = _resemblyzer_embed(wave)
    else:
        with torch.inference_mode():
            v = cnn_encoder()(torch.from_numpy(log_mel(wave))[None])[0].numpy()
    return (v / (np.linalg.norm(v) + 1e-12)).astype(np.float32)


class VoiceEncoder(Encoder):
    """Audio -> checked 16 kHz speech -> frozen speaker embedding (in ``prepare``).

    The embedding is computed per input in ``prepare``, where a clip's own
    length is known; ``forward`` passes the stacked, fixed-size vectors on.
    Nothing of the encoder is saved with the model (``persistent = False``).
    """

    input_kind: ClassVar[MediaKind] = "audio"
    persistent: ClassVar[bool] = False

    def __init__(self, encoder: EncoderName = "resemblyzer") -> None:
        super().__init__()
        self.encoder: EncoderName = encoder
        self.sample_rate = SAMPLE_RATE

    def prepare(self, media: Any, **options: Any) -> torch.Tensor:
        from engine import Audio

        audio = media if isinstance(media, Audio) else Audio.load(media)
        return torch.from_numpy(embed_wave(speech_of(audio), self.encoder))

    def forward(self, batch: torch.Tensor) -> torch.Tensor:
        return batch.float()
