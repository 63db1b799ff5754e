"""Measure listening on speech like the users', the old energy segmenter against the new, and
write the "Listening" section of BENCHMARKS.md.

    scripts/benchmark listening

The old segmenter is read from the commit before the change (git), so both run in this process
on the same audio: the battery of tests/battery.py (soft, slow, halting, noisy, long, and all
three at once as right after an infusion), and the voice commands in seven voices. About 15
minutes on 2 cores (two 3-minute reflections are fed in real time).
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import subprocess
import tempfile
import threading
import time
import types
from pathlib import Path

import battery
from battery import normalise

from benchmarks.common import ROOT
from voiceguide.audio.clip import Audio
from voiceguide.audio.segmenter import Segmenter
from voiceguide.conversation import listening
from voiceguide.conversation.commands import match_command, understand_command
from voiceguide.conversation.listening import Capture, Patience, listen
from voiceguide.engines.fakes import FileRecorder
from voiceguide.engines.silero import SileroDetector
from voiceguide.interfaces import Transcriber

OLD_COMMIT = "8ef9e23"  # the energy segmenter with a 4-second closing silence


def old_segmenter() -> type:
    source = subprocess.run(
        ["git", "-C", str(ROOT), "show", f"{OLD_COMMIT}:voiceguide/segmenter.py"],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    module = types.ModuleType("old_segmenter")
    exec(compile(source, "old_segmenter.py", "exec"), module.__dict__)

    class Old(module.Segmenter):  # type: ignore[name-defined,misc]
        """The old energy threshold, taking (and ignoring) the detector today's takes."""

        def __init__(self, rate: int, *, detector: object = None, **options: float) -> None:
            super().__init__(rate, **options)

    return Old


def kept_and_wer(reference: str, hypothesis: str) -> tuple[float, float]:
    """Share of the reference words that were transcribed right, and the word error rate."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    # Levenshtein with a count of matches along the best path.
    prev = [(j, 0) for j in range(len(hyp) + 1)]
    for i, r in enumerate(ref, 1):
        cur = [(i, 0)]
        for j, h in enumerate(hyp, 1):
            sub = (prev[j - 1][0] + (r != h), prev[j - 1][1] + (r == h))
            cur.append(min(sub, (prev[j][0] + 1, prev[j][1]), (cur[j - 1][0] + 1, cur[j - 1][1]),
                           key=lambda c: (c[0], -c[1])))  # fmt: skip
        prev = cur
    errors, hits = prev[-1]
    return hits / max(1, len(ref)), errors / max(1, len(ref))


def run_listen(
    segmenter_class: type, audio: Audio, whisper: Transcriber, *, patience: Patience
) -> Capture:
    saved = vars(listening)["Segmenter"]
    vars(listening)["Segmenter"] = segmenter_class
    try:
        with tempfile.TemporaryDirectory() as tmp:
            return listen(
                FileRecorder(audio, lead_seconds=1.0),
                Path(tmp) / "a.wav",
                transcriber=whisper,
                patience=patience,
                on_check=lambda n: _played(),
                detector=SileroDetector,
            )
    finally:
        vars(listening)["Segmenter"] = saved


def _played() -> threading.Event:
    done = threading.Event()
    done.set()
    return done


def condition_rows(whisper: Transcriber, old: type) -> list[str]:
    rows = [
        "| condition | length | old: words kept | old: WER | old: stopped after | "
        "new: words kept | new: WER | new: stopped after |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    for name in battery.CONDITIONS:
        sample = battery.condition(name)
        cells = [name, f"{sample.audio.duration:.1f} s"]
        for cls, patience in ((old, Patience(silence=4.0)), (Segmenter, Patience())):
            capture = run_listen(cls, sample.audio, whisper, patience=patience)
            kept, wer = kept_and_wer(sample.reference, capture.text)
            cells += [f"{kept:.0%}", f"{wer:.1%}", f"{capture.duration - 1.0:.1f} s"]
        rows.append("| " + " | ".join(cells) + " |")
        print(rows[-1], flush=True)
    return rows


def command_rows(whisper: Transcriber) -> list[str]:
    rows = [
        "| voice | old: understood | new: understood | new: asked | new: missed |",
        "| --- | --- | --- | --- | --- |",
    ]
    answer = battery.clip("one_two_three.wav")
    totals = [0, 0, 0, 0]
    for voice in battery.COMMAND_VOICES:
        old_ok = new_ok = asked = missed = 0
        for i, kind in enumerate(battery.COMMAND_PHRASES):
            said = battery.command(kind, voice)
            # The old way: the short utterance as transcribed, matched as text.
            old_ok += match_command(whisper.transcribe(said), said.duration) == kind
            pause = 2.2 if i % 2 else 1.2
            full = Audio.concat([answer, Audio.silence(pause, 16000), said])
            with tempfile.TemporaryDirectory() as tmp:
                capture = listen(
                    FileRecorder(full), Path(tmp) / "a.wav", transcriber=whisper, silence=4.0,
                    understand=lambda text, audio: understand_command(text, audio, whisper),
                    detector=SileroDetector,
                )  # fmt: skip
            if capture.command == kind and capture.command_sure:
                new_ok += 1
            elif capture.command == kind:
                asked += 1
            else:
                missed += 1
        n = len(battery.COMMAND_PHRASES)
        totals = [totals[0] + old_ok, totals[1] + new_ok, totals[2] + asked, totals[3] + missed]
        rows.append(f"| {voice} | {old_ok}/{n} | {new_ok}/{n} | {asked} | {missed} |")
        print(rows[-1], flush=True)
    n = len(battery.COMMAND_PHRASES) * len(battery.COMMAND_VOICES)
    rows.append(
        f"| **all** | **{totals[0]}/{n}** | **{totals[1]}/{n}** | **{totals[2]}** | "
        f"**{totals[3]}** |"
    )
    return rows


def vad_rows(old: type) -> list[str]:
    sample = battery.condition("long")
    pcm = sample.audio.to_int16()[:, 0]
    rows = ["| detector | RTF on 3 minutes of speech |", "| --- | --- |"]
    for label, cls in (("old energy threshold", old), ("Silero VAD + automatic gain", Segmenter)):
        seg = cls(16000, detector=SileroDetector())
        start = time.perf_counter()
        for i in range(0, len(pcm), 800):
            seg.feed(pcm[i : i + 800])
        rows.append(f"| {label} | {(time.perf_counter() - start) / sample.audio.duration:.4f} |")
    return rows


def time_to_journal(old: type | None) -> tuple[float, float, int]:
    """A 3-minute soft reflection fed in real time, ended by Enter 1.5 s after the last word:
    seconds from Enter to the entry on disk, the WER, and the answers filed."""
    from voiceguide.app import Voiceguide
    from voiceguide.engines.fakes import CollectingPlayer, ToneSynthesizer
    from voiceguide.engines.whisper import WhisperTranscriber
    from voiceguide.settings import load_settings

    sample = battery.condition("long")
    soft = battery.at_level(sample.audio, battery.SOFT_DBFS)
    stop = threading.Event()
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir()
        (home / "notice-acknowledged").write_text("2026-01-01T00:00:00+00:00\n")
        app = Voiceguide(
            load_settings(home=home, **({"silence": 4.0} if old else {})),
            synthesizer=ToneSynthesizer(),
            player=CollectingPlayer(),
            recorder=FileRecorder(soft, realtime=True),
            transcriber=WhisperTranscriber.bundled(),
            stop=stop,
            show=lambda text: None,
            inform=lambda text: None,
        )
        saved = vars(listening)["Segmenter"]
        if old is not None:
            vars(listening)["Segmenter"] = old
        found: dict[str, float] = {}

        def watch() -> None:
            deadline = time.perf_counter() + soft.duration + 120
            while time.perf_counter() < deadline:
                if list((home / "journal").glob("*/*/*/*.md")):
                    found["md"] = time.perf_counter()  # before Enter: the answer was cut off
                    return
                time.sleep(0.01)

        def press_enter() -> None:
            time.sleep(soft.duration + 1.5)
            found["enter"] = time.perf_counter()
            stop.set()

        threading.Thread(target=press_enter, daemon=True).start()
        watcher = threading.Thread(target=watch, daemon=True)
        watcher.start()
        try:
            entry = app.reflect(quick=True)
        finally:
            vars(listening)["Segmenter"] = saved
        watcher.join(timeout=30)
        found.setdefault("enter", time.perf_counter())
        assert entry is not None
        _, wer = kept_and_wer(sample.reference, entry.text)
        return found.get("md", float("nan")) - found["enter"], wer, len(entry.answers)


def _seconds(value: float) -> str:
    if value < 0:
        return f"cut off: filed {-value:.2f} s before Enter, mid-reflection"
    return f"{value:.2f} s"


TITLE = "Listening"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options of its own."""


