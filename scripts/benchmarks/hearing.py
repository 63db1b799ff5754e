"""Measure what an answer keeps and how long it waits, and write the "Hearing an answer"
section of BENCHMARKS.md.

    scripts/benchmark hearing

Two tables, each comparing the obvious alternative in the same run, on the speech battery of
tests/battery.py (built from ../shared/speech) with Whisper tiny.en (the words kept when an
answer is heard twice are measured by `scripts/benchmark merging`):

- the wait after the last word: the patience before (a check after 10 s of quiet, the end 12 s
  after it, whatever the words) against now (4 s and 7 s after a finished sentence);
- the loudness at which a person's soft recording is played back, as recorded and levelled.

About 20 minutes on 2 cores (the waits are measured in real time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import tempfile
import threading
from pathlib import Path

import battery
from battery import wer

from benchmarks.common import ROOT
from voiceguide.audio.clip import Audio
from voiceguide.audio.loudness import integrated_loudness, own_voice
from voiceguide.conversation.answers import sounds_finished
from voiceguide.conversation.listening import Patience, listen
from voiceguide.engines.fakes import FileRecorder
from voiceguide.engines.silero import SileroDetector
from voiceguide.interfaces import Transcriber

#: The patience before this change: every pause was mid-thought.
BEFORE = Patience(pause=10.0, after_check=12.0, finished_pause=10.0, finished_after_check=12.0)
LEAD = 1.0


def _played() -> threading.Event:
    done = threading.Event()
    done.set()
    return done


def wait_after(
    sample: battery.Sample, whisper: Transcriber, patience: Patience
) -> tuple[float, str]:
    """Seconds from the last word to the end of the answer, and the text heard."""
    with tempfile.TemporaryDirectory() as tmp:
        capture = listen(
            # In real time, as a person speaks: the waits depend on when each phrase is heard.
            FileRecorder(sample.audio, lead_seconds=LEAD, realtime=True),
            Path(tmp) / "a.wav",
            transcriber=whisper,
            patience=patience,
            on_check=lambda n: _played(),
            finished=sounds_finished,
            detector=SileroDetector,
        )
    # Listened, not kept: the recording keeps only a moment of the quiet after the last word.
    return capture.listened - LEAD - last_word(sample.audio), capture.text


def last_word(audio: Audio) -> float:
    """Where the speech in `audio` ends (the battery's clips end in room tone)."""
    from voiceguide.audio.segmenter import Segmenter

    segmenter = Segmenter(16000, detector=SileroDetector())
    segmenter.feed(audio.for_speech(16000).to_int16()[:, 0])
    segmenter.flush()
    return segmenter.last_speech_seconds or audio.duration


#: The long answers whose wait is measured too (in real time, so not all of them).
WAIT_LONG = ("clean, 40 s", "slow, 60 s", "30 dB softer, 45 s")


def wait_samples() -> list[battery.Sample]:
    return [battery.long_answer(n) for n in WAIT_LONG] + [
        battery.condition(c) for c in battery.CONDITIONS if c != "long"
    ]


def wait_rows(whisper: Transcriber) -> tuple[list[str], dict[str, list[float]]]:
    rows = [
        "| answer | ends with | before: wait | before: WER | now: wait | now: WER |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    waits: dict[str, list[float]] = {"before": [], "now": []}
    for sample in wait_samples():
        cells = [sample.name]
        for key, patience in (("before", BEFORE), ("now", Patience())):
            seconds, text = wait_after(sample, whisper, patience)
            if key == "before":
                ending = "a finished sentence" if sounds_finished(text) else "mid-thought"
                cells.append(ending)
            waits[key].append(seconds)
            cells += [f"{seconds:.1f} s", f"{wer(sample.reference, text):.1%}"]
        rows.append("| " + " | ".join(cells) + " |")
        print(rows[-1], flush=True)
    for name, pick in (("median", statistics.median), ("worst", max)):
        before, now = pick(waits["before"]), pick(waits["now"])
        rows.append(f"| **{name}** | | **{before:.1f} s** | | **{now:.1f} s** | |")
    return rows, waits


def level_rows() -> list[str]:
    rows = [
        "| recording | as recorded | played back now |",
        "| --- | --- | --- |",
    ]
    for name in ("clean", "soft", "after-infusion"):
        audio = battery.condition(name).audio
        for label, clip in ((name, audio), (f"{name}, 15 dB softer", audio.gain(-15.0))):
            before = integrated_loudness(clip.mono())
            after = integrated_loudness(own_voice(clip))
            rows.append(f"| {label} | {before:.1f} LUFS | {after:.1f} LUFS |")
    return rows


TITLE = "Hearing an answer"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options of its own."""


def run(args: argparse.Namespace) -> str:
    """The two tables of this section."""
    from voiceguide.engines.whisper import WhisperTranscriber

    whisper = WhisperTranscriber.bundled()
    whisper.load()
    commit = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
    ).stdout.strip()
    waits, _ = wait_rows(whisper)
    levels = level_rows()
    body = f"""
Measured {dt.date.today().isoformat()} at commit {commit} on {os.cpu_count()} cores with
`scripts/benchmark hearing` (the long answers and the conditions of
`tests/battery.py`, built from ../shared/speech; Whisper tiny.en at beam 5, fed from a file).

### Wait after a finished answer

Seconds from the last word to the end of the answer, the spoken check not counted (the first
check is a sentence of about 4 s, later ones a 0.6 s chime). Before, every pause waited 10 s
for a check and 12 s after it. Now a pause after a finished sentence (four words or more and a
full stop) brings the check after 4 s and ends 7 s after it; mid-thought the waits are 10 s and
8 s, so a halting answer is never cut short (its WER is the same).

{chr(10).join(waits)}

### Replay level of the person's voice

Integrated loudness of a person's recording as it was recorded, and as it is played back now
(their intention, a journal entry, a clip in the recap): raised to the guide's voice
(-16 LUFS) by at most 40 dB, with true peaks under -1 dBTP. Before, it played as recorded.

{chr(10).join(levels)}
"""
    return body
