"""Microphone and speaker through PortAudio (sounddevice)."""

from __future__ import annotations

import atexit
import contextlib
import dataclasses
import os
import queue
import sys
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
    from voiceguide.interfaces import Controls


#: The speaker voiceguide plays to when none is named, as ALSA names it: ALSA's bridge to
#: PulseAudio, set not to start its stream again when it runs dry (pulse-speaker.conf, beside
#: this file). ALSA lists it only where PulseAudio (or PipeWire's PulseAudio server) answers;
#: elsewhere the speaker is ALSA's default.
PULSE_SPEAKER = "voiceguide"
#: ALSA's own configuration, read first; voiceguide's speaker is added after it.
ALSA_CONFIG = Path("/usr/share/alsa/alsa.conf")


def _add_pulse_speaker() -> None:
    """Add voiceguide's speaker to ALSA's configuration, for this process and the programs it
    starts, before PortAudio reads it (ALSA_CONFIG_PATH: the files ALSA reads, in order). A
    path already set is kept, with ours after it; nothing on disk is changed."""
    if "sounddevice" in sys.modules:
        return  # PortAudio has read ALSA's configuration already
    ours = str(Path(__file__).with_name("pulse-speaker.conf"))
    current = os.environ.get("ALSA_CONFIG_PATH", "")
    if current:
        if ours not in current.split(":"):
            os.environ["ALSA_CONFIG_PATH"] = f"{current}:{ours}"
    elif ALSA_CONFIG.is_file():
        os.environ["ALSA_CONFIG_PATH"] = f"{ALSA_CONFIG}:{ours}"


def _sd() -> Any:
    _add_pulse_speaker()
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
        if kind == "output":  # voiceguide's way to PulseAudio, where it answers
            ours = [d.index for d in devices if d.name == PULSE_SPEAKER]
            if ours:
                return ours[0]
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
#: PortAudio's default here (35 ms) a busy machine let the stream run dry, and through ALSA's
#: usual bridge to PulseAudio each underrun restarted the stream: two seconds of silence cut
#: into the voice (voiceguide's own bridge, PULSE_SPEAKER, no longer restarts). A quarter of
#: a second rides out the machine being busy and keeps pause and stop quick (BENCHMARKS.md,
#: "Playback on a busy machine").
OUTPUT_LATENCY = 0.25
#: Seconds of sound rendered ahead of the speaker by the producer thread.
AHEAD_SECONDS = 4.0
#: Silence at the start of a stream, in multiples of its latency.
PREROLL = 2.0
#: Seconds of silence after the last sound, beyond the latency, before `play` returns.
TAIL = 0.1
#: Calls in a row that said the sound system had run dry and are given silence, the sound kept
#: back (`_Output.callback`); past them (a stream that never recovers) the sound goes on.
DRY_CALLS_SILENT = 200
#: Names a file to append how each output stream was fed to (`_Output._write_log`).
PLAYBACK_LOG = "VOICEGUIDE_PLAYBACK_LOG"


class SpeakerPlayer:
    """Plays audio on an output device, through one stream kept open for the whole process
    (a conversation is many short lines: a new stream for each cost a second and more of
    silence before every line through PulseAudio). For each turn a producer thread renders
    ahead into a buffer and the output callback only copies from it, so a busy machine
    neither stretches nor cuts the sound; between turns the speaker plays silence. Ctrl-C,
    pause and quit act within a fraction of a second."""

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
        """Seconds of silence a turn may add: before its first sound when the stream opens, so
        that none of it is lost while the sound system starts, and after its last, so that
        it is all heard before `play` returns."""
        return (PREROLL + 1) * self.latency + TAIL

    def play(self, audio: Audio) -> None:
        """Play `audio` to the end."""
        self.play_stream([audio])

    def close(self) -> None:
        """Close the stream kept open (the next turn opens a new one)."""
        _SHARED.close()

    def play_stream(
        self,
        pieces: Iterable[Audio],
        *,
        controls: Controls | None = None,
        on_position: Callable[[float], None] | None = None,
    ) -> bool:
        """Play pieces as they come, as one turn; pause and quit through `controls`.

        Returns False when the person quit before the end.
        """
        iterator = iter(pieces)
        first = next(iterator, None)
        if first is None:
            return True
        with _SHARED.turns:
            out = self._output(first)
            turn = _Turn(out, controls)
            producer = threading.Thread(
                target=turn.produce, args=(first, iterator), name="render-ahead", daemon=True
            )
            producer.start()
            try:
                finished = turn.wait(on_position)
            except BaseException:  # Ctrl-C, or the voice failed: silence at once
                turn.stop()
                self.close()
                raise
            finally:
                turn.stop_producing()
                producer.join(timeout=5)
            if not finished:
                turn.stop()
                return False
            if turn.error is not None:
                raise turn.error
            out.note_first_sound()
            if on_position is not None:
                on_position(turn.position)
            return True

    def _output(self, first: Audio) -> _Output:
        """The stream kept open, opened (again) when there is none, or none that fits. One per
        process: two output streams open at once through the ALSA-PulseAudio bridge made the
        second run dry over and over, and most of it was never heard."""
        sd = _sd()
        index = resolve_device(self.device, "output")
        with _SHARED.lock:
            out: _Output = _SHARED.get(
                (index, first.channels, self.latency),
                lambda: _Output(self, sd, index, first.rate, first.channels),
            )
            out.player = self
            return out


