"""Microphone and speaker through PortAudio (sounddevice)."""

from __future__ import annotations

import contextlib
import dataclasses
import os
import queue
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from voiceguide.audio.ahead import AheadBuffer
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


#: What voiceguide asks the sound system to hold between it and the speaker, in seconds. At
#: PortAudio's default here (35 ms) a busy machine let the stream run dry, and through the
#: ALSA-PulseAudio bridge each underrun restarts the stream: two seconds of silence cut into
#: the voice. A quarter of a second rides out the machine being busy and keeps pause and
#: stop quick (BENCHMARKS.md, "Playback on a busy machine").
OUTPUT_LATENCY = 0.25
#: Seconds of sound rendered ahead of the speaker by the producer thread.
AHEAD_SECONDS = 4.0
#: Silence at the start of each stream, in multiples of its latency.
PREROLL = 2.0
#: Seconds of silence after the last sound, beyond the latency, before a stream stops.
TAIL = 0.1


class SpeakerPlayer:
    """Plays audio on an output device. A producer thread renders ahead into a buffer and the
    output callback only copies from it, so a busy machine neither stretches nor cuts the
    sound; Ctrl-C, pause and quit act within a fraction of a second."""

    def __init__(
        self,
        *,
        device: str | None = None,
        latency: float = OUTPUT_LATENCY,
        ahead: float = AHEAD_SECONDS,
    ) -> None:
        self.device = device
        self.latency = latency
        self.ahead = ahead
        #: How often the sound system ran dry while this player played (for the benchmark).
        self.underruns = 0

    @property
    def opening_and_closing(self) -> float:
        """Seconds of silence a stream adds: before its first sound, so that none of it is
        lost while the sound system starts, and after its last, so that it is all heard."""
        return (PREROLL + 1) * self.latency + TAIL

    def play(self, audio: Audio) -> None:
        """Play `audio` to the end."""
        self.play_stream([audio])

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
        run = _Playback(self, sd, first.channels, controls)
        stream = run.open(index, first.rate)
        rate = int(stream.samplerate)
        run.buffer = AheadBuffer(first.channels, int(rate * self.ahead))
        producer = threading.Thread(
            target=run.produce, args=(first, iterator, rate), name="render-ahead", daemon=True
        )
        producer.start()
        try:
            with stream:
                try:
                    finished = self._wait(run, stream, controls, on_position)
                except BaseException:  # Ctrl-C, or the producer failed: silence at once
                    stream.abort()
                    raise
        except sd.PortAudioError as exc:
            raise DeviceError(f"The speaker stopped working ({exc}).") from exc
        finally:
            run.buffer.close()
            producer.join(timeout=5)
        if finished and run.error is not None:
            raise run.error
        run.note_first_sound()
        if finished and on_position is not None:
            on_position(run.position)
        return finished

    @staticmethod
    def _wait(
        run: _Playback,
        stream: Any,
        controls: Controls | None,
        on_position: Callable[[float], None] | None,
    ) -> bool:
        """Until the stream has played out (True) or the person quit (False)."""
        while not run.finished.wait(0.05):
            if controls is not None and controls.quit.is_set():
                stream.abort()
                return False
            if run.error is not None:
                raise run.error
            if on_position is not None:
                paused = controls is not None and controls.paused.is_set()
                on_position((-1 if paused else 1) * run.position)
            run.note_first_sound()
        return True


class _Playback:
    """One stream being played: the producer's side, the callback's side, and what they share."""

    def __init__(self, player: SpeakerPlayer, sd: Any, channels: int, controls: Controls | None):
        self.player = player
        self.sd = sd
        self.channels = channels
        self.controls = controls
        self.buffer = AheadBuffer(channels, 1)
        self.finished = threading.Event()
        self.played = 0  # frames handed to the sound system
        self.rate = 1
        self.tail = 0  # frames of silence still to play after the last sound
        self.preroll = 0  # frames of silence that open the stream
        self.error: BaseException | None = None
        self._began: float | None = None
        self._first_sound: float | None = None
        self._noted = False

    def open(self, index: int | None, rate: int) -> Any:
        """The output stream, at `rate` or else at the device's own rate."""
        sd = self.sd

        def at(rate: int) -> Any:
            return sd.OutputStream(
                samplerate=rate,
                channels=self.channels,
                dtype="float32",
                device=index,
                latency=self.player.latency,
                callback=self.callback,
                finished_callback=self.finished.set,
            )

        try:
            stream = at(rate)
        except sd.PortAudioError:
            # Some devices only take their own rate: resample rather than fail.
            native = int(sd.query_devices(index, "output")["default_samplerate"])
            try:
                stream = at(native)
            except sd.PortAudioError as exc:
                raise DeviceError(f"The speaker could not be opened ({exc}).") from exc
        self.rate = int(stream.samplerate)
        self.tail = int((float(stream.latency) + TAIL) * self.rate)
        self.preroll = int(PREROLL * self.player.latency * self.rate)
        return stream

    def produce(self, first: Audio, rest: Iterator[Audio], rate: int) -> None:
        """Render every piece (at the stream's rate) into the buffer, ahead of the speaker."""
        try:
            # Through PulseAudio the first moments of a new stream are not heard (about twice
            # its latency: 0.5 s of a chime at a quarter second), so it opens with silence.
            if not self.buffer.put(np.zeros((self.preroll, self.channels), np.float32)):
                return
            piece: Audio | None = first
            while piece is not None:
                if piece.rate != rate:
                    piece = piece.resample(rate)
                if not self.buffer.put(np.ascontiguousarray(piece.samples, np.float32)):
                    return  # stopped
                piece = next(rest, None)
        except BaseException as exc:  # shown by the caller, once the stream is stopped
            self.error = exc
        finally:
            self.buffer.finish()

    def callback(self, out: np.ndarray, frames: int, timing: Any, status: Any) -> None:
        """Called by PortAudio for each block: copy from the buffer, nothing more."""
        if status.output_underflow:
            self.player.underruns += 1
        if self.controls is not None and self.controls.paused.is_set():
            out.fill(0)
            return
        n = self.buffer.take(out)
        if n < frames:
            out[n:] = 0
            if self.buffer.exhausted or self.error is not None:
                # The stream stops only once silence has pushed the last sound through the
                # sound system: stopped at once, its last quarter second was never heard.
                self.tail -= frames - n
                if self.tail <= 0:
                    raise self.sd.CallbackStop
        if self._first_sound is None and n:
            now = time.time()
            if self._began is None:
                self._began = now
            loud = np.flatnonzero(np.abs(out[:n, 0]) > 0.01)
            if loud.size:
                ahead = float(timing.outputBufferDacTime - timing.currentTime)
                if not 0 <= ahead < 5:  # a host that does not say: its nominal latency
                    ahead = self.player.latency
                self._first_sound = now + ahead + int(loud[0]) / self.rate
        self.played += n

    @property
    def position(self) -> float:
        """Seconds of the pieces handed to the sound system so far."""
        return max(0, self.played - self.preroll) / self.rate

    def note_first_sound(self) -> None:
        if not self._noted and self._first_sound is not None and self._began is not None:
            self._noted = True
            _note_first_sound(self._began, self._first_sound)


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