def run(args: argparse.Namespace) -> str:
    """The four tables of this section."""
    from voiceguide.engines.whisper import WhisperTranscriber

    whisper = WhisperTranscriber.bundled()
    whisper.load()
    old = old_segmenter()
    conditions = condition_rows(whisper, old)
    commands = command_rows(whisper)
    vad = vad_rows(old)
    new_ttj = time_to_journal(None)
    print("time to journal, new:", new_ttj, flush=True)
    old_ttj = time_to_journal(old)
    print("time to journal, old:", old_ttj, flush=True)
    body = f"""
Measured {dt.date.today().isoformat()} on {os.cpu_count()} cores with
`scripts/benchmark listening` (the speech battery of `tests/battery.py`, built
from ../shared/speech; Whisper tiny.en). "Old" is the energy segmenter of {OLD_COMMIT} with its
4-second closing silence; "new" is the Silero VAD behind an automatic gain with the default
patience (a check after 10 s of quiet, the end 12 s after it). Both hear the same audio, fed
from a file, in this run.

### Speech like the users'

Words kept is the share of the reference words transcribed right; "stopped after" is how long
the turn lasted from the first sound (the speech itself lasts "length").

{chr(10).join(conditions)}

### Voice commands in seven voices

Each command said on its own after an answer (after a 1.2 s pause, within the answer's last
phrase; after 2.2 s, as a phrase of its own). Old: the utterance transcribed and matched as
text. New: the same, then heard again with the commands as hotwords and scored by forced
alignment; "asked" means voiceguide asks "Did you say ...?" once.

{chr(10).join(commands)}

### Cost of the speech detector

{chr(10).join(vad)}

### Time to journal after a 3-minute soft reflection

Three minutes of continuous speech at -55 dBFS, fed in real time to `reflect --quick` (Python
API, real Whisper), ended by Enter 1.5 s after the last word; measured from Enter to the entry
on disk (target <= 4 s, goal 2 s).

| listening | Enter to entry on disk | WER | answers filed |
| --- | --- | --- | --- |
| old | {_seconds(old_ttj[0])} | {old_ttj[1]:.1%} | {old_ttj[2]} |
| new | {_seconds(new_ttj[0])} | {new_ttj[1]:.1%} | {new_ttj[2]} |
"""
    return body
