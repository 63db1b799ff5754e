"""Microphone and speaker through PortAudio (sounddevice)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from voiceguide.audio.clip import Audio
from voiceguide.errors import DeviceError, NoDeviceError

if TYPE_CHECKING:
    from voiceguide.guidance.playback import Controls


def _sd() -> Any:
    try:
        import sounddevice
    except OSError as exc:  # raised at import time when PortAudio is missing
        raise DeviceError(
            "The sound library PortAudio is not installed.",
            hint="Install it with: sudo apt-get install libportaudio2",
        ) from exc
    return sounddevice


@dataclasses.dataclass(frozen=True, slots=True)
class Device:
    """One sound device as PortAudio sees it."""

    index: int
    name: str
    inputs: int
    outputs: int
    rate: float
    default_input: bool
    default_output: bool


def list_devices() -> list[Device]:
    """Every input and output device PortAudio can see."""
    sd = _sd()
    try:
        found = sd.query_devices()
        default_in, default_out = sd.default.device
    except sd.PortAudioError as exc:
        raise DeviceError(f"The sound devices could not be listed ({exc}).") from exc
    return [
        Device(
            index=i,
            name=d["name"],
            inputs=d["max_input_channels"],
            outputs=d["max_output_channels"],
            rate=d["default_samplerate"],
            default_input=i == default_in,
            default_output=i == default_out,
        )
        for i, d in enumerate(found)
    ]


def resolve_device(spec: str | None, kind: str) -> int | None:
    """Turn an index or part of a name into a device index (None: the default device)."""
    devices = [d for d in list_devices() if (d.inputs if kind == "input" else d.outputs) > 0]
    word = "microphone" if kind == "input" else "speaker"
    if not devices:
        raise NoDeviceError(
            f"No {word} was found on this machine.",
            hint="Connect one, or check that PulseAudio or PipeWire is running.",
        )
    if spec is None or spec == "":
        return None
    if spec.strip().isdigit():
        index = int(spec)
        if any(d.index == index for d in devices):
            return index
    else:
        matches = [d for d in devices if spec.lower() in d.name.lower()]
        if matches:
            return matches[0].index
    raise DeviceError(
        f"There is no {kind} device matching {spec!r}.",
        hint="Run 'voiceguide devices' to see the devices and their numbers.",
    )


class SpeakerPlayer:
    """Plays audio on an output device, in small blocks so Ctrl-C stops it at once."""

    def __init__(self, *, device: str | None = None, block_seconds: float = 0.1) -> None:
        self.device = device
        self.block_seconds = block_seconds

    def play(self, audio: Audio) -> None:
        """Play `audio` to the end."""
        sd = _sd()
        index = resolve_device(self.device, "output")
        try:
            stream = sd.OutputStream(
                samplerate=audio.rate, channels=audio.channels, dtype="float32", device=index
            )
        except sd.PortAudioError:
            # Some devices only take their own rate: resample rather than fail.
            rate = int(sd.query_devices(index, "output")["default_samplerate"])
            audio = audio.resample(rate)
            try:
                stream = sd.OutputStream(
                    samplerate=rate, channels=audio.channels, dtype="float32", device=index
                )
            except sd.PortAudioError as exc:
                raise DeviceError(f"The speaker could not be opened ({exc}).") from exc
        block = max(1, int(audio.rate * self.block_seconds))
        samples = np.ascontiguousarray(audio.samples)
        try:
            with stream:
                for start in range(0, audio.frames, block):
                    stream.write(samples[start : start + block])
        except sd.PortAudioError as exc:
            raise DeviceError(f"The speaker stopped working ({exc}).") from exc

    def play_stream(
        self,
        pieces: Iterable[Audio],
        *,
        controls: Controls | None = None,
        on_position: Callable[[float], None] | None = None,
    ) -> bool:
        """Play pieces as they come, as one stream; pause and quit through `controls`.

        Returns False when the person quit before the end.
        """
        sd = _sd()
        index = resolve_device(self.device, "output")
        iterator = iter(pieces)
        first = next(iterator, None)
        if first is None:
            return True
        rate, channels = first.rate, first.channels
        try:
            stream = sd.OutputStream(
                samplerate=rate, channels=channels, dtype="float32", device=index
            )
        except sd.PortAudioError:
            device_rate = int(sd.query_devices(index, "output")["default_samplerate"])
            try:
                stream = sd.OutputStream(
                    samplerate=device_rate, channels=channels, dtype="float32", device=index
                )
            except sd.PortAudioError as exc:
                raise DeviceError(f"The speaker could not be opened ({exc}).") from exc
        out_rate = int(stream.samplerate)
        block = max(1, int(out_rate * self.block_seconds))
        silence = np.zeros((block, channels), np.float32)
        played = 0
        played_sound: float | None = None
        began: float | None = None
        try:
            with stream:
                piece: Audio | None = first
                while piece is not None:
                    if piece.rate != out_rate:
                        piece = piece.resample(out_rate)
                    samples = np.ascontiguousarray(piece.samples)
                    for start in range(0, piece.frames, block):
                        while controls is not None and controls.paused.is_set():
                            if controls.quit.is_set():
                                return False
                            stream.write(silence)
                            if on_position is not None:
                                on_position(-played / out_rate)  # negative: paused here
                        if controls is not None and controls.quit.is_set():
                            return False
                        chunk = samples[start : start + block]
                        if began is None:
                            began = time.time()
                        stream.write(chunk)
                        if played_sound is None and np.any(np.abs(chunk) > 0.01):
                            played_sound = time.time() + float(stream.latency)
                            _note_first_sound(began, played_sound)
                        played += chunk.shape[0]
                        if on_position is not None:
                            on_position(played / out_rate)
                    piece = next(iterator, None)
        except sd.PortAudioError as exc:
            raise DeviceError(f"The speaker stopped working ({exc}).") from exc
        return True


def _note_first_sound(handed: float, out: float) -> None:
    """For the benchmark: when the session's first block was handed to the output stream, and
    when its first audible block left the speaker (the write returned, plus the stream's
    latency), in wall-clock seconds."""
    target = os.environ.get("VOICEGUIDE_FIRST_SOUND_FILE")
    if target:
        with contextlib.suppress(OSError):
            Path(target).write_text(f"{handed:.4f} {out:.4f}\n")


class MicrophoneRecorder:
    """Captures mono 16-bit audio from an input device, block by block, in real time."""

    def __init__(
        self, *, device: str | None = None, rate: int = 16000, block_seconds: float = 0.05
    ) -> None:
        self.device = device
        self.rate = rate
        self.block_seconds = block_seconds
        #: How long a silent device may go without delivering audio before it counts as gone.
        self.stall_seconds = 3.0

    @contextlib.contextmanager
    def stream(self) -> Iterator[Iterator[np.ndarray]]:
        """Open the microphone and yield an iterator of its blocks."""
        sd = _sd()
        index = resolve_device(self.device, "input")
        blocks: queue.Queue[np.ndarray] = queue.Queue()

        def callback(indata: np.ndarray, frames: int, time: Any, status: Any) -> None:
            blocks.put(indata[:, 0].copy())

        def open_at(rate: int) -> Any:
            return sd.InputStream(
                samplerate=rate,
                channels=1,
                dtype="int16",
                device=index,
                blocksize=int(rate * self.block_seconds),
                latency="low",  # "high" can hold back the first second or two of speech
                callback=callback,
            )

        resampler = None
        try:
            stream = open_at(self.rate)
        except sd.PortAudioError:
            # Some devices only take their own rate: record at it and resample as we go.
            native = int(sd.query_devices(index, "input")["default_samplerate"])
            try:
                stream = open_at(native)
            except sd.PortAudioError as exc:
                raise DeviceError(f"The microphone could not be opened ({exc}).") from exc
            import soxr

            resampler = soxr.ResampleStream(native, self.rate, 1, dtype="int16")

        def read() -> Iterator[np.ndarray]:
            while True:
                try:
                    block = blocks.get(timeout=self.stall_seconds)
                except queue.Empty:
                    raise DeviceError("The microphone stopped sending sound.") from None
                yield block if resampler is None else resampler.resample_chunk(block)

        try:
            stream.start()
        except sd.PortAudioError as exc:
            raise DeviceError(f"The microphone could not be started ({exc}).") from exc
        try:
            yield read()
        finally:
            with contextlib.suppress(Exception):
                stream.stop()
            with contextlib.suppress(Exception):
                stream.close()
