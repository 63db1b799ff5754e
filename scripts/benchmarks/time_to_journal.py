"""Seconds from the closing silence to the journal entry on disk, for reflections of several
lengths: streaming (what voiceguide does) against transcribing the whole file after it ends."""

from __future__ import annotations

import argparse
import time
from pathlib import Path
from typing import TYPE_CHECKING

from battery import wer

from benchmarks.common import speech
from voiceguide.audio.clip import Audio

if TYPE_CHECKING:
    from voiceguide.interfaces import Transcriber
    from voiceguide.journal.store import JournalStore

TITLE = "Time to journal"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--journal-minutes."""
    parser.add_argument(
        "--journal-minutes",
        type=lambda v: [float(x) for x in v.split(",")],
        default=[1.0, 3.0, 10.0],
        help="reflection lengths for the time-to-journal table (default 1,3,10)",
    )


def run(opts: argparse.Namespace) -> str:
    """The time-to-journal table."""
    from voiceguide.engines.whisper import WhisperTranscriber

    whisper = WhisperTranscriber.bundled()
    whisper.load()
    clips, refs = speech(opts.speech)
    return "\n".join(journal_rows(whisper, clips, refs, opts.journal_minutes))


def answer_of(minutes: float, clips: dict[str, Audio], refs: dict[str, str]) -> tuple[Audio, str]:
    """A reflection `minutes` long: the speech clips in turn, with the pauses people leave."""
    parts, said, length, turn = [], [], 0.0, 0
    names = sorted(clips)
    while length < minutes * 60:
        name = names[turn % len(names)]
        clip = clips[name].for_speech(16000)
        pause = Audio.silence(2.5 if turn % 3 == 2 else 0.8, 16000)
        parts += [clip, pause]
        said.append(refs[name])
        length += clip.duration + pause.duration
        turn += 1
    return Audio.concat(parts), " ".join(said)


def file_entry(store: JournalStore, text: str, wav: Path) -> None:
    import datetime as dt

    from voiceguide.journal.entry import Answer, Entry

    entry = Entry(
        date=dt.datetime.now(), kind="reflection", answers=(Answer(question="Q", text=text),)
    )
    store.add(entry, [wav])


def journal_rows(
    whisper: Transcriber, clips: dict[str, Audio], refs: dict[str, str], lengths: list[float]
) -> list[str]:
    """Seconds from the end of the closing silence to the entry on disk, streaming or not."""
    import tempfile

    from voiceguide.conversation.listening import listen
    from voiceguide.engines.fakes import FileRecorder
    from voiceguide.engines.silero import SileroDetector
    from voiceguide.journal.store import JournalStore

    rows = [
        "A reflection of each length (the speech files in turn, with pauses) fed to `listen` as a "
        "microphone would, then filed as the journal entry (transcript + FLAC). The wait is from "
        "the end of the 4-second closing silence to the entry on disk. Streaming: phrases are "
        "transcribed while the person speaks (what voiceguide does). Whole file: the obvious "
        "alternative, the recording transcribed at once after it ends. Answers up to 3 minutes "
        "are fed in real time, longer ones at twice real time (harder for streaming: half the "
        "time to keep up).",
        "",
        "| reflection | streaming: wait | streaming: WER | whole file: wait | whole file: WER |",
        "| --- | --- | --- | --- | --- |",
    ]
    for minutes in lengths:
        answer, said = answer_of(minutes, clips, refs)
        speed = 1.0 if minutes <= 3 else 2.0
        with tempfile.TemporaryDirectory() as tmp:
            store = JournalStore(Path(tmp))
            wav = store.capture_path("reflection")
            began = time.perf_counter()
            capture = listen(
                FileRecorder(answer, realtime=speed),
                wav,
                transcriber=whisper,
                silence=4.0,
                max_seconds=minutes * 60 + 60,
                detector=SileroDetector,
            )
            keep = Path(tmp) / "kept.wav"
            import shutil

            shutil.copy(wav, keep)
            file_entry(store, capture.text, wav)
            streaming = time.perf_counter() - (began + capture.duration / speed)
            streaming_wer = wer(said, capture.text)

            stopped = time.perf_counter()
            text = whisper.transcribe(Audio.load(keep))
            file_entry(store, text, keep)
            whole = time.perf_counter() - stopped
            whole_wer = wer(said, text)
        rows.append(
            f"| {minutes:g} min | {max(0.0, streaming):.2f} s | {100 * streaming_wer:.1f}% | "
            f"{whole:.2f} s | {100 * whole_wer:.1f}% |"
        )
    return rows + ["", "Target: at most 4 s for a 3-minute reflection (goal 2 s)."]
