"""Peak memory and wall time of a long recording heard live and filed, in a process of its own
(`python -m benchmarks.long_recording MINUTES SPEECH_DIR` runs that process)."""

from __future__ import annotations

import argparse
import contextlib
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np

from benchmarks.common import ROOT
from voiceguide.audio.clip import Audio

TITLE = "A long recording"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--long-minutes."""
    parser.add_argument(
        "--long-minutes",
        type=float,
        default=60.0,
        help="length of the long-recording memory test (default 60)",
    )


def run(opts: argparse.Namespace) -> str:
    """The long-recording table."""
    started = time.perf_counter()
    result = subprocess.run(
        [
            sys.executable,
            "-m",
            "benchmarks.long_recording",
            str(opts.long_minutes),
            str(opts.speech),
        ],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT / "scripts",
    )
    peak_mb, recorded, kept = result.stdout.split()
    return "\n".join(
        [
            f"{opts.long_minutes:g} minutes of speech recorded (fed at ten times real time), "
            "transcribed phrase by phrase with Whisper, and filed as FLAC, in one process.",
            "",
            "| recording | words | peak memory (max RSS) | wall time |",
            "| --- | --- | --- | --- |",
            f"| {float(recorded) / 60:.0f} min | {kept} | {peak_mb} MB (target < 400 MB) | "
            f"{time.perf_counter() - started:.0f} s |",
        ]
    )


class LoopRecorder:
    """Speech for `minutes`, then silence, without holding it all in memory."""

    rate = 16000

    def __init__(self, loop: np.ndarray, total: int) -> None:
        self.loop, self.total = loop, total

    @contextlib.contextmanager
    def stream(self) -> Iterator[Iterator[np.ndarray]]:
        def blocks() -> Iterator[np.ndarray]:
            began = time.perf_counter()
            for start in range(0, self.total, 800):
                # Ten times faster than real time: as fast as transcription keeps up.
                ahead = start / 16000 / 10 - (time.perf_counter() - began)
                if ahead > 0:
                    time.sleep(ahead)
                i = start % len(self.loop)
                yield self.loop[i : i + 800]
            while True:
                yield np.zeros(800, np.int16)

        yield blocks()


def memory_run(minutes: float, speech: Path) -> None:
    """In a process of its own: record `minutes` of speech, transcribe it live, file it."""
    import tempfile

    from voiceguide.conversation.listening import listen
    from voiceguide.engines.silero import SileroDetector
    from voiceguide.engines.whisper import WhisperTranscriber
    from voiceguide.journal.entry import Answer, Entry
    from voiceguide.journal.store import JournalStore

    jfk = Audio.load(speech / "jfk.flac").for_speech(16000)
    loop = np.concatenate([jfk.to_int16()[:, 0], np.zeros(16000, np.int16)])

    recorder = LoopRecorder(loop, int(minutes * 60 * 16000))
    whisper = WhisperTranscriber.bundled()
    with tempfile.TemporaryDirectory() as tmp:
        store = JournalStore(Path(tmp))
        path = store.capture_path("reflection")
        capture = listen(
            recorder,
            path,
            transcriber=whisper,
            silence=4.0,
            max_seconds=minutes * 60 + 30,
            detector=SileroDetector,
        )
        entry = Entry(
            date=__import__("datetime").datetime.now(),
            kind="reflection",
            answers=(Answer(question="Q", text=capture.text),),
            duration=capture.duration,
        )
        store.add(entry, [path])
    # VmHWM, not ru_maxrss: Linux carries ru_maxrss over from the parent across fork + exec,
    # so a child of a large benchmark process would report the parent's peak.
    status = Path("/proc/self/status").read_text().splitlines()
    hwm = next(line for line in status if line.startswith("VmHWM"))
    peak = int(hwm.split()[1]) / 1024
    print(f"{peak:.0f} {capture.duration:.0f} {len(capture.text.split())}")


if __name__ == "__main__":
    memory_run(float(sys.argv[1]), Path(sys.argv[2]))