class _Kept:
    """One stream kept open for the process (the speaker's, or the microphone's), and the lock
    that gives it one turn at a time."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.turns = threading.Lock()
        self.held: Any = None
        self._closing_at_exit = False

    def get(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """The stream held (with `lock` held), or a new one from `make` when there is none, or
        none that works and fits `key`. It is closed as the process ends, so that no callback
        runs while the interpreter goes away."""
        held = self.held
        if held is not None and (held.dead or held.key != key):
            held.close()
            held = self.held = None
        if held is None:
            held = self.held = make()
            if not self._closing_at_exit:
                atexit.register(self.close)
                self._closing_at_exit = True
        return held

    def close(self) -> None:
        with self.lock:
            held, self.held = self.held, None
        if held is not None:
            held.close()


_SHARED = _Kept()


class _Output:
    """The output stream kept open, and the buffer its callback copies from."""

    def __init__(self, player: SpeakerPlayer, sd: Any, index: int | None, rate: int, channels: int):
        self.player = player
        self.sd = sd
        self.index = index
        self.channels = channels
        self.latency = player.latency
        self.key = (index, channels, player.latency)
        self.turn: _Turn | None = None
        self.dead = False
        self._began: float | None = None
        self._first_sound: float | None = None
        self._noted = False
        self._dry_calls = 0  # calls in a row that said the sound system had run dry
        #: How the stream was fed, when VOICEGUIDE_PLAYBACK_LOG names a file (see `_write_log`).
        self._log_path = os.environ.get(PLAYBACK_LOG)
        self._log: list[tuple[float, int, int, int]] | None = [] if self._log_path else None

        def at(rate: int) -> Any:
            return sd.OutputStream(
                samplerate=rate,
                channels=channels,
                dtype="float32",
                device=index,
                latency=player.latency,
                callback=self.callback,
                finished_callback=self._ended,
            )

        try:
            self.stream = at(rate)
        except sd.PortAudioError:
            # Some devices only take their own rate: resample rather than fail.
            native = int(sd.query_devices(index, "output")["default_samplerate"])
            try:
                self.stream = at(native)
            except sd.PortAudioError as exc:
                raise DeviceError(f"The speaker could not be opened ({exc}).") from exc
        self.rate = int(self.stream.samplerate)
        self.buffer = AheadBuffer(channels, int(self.rate * player.ahead))
        # Through PulseAudio the first moments of a new stream are not heard (about twice
        # its latency: 0.5 s of a chime at a quarter second), so it opens with silence.
        self.buffer.put(np.zeros((int(PREROLL * player.latency * self.rate), channels), np.float32))
        try:
            self.stream.start()
        except sd.PortAudioError as exc:
            raise DeviceError(f"The speaker could not be started ({exc}).") from exc

    def _ended(self) -> None:
        self.dead = True  # stopped by the device, or closed

    def close(self) -> None:
        self.dead = True
        self.buffer.close()
        with contextlib.suppress(Exception):
            self.stream.abort()
        with contextlib.suppress(Exception):
            self.stream.close()
        self._write_log()

    def _write_log(self) -> None:
        """For finding out where sound went on a busy machine: one line per callback (seconds
        since the stream opened, frames asked for, frames of sound given, 1 if the sound system
        said it had run dry), appended to the file VOICEGUIDE_PLAYBACK_LOG names."""
        log = self._log
        if not self._log_path or not log:
            return
        first = log[0][0]
        lines = [f"{t - first:.4f} {frames} {given} {dry}\n" for t, frames, given, dry in log]
        with contextlib.suppress(OSError), open(self._log_path, "a", encoding="utf-8") as f:
            f.write(f"# stream opened at {self.rate} Hz, latency {self.latency} s\n")
            f.writelines(lines)

    def callback(self, out: np.ndarray, frames: int, timing: Any, status: Any) -> None:
        """Called by PortAudio for each block: copy from the buffer, nothing more."""
        dry = bool(status.output_underflow)
        if dry:
            self.player.underruns += 1
        self._dry_calls = self._dry_calls + 1 if dry else 0
        turn = self.turn
        if (turn is not None and turn.paused()) or 0 < self._dry_calls <= DRY_CALLS_SILENT:
            # Right after the sound system ran dry, a block goes to a stream that is being
            # started again, and on a busy machine that can go on: in a fresh-clone run beside
            # two busy loops, 45 such calls in 0.13 s, as a stream opened, took 2.8 s of sound
            # (its opening silence and 2.3 s of a person's intention), none of it heard
            # (VOICEGUIDE_PLAYBACK_LOG). Such a block is silence; the sound waits in the buffer
            # for a stream that plays it.
            out.fill(0)
            n = 0
        else:
            n = self.buffer.take(out)
            out[n:] = 0
        if self._log is not None:
            self._log.append((time.monotonic(), frames, n, int(dry)))
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

    def note_first_sound(self) -> None:
        if not self._noted and self._first_sound is not None and self._began is not None:
            self._noted = True
            _note_first_sound(self._began, self._first_sound)


class _Turn:
    """One turn on the stream kept open: its pieces, put into the buffer by a producer thread,
    and how far the speaker has got through them."""

    def __init__(self, out: _Output, controls: Controls | None) -> None:
        self.out = out
        self.controls = controls
        self.start = out.buffer.written
        self.end: int | None = None  # where its frames end in the buffer, once all are put
        self.error: BaseException | None = None
        self._stop = threading.Event()
        out.turn = self

    def paused(self) -> bool:
        return self.controls is not None and self.controls.paused.is_set()

    @property
    def position(self) -> float:
        """Seconds of this turn handed to the sound system so far."""
        return max(0, min(self.out.buffer.taken, self.end or 1 << 62) - self.start) / self.out.rate

    def produce(self, first: Audio, rest: Iterator[Audio]) -> None:
        """Render every piece (at the stream's rate) into the buffer, ahead of the speaker."""
        out = self.out
        try:
            piece: Audio | None = first
            while piece is not None:
                if piece.rate != out.rate:
                    piece = piece.resample(out.rate)
                samples = np.ascontiguousarray(piece.samples, np.float32)
                if samples.shape[1] != out.channels:
                    samples = np.ascontiguousarray(piece.mono().samples, np.float32)
                if not out.buffer.put(samples, self._stop):
                    return  # stopped
                piece = next(rest, None)
        except BaseException as exc:  # shown by the caller, once the sound has stopped
            self.error = exc
        finally:
            self.end = out.buffer.written

    def wait(self, on_position: Callable[[float], None] | None) -> bool:
        """Until this turn has been heard to its end (True) or the person quit (False)."""
        out, controls = self.out, self.controls
        while True:
            if controls is not None and controls.quit.is_set():
                return False
            if out.dead:
                raise DeviceError("The speaker stopped working.")
            if self.error is not None:
                return True
            if self.end is not None and out.buffer.taken >= self.end:
                break
            if on_position is not None:
                on_position((-1 if self.paused() else 1) * self.position)
            out.note_first_sound()
            time.sleep(0.05)
        # Handed over: now heard, once it has come through what the sound system holds.
        heard = time.monotonic() + float(out.stream.latency) + TAIL
        while time.monotonic() < heard:
            if controls is not None and controls.quit.is_set():
                return False
            time.sleep(0.02)
        return True

    def stop_producing(self) -> None:
        self._stop.set()

    def stop(self) -> None:
        """Stop at once: nothing more of this turn is played."""
        self._stop.set()
        self.out.buffer.clear()


def _note_first_sound(handed: float, out: float) -> None:
    """For the benchmark: when the session's first block was handed to the output stream, and
    when its first audible block left the speaker (the write returned, plus the stream's
    latency), in wall-clock seconds."""
    target = os.environ.get("VOICEGUIDE_FIRST_SOUND_FILE")
    if target:
        with contextlib.suppress(OSError):
            Path(target).write_text(f"{handed:.4f} {out:.4f}\n")


class MicrophoneRecorder:
    """Captures mono 16-bit audio from an input device, block by block, in real time.

    Like the speaker, the microphone is opened once and kept open for the process: through
    PulseAudio, with the speaker's stream open, a new input stream took about a second to
    deliver its first block, a second of delay before every answer. Between turns its blocks
    are dropped as they arrive (never kept, never written); each turn hears only what comes
    after it began."""

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
        """Open the microphone (or take the one kept open) and yield an iterator of its blocks."""
        with _MIC.turns:
            mic = self._input()
            mic.begin()
            try:
                yield mic.read(self.stall_seconds)
            except BaseException:
                mic.end()
                _MIC.close()  # a failed device, or Ctrl-C: open it anew next time
                raise
            mic.end()

    def warm(self) -> None:
        """Open the microphone now, ahead of the first turn (the first opening in a process
        took about 2 s through PulseAudio); nothing is heard until a turn begins."""
        with contextlib.suppress(Exception):  # the turn itself says what is wrong
            self._input()

    def close(self) -> None:
        """Close the stream kept open (the next turn opens a new one)."""
        _MIC.close()

    def _input(self) -> _Input:
        index = resolve_device(self.device, "input")
        with _MIC.lock:
            mic: _Input = _MIC.get(
                (index, self.rate, int(self.rate * self.block_seconds)),
                lambda: _Input(_sd(), index, self.rate, self.block_seconds),
            )
            return mic


_MIC = _Kept()


class _Input:
    """The input stream kept open; its blocks reach a queue only while a turn listens."""

    def __init__(self, sd: Any, index: int | None, rate: int, block_seconds: float) -> None:
        self.index = index
        self.rate = rate
        self.blocksize = int(rate * block_seconds)
        self.key = (index, rate, self.blocksize)
        self.dead = False
        self.blocks: queue.Queue[np.ndarray] = queue.Queue()
        self._listening = False

        def open_at(at: int) -> Any:
            return sd.InputStream(
                samplerate=at,
                channels=1,
                dtype="int16",
                device=index,
                blocksize=int(at * block_seconds),
                latency="low",  # "high" can hold back the first second or two of speech
                callback=self._callback,
                finished_callback=self._ended,
            )

        self.resampler = None
        try:
            self.stream = open_at(rate)
        except sd.PortAudioError:
            # Some devices only take their own rate: record at it and resample as we go.
            native = int(sd.query_devices(index, "input")["default_samplerate"])
            try:
                self.stream = open_at(native)
            except sd.PortAudioError as exc:
                raise DeviceError(f"The microphone could not be opened ({exc}).") from exc
            import soxr

            self.resampler = soxr.ResampleStream(native, rate, 1, dtype="int16")
        try:
            self.stream.start()
        except sd.PortAudioError as exc:
            raise DeviceError(f"The microphone could not be started ({exc}).") from exc

    def _callback(self, indata: np.ndarray, frames: int, time: Any, status: Any) -> None:
        if self._listening:
            self.blocks.put(indata[:, 0].copy())

    def _ended(self) -> None:
        self.dead = True

    def begin(self) -> None:
        """A turn listens from now on: nothing from before it is heard."""
        self._listening = False
        while not self.blocks.empty():
            self.blocks.get_nowait()
        if self.resampler is not None:
            self.resampler.clear()
        self._listening = True

    def end(self) -> None:
        self._listening = False

    def read(self, stall_seconds: float) -> Iterator[np.ndarray]:
        while True:
            try:
                block = self.blocks.get(timeout=stall_seconds)
            except queue.Empty:
                self.dead = True
                raise DeviceError("The microphone stopped sending sound.") from None
            yield block if self.resampler is None else self.resampler.resample_chunk(block)

    def close(self) -> None:
        self.dead = True
        self._listening = False
        with contextlib.suppress(Exception):
            self.stream.abort()
        with contextlib.suppress(Exception):
            self.stream.close()
