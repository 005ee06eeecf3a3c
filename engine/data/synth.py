"""In-process General-MIDI rendering with FluidSynth, deterministic and effect-free.

Notes are rendered through ``fluid_synth_write_float`` rather than pyfluidsynth's
16-bit ``get_samples``: the 16-bit path dithers with a running noise index, so
the same note would come out differently depending on what was rendered before
it. Reverb and chorus are off (NSynth notes are dry), and after every note all
sound is cut and the synth is run on silence so no tail leaks into the next one.

One more trap: FluidSynth analyses a sample the first time a voice plays it and
caches the result, so the very first render of a note can differ (slightly)
from every later one. :meth:`Renderer.prime` plays the notes once and throws
the audio away; after that the output no longer depends on what the process
rendered before, which is what makes builds with a process pool reproducible.
"""

from __future__ import annotations

import ctypes
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import DataError

__all__ = ["Renderer"]

_FLUSH = 2048  # samples of silence after each note: lets "all sounds off" finish its fade


class Renderer:
    """One FluidSynth instance with several soundfonts loaded, rendering mono float32."""

    def __init__(self, soundfonts: Sequence[Path], sample_rate: int, gain: float = 0.5) -> None:
        try:
            import fluidsynth
        except (ImportError, OSError) as exc:
            raise DataError(f"pyfluidsynth/libfluidsynth is not usable ({exc}); install "
                            f"libfluidsynth3 and pyfluidsynth") from exc
        self.sample_rate = sample_rate
        self.synth: Any = fluidsynth.Synth(
            gain=gain, samplerate=float(sample_rate),
            **{"synth.reverb.active": 0, "synth.chorus.active": 0, "synth.cpu-cores": 1,
               # load (and decompress, for .sf3) only the samples a preset uses
               "synth.dynamic-sample-loading": 1})
        self._write = fluidsynth._fl.fluid_synth_write_float
        self._write.argtypes = [ctypes.c_void_p, ctypes.c_int, ctypes.c_void_p, ctypes.c_int,
                                ctypes.c_int, ctypes.c_void_p, ctypes.c_int, ctypes.c_int]
        self._write.restype = ctypes.c_int
        self.sfids: dict[str, int] = {}
        for path in soundfonts:
            sfid = self.synth.sfload(str(path))
            if sfid < 0:
                raise DataError(f"{path}: FluidSynth could not load this soundfont")
            self.sfids[str(path)] = sfid

    def has_preset(self, soundfont: Path, program: int, bank: int = 0) -> bool:
        return self.synth.sfpreset_name(self.sfids[str(soundfont)], bank, program) is not None

    def _run(self, n: int) -> np.ndarray:
        left = np.zeros(n, dtype=np.float32)
        right = np.zeros(n, dtype=np.float32)
        self._write(self.synth.synth, n, left.ctypes.data, 0, 1, right.ctypes.data, 0, 1)
        return (left + right) * 0.5

    def select(self, soundfont: Path, program: int, bank: int = 0, channel: int = 0) -> None:
        self.synth.system_reset()
        self._run(_FLUSH)
        if self.synth.program_select(channel, self.sfids[str(soundfont)], bank, program) != 0:
            raise DataError(f"{soundfont}: no preset {bank}:{program}")

    def note(self, pitch: int, velocity: int, samples: int, release_at: int | None = None,
             channel: int = 0) -> np.ndarray:
        """One note from silence: key down at 0, up at ``release_at`` (default: held)."""
        self.synth.noteon(channel, pitch, velocity)
        if release_at is None or release_at >= samples:
            out = self._run(samples)
        else:
            head = self._run(release_at)
            self.synth.noteoff(channel, pitch)
            out = np.concatenate([head, self._run(samples - release_at)])
        self.synth.all_sounds_off(channel)
        self._run(_FLUSH)
        return out

    def prime(self, notes: Sequence[tuple[int, int]], samples: int) -> None:
        """Play ``(pitch, velocity)`` notes once, discarding the audio (see the module doc)."""
        for pitch, velocity in notes:
            self.note(pitch, velocity, samples)

    def sequence(self, events: Sequence[tuple[int, int, int, int]], samples: int,
                 channel: int = 0) -> np.ndarray:
        """A monophonic phrase: ``(start, stop, pitch, velocity)`` in samples, sorted by start."""
        out = np.zeros(samples, dtype=np.float32)
        timeline = sorted([(s, 1, p, v) for s, _, p, v in events]
                          + [(e, 0, p, 0) for _, e, p, _ in events])
        pos = 0
        for at, on, pitch, velocity in timeline:
            at = min(at, samples)
            if at > pos:
                out[pos:at] = self._run(at - pos)
                pos = at
            if on:
                self.synth.noteon(channel, pitch, velocity)
            else:
                self.synth.noteoff(channel, pitch)
        if pos < samples:
            out[pos:] = self._run(samples - pos)
        self.synth.all_sounds_off(channel)
        self._run(_FLUSH)
        return out

    def close(self) -> None:
        self.synth.delete()
