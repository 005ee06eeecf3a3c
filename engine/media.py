"""Image and audio values: the only way media enters or leaves the engine.

Decoding, validation and conversion live here once, so a plugin never opens a
file itself and every plugin rejects bad input the same way: one
:class:`~engine.errors.MediaError` with a one-line reason.

``Image`` holds a float tensor ``[C, H, W]`` in ``[0, 1]`` (C = 1 or 3);
``Audio`` holds float32 ``[channels, samples]`` and a sample rate.
"""

from __future__ import annotations

import io
import os
import re
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Union

import numpy as np
import torch

from .errors import MediaError
from .fileio import atomic_path

__all__ = [
    "AUDIO_SUFFIXES",
    "IMAGE_SUFFIXES",
    "MAX_AUDIO_SECONDS",
    "MAX_FILE_BYTES",
    "MAX_IMAGE_PIXELS",
    "Audio",
    "Image",
    "MediaLike",
]

#: Larger images are refused before decoding (decompression bombs).
MAX_IMAGE_PIXELS = 50_000_000
#: Longer clips are refused before decoding: no model here wants more.
MAX_AUDIO_SECONDS = 600.0
#: Larger input files are refused before reading.
MAX_FILE_BYTES = 512 * 1024 * 1024

IMAGE_SUFFIXES = frozenset(
    {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tif", ".tiff", ".webp", ".pgm", ".ppm"}
)
AUDIO_SUFFIXES = frozenset({".wav", ".flac", ".ogg", ".aiff", ".aif", ".mp3", ".au"})

MediaLike = Union[str, "os.PathLike[str]", bytes, np.ndarray, torch.Tensor, "Image", "Audio", Any]


def _name(source: object) -> str:
    return str(source) if isinstance(source, str | os.PathLike) else type(source).__name__


def _read_source(source: str | os.PathLike[str] | bytes | bytearray) -> tuple[bytes, str]:
    """Bytes and a display name for a path or raw bytes, with size and emptiness checks."""
    if isinstance(source, bytes | bytearray):
        data, name = bytes(source), "<bytes>"
    else:
        path = Path(source)
        name = str(path)
        if not path.exists():
            raise MediaError(f"{name}: no such file")
        if path.is_dir():
            raise MediaError(f"{name}: is a directory, not a media file")
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            raise MediaError(f"{name}: file is {size} bytes, over the {MAX_FILE_BYTES}-byte limit")
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise MediaError(f"{name}: cannot read ({exc.strerror or exc})") from exc
    if not data:
        raise MediaError(f"{name}: file is empty")
    return data, name


def _finite(t: torch.Tensor, name: str, kind: str) -> None:
    if not bool(torch.isfinite(t).all()):
        raise MediaError(f"{name}: {kind} contains NaN or infinite values")


@dataclass(frozen=True)
class Image:
    """A still image: float ``[C, H, W]`` in ``[0, 1]``, C = 1 (grey) or 3 (RGB)."""

    data: torch.Tensor

    def __post_init__(self) -> None:
        t = self.data
        if t.ndim != 3 or t.shape[0] not in (1, 3) or t.shape[1] < 1 or t.shape[2] < 1:
            raise MediaError(f"an image must be [1 or 3, H, W], got shape {tuple(t.shape)}")
        if t.shape[1] * t.shape[2] > MAX_IMAGE_PIXELS:
            raise MediaError(f"image of {t.shape[1]}x{t.shape[2]} exceeds {MAX_IMAGE_PIXELS} pixels")
        _finite(t, "image", "pixel data")

    # -- construction --------------------------------------------------------
    @classmethod
    def load(cls, source: MediaLike) -> Image:
        """An image from a path, bytes, PIL image, array (HW, HWC or CHW) or tensor."""
        if isinstance(source, Image):
            return source
        if isinstance(source, Audio):
            raise MediaError("expected an image, got audio")
        if isinstance(source, str | os.PathLike | bytes | bytearray):
            return cls._decode(*_read_source(source))
        if isinstance(source, np.ndarray | torch.Tensor):
            return cls.from_array(source)
        from PIL import Image as PILImage

        if isinstance(source, PILImage.Image):
            return cls.from_pil(source)
        raise MediaError(f"cannot make an image from a {type(source).__name__}")

    @classmethod
    def _decode(cls, data: bytes, name: str) -> Image:
        from PIL import Image as PILImage
        from PIL import UnidentifiedImageError

        if Path(name).suffix.lower() in AUDIO_SUFFIXES:
            raise MediaError(f"{name}: is an audio file, but this model needs an image")
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("error", PILImage.DecompressionBombWarning)
                pil = PILImage.open(io.BytesIO(data))
                w, h = pil.size
                if w * h > MAX_IMAGE_PIXELS:
                    raise MediaError(f"{name}: image of {w}x{h} exceeds {MAX_IMAGE_PIXELS} pixels")
                pil.load()
        except MediaError:
            raise
        except UnidentifiedImageError as exc:
            raise MediaError(f"{name}: not a readable image (unknown or corrupt format)") from exc
        except (PILImage.DecompressionBombError, PILImage.DecompressionBombWarning) as exc:
            raise MediaError(f"{name}: image is too large to decode safely") from exc
        except (OSError, SyntaxError, ValueError) as exc:
            raise MediaError(f"{name}: truncated or corrupt image ({exc})") from exc
        return cls.from_pil(pil)

    @classmethod
    def from_pil(cls, pil: Any) -> Image:
        if pil.mode not in ("L", "RGB"):
            pil = pil.convert("RGBA" if "A" in pil.getbands() else "RGB").convert("RGB")
        arr = np.asarray(pil, dtype=np.uint8)
        return cls.from_array(arr)

    @classmethod
    def from_array(cls, array: np.ndarray | torch.Tensor) -> Image:
        """HW, or 3-D with channels (1, 3 or 4) last for arrays and first for tensors.

        numpy/pillow arrays are HWC by convention and tensors CHW, which settles
        the ambiguous small shapes (a 4x4 RGB array is not a 4-channel 4x3 image).
        Integers are read as 0-255.
        """
        channels_last = isinstance(array, np.ndarray)
        t = torch.as_tensor(np.array(array) if channels_last else array)
        t = t.float() if t.is_floating_point() else t.float() / 255.0
        if t.ndim == 2:
            t = t.unsqueeze(0)
        elif t.ndim == 3:
            if channels_last and t.shape[-1] not in (1, 3, 4) and t.shape[0] in (1, 3, 4):
                channels_last = False  # an obviously CHW array
            if not channels_last and t.shape[0] not in (1, 3, 4) and t.shape[-1] in (1, 3, 4):
                channels_last = True  # an obviously HWC tensor
            if channels_last:
                t = t.permute(2, 0, 1)
        else:
            raise MediaError(f"an image array must be 2-D or 3-D, got shape {tuple(t.shape)}")
        if t.shape[0] == 4:
            t = t[:3]
        if t.shape[0] not in (1, 3):
            raise MediaError(f"an image needs 1, 3 or 4 channels, got shape {tuple(t.shape)}")
        _finite(t, "image", "pixel data")
        return cls(t.clamp(0.0, 1.0).contiguous())

    # -- properties and conversions -----------------------------------------
    @property
    def channels(self) -> int:
        return int(self.data.shape[0])

    @property
    def size(self) -> tuple[int, int]:
        """``(height, width)``."""
        return int(self.data.shape[1]), int(self.data.shape[2])

    def to_mode(self, mode: str) -> Image:
        """``"L"`` (grey, ITU-R 601 luma) or ``"RGB"``."""
        if mode == "L":
            if self.channels == 1:
                return self
            weights = torch.tensor([0.299, 0.587, 0.114]).view(3, 1, 1)
            return Image((self.data * weights).sum(0, keepdim=True))
        if mode == "RGB":
            return self if self.channels == 3 else Image(self.data.expand(3, -1, -1).clone())
        raise MediaError(f"unknown image mode {mode!r} (use 'L' or 'RGB')")

    def resize(self, size: tuple[int, int] | int, *, antialias: bool = True) -> Image:
        """Bilinear resize to ``(height, width)`` (or a square side)."""
        hw = (size, size) if isinstance(size, int) else tuple(size)
        if hw == self.size:
            return self
        out = torch.nn.functional.interpolate(
            self.data.unsqueeze(0), size=hw, mode="bilinear", align_corners=False,
            antialias=antialias,
        )[0]
        return Image(out.clamp(0.0, 1.0))

    def to_pil(self) -> Any:
        from PIL import Image as PILImage

        arr = (self.data.detach().cpu().clamp(0, 1) * 255.0).round().to(torch.uint8)
        # uint8 HW is "L" and HWC with 3 channels "RGB" (pillow 12 deprecates naming the mode)
        if self.channels == 1:
            return PILImage.fromarray(arr[0].numpy())
        if self.channels != 3:
            raise MediaError(f"an image of {self.channels} channels has no picture format (1 or 3)")
        return PILImage.fromarray(arr.permute(1, 2, 0).numpy())

    def to_numpy(self) -> np.ndarray:
        """uint8 ``HW`` (grey) or ``HWC`` (RGB), as pillow and matplotlib expect."""
        return np.asarray(self.to_pil())

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write atomically; the format follows the suffix (PNG when unknown)."""
        path = Path(path)
        fmt = None if path.suffix.lower() in IMAGE_SUFFIXES else "PNG"
        with atomic_path(path) as tmp:
            self.to_pil().save(tmp, format=fmt)
        return path


@dataclass(frozen=True)
class Audio:
    """A clip: float32 ``[channels, samples]`` at ``sample_rate`` Hz."""

    data: torch.Tensor
    sample_rate: int

    def __post_init__(self) -> None:
        t = self.data
        if t.ndim != 2:
            raise MediaError(f"audio must be [channels, samples], got shape {tuple(t.shape)}")
        if t.shape[0] < 1 or t.shape[1] < 1:
            raise MediaError("audio has no samples (zero-length clip)")
        if not 1 <= int(self.sample_rate) <= 768_000:
            raise MediaError(f"audio sample rate {self.sample_rate} is not plausible")
        if t.shape[1] / self.sample_rate > MAX_AUDIO_SECONDS:
            raise MediaError(f"audio is longer than the {MAX_AUDIO_SECONDS:.0f} s limit")
        _finite(t, "audio", "sample data")

    @classmethod
    def load(cls, source: MediaLike, sample_rate: int | None = None) -> Audio:
        """A clip from a path, bytes, or an array/tensor (then ``sample_rate`` is required).

        Arrays may be 1-D (mono) or ``[channels, samples]``.
        """
        if isinstance(source, Audio):
            return source
        if isinstance(source, Image):
            raise MediaError("expected audio, got an image")
        if isinstance(source, str | os.PathLike | bytes | bytearray):
            return cls._decode(*_read_source(source))
        if isinstance(source, np.ndarray | torch.Tensor):
            if sample_rate is None:
                raise MediaError("audio from an array needs sample_rate=")
            t = torch.as_tensor(source).float()
            if t.ndim == 1:
                t = t.unsqueeze(0)
            return cls(t.contiguous(), int(sample_rate))
        raise MediaError(f"cannot make audio from a {type(source).__name__}")

    @classmethod
    def _decode(cls, data: bytes, name: str) -> Audio:
        import soundfile as sf

        if Path(name).suffix.lower() in IMAGE_SUFFIXES:
            raise MediaError(f"{name}: is an image file, but this model needs audio")
        try:
            with sf.SoundFile(io.BytesIO(data)) as fh:
                sr, frames, channels = fh.samplerate, fh.frames, fh.channels
                if frames <= 0:
                    raise MediaError(f"{name}: audio has no samples (zero-length clip)")
                if frames / sr > MAX_AUDIO_SECONDS:
                    raise MediaError(
                        f"{name}: audio is {frames / sr:.0f} s, over the {MAX_AUDIO_SECONDS:.0f} s limit"
                    )
                samples = fh.read(dtype="float32", always_2d=True)
        except MediaError:
            raise
        except (sf.LibsndfileError, RuntimeError, TypeError, ValueError) as exc:
            raise MediaError(f"{name}: not a readable audio file ({_short(exc)})") from exc
        declared = _wav_declared_bytes(data)
        if declared is not None and declared > len(data):
            raise MediaError(
                f"{name}: truncated audio (header promises {declared} bytes, file has {len(data)})"
            )
        if samples.shape[0] < frames:
            raise MediaError(
                f"{name}: truncated audio ({samples.shape[0]} of {frames} samples present)"
            )
        if samples.shape[0] == 0 or channels == 0:
            raise MediaError(f"{name}: audio has no samples (zero-length clip)")
        t = torch.from_numpy(np.ascontiguousarray(samples.T))
        if not bool(torch.isfinite(t).all()):
            raise MediaError(f"{name}: audio contains NaN or infinite samples")
        return cls(t, int(sr))

    @property
    def channels(self) -> int:
        return int(self.data.shape[0])

    @property
    def num_samples(self) -> int:
        return int(self.data.shape[1])

    @property
    def duration(self) -> float:
        return self.num_samples / self.sample_rate

    def to_mono(self) -> Audio:
        """Average the channels (a mix, not a pick)."""
        if self.channels == 1:
            return self
        return Audio(self.data.mean(0, keepdim=True), self.sample_rate)

    def resample(self, sample_rate: int) -> Audio:
        """Band-limited resampling with torchaudio."""
        if sample_rate == self.sample_rate:
            return self
        import torchaudio.functional as AF

        out = AF.resample(self.data, self.sample_rate, int(sample_rate))
        if out.shape[1] == 0:
            raise MediaError("audio is too short to resample")
        return Audio(out, int(sample_rate))

    def fit(self, num_samples: int) -> Audio:
        """Trim or zero-pad at the end to exactly ``num_samples``."""
        n = self.num_samples
        if n == num_samples:
            return self
        if n > num_samples:
            return Audio(self.data[:, :num_samples].clone(), self.sample_rate)
        pad = torch.zeros(self.channels, num_samples - n, dtype=self.data.dtype)
        return Audio(torch.cat([self.data, pad], dim=1), self.sample_rate)

    def to_numpy(self) -> np.ndarray:
        """float32 ``[samples]`` for mono, else ``[samples, channels]`` (soundfile's layout)."""
        arr = self.data.detach().cpu().float().numpy()
        return arr[0] if self.channels == 1 else arr.T

    def save(self, path: str | os.PathLike[str], subtype: str | None = None) -> Path:
        """Write atomically through soundfile (WAV unless the suffix says otherwise)."""
        import soundfile as sf

        path = Path(path)
        fmt = None if path.suffix.lower() in AUDIO_SUFFIXES else "WAV"
        peak = float(self.data.abs().max())
        data = self.to_numpy() / peak if peak > 1.0 else self.to_numpy()
        with atomic_path(path) as tmp:
            sf.write(tmp, data, self.sample_rate, format=fmt, subtype=subtype)
        return path


def _wav_declared_bytes(data: bytes) -> int | None:
    """Bytes a RIFF/WAVE header says the file holds up to the end of its data chunk.

    libsndfile quietly shortens a truncated WAV to what is there; the header
    tells us what should have been, so a cut-off download is refused instead.
    Streaming writers that leave sizes at 0 or 0xFFFFFFFF are not judged.
    """
    if len(data) < 12 or data[:4] != b"RIFF" or data[8:12] != b"WAVE":
        return None
    pos = 12
    while pos + 8 <= len(data):
        chunk, size = data[pos : pos + 4], int.from_bytes(data[pos + 4 : pos + 8], "little")
        if chunk == b"data":
            return None if size in (0, 0xFFFFFFFF) else pos + 8 + size
        pos += 8 + size + (size & 1)
    return None


_OBJECT_REPR = re.compile(r"<[\w.]+ object at 0x[0-9a-fA-F]+>")


def _short(exc: BaseException) -> str:
    """One line of ``exc``; libraries' object reprs (``<_io.BytesIO object at 0x...>``) say nothing."""
    text = _OBJECT_REPR.sub("the file", str(exc))
    return " ".join(text.split())[:200] or type(exc).__name__
