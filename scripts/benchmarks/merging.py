"""Measure the words an answer keeps when it is heard twice and the two passes are merged, and
write the "Words kept when an answer is heard twice" section of BENCHMARKS.md.

    scripts/virtual-audio && scripts/benchmark merging

Each answer is heard phrase by phrase and again as a whole (Whisper tiny.en at beam 5, fed
from a file), at three alignments (0, 0.37 and 0.81 s of room tone before it: where the
phrases fall changes what each pass hears). The same two passes are merged with each disagreement
weighed two ways, in the same run: on the phrase's own sound (before), and on the phrase in its
sentence, with its neighbours' sound and words (now). The answers are the long answers and the
conditions of tests/battery.py, and a noisy answer closed by "Next." recorded through the
virtual microphone (PulseAudio's resampling changes what a phrase alone hears), six times when
the sound server is there. About 15 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import battery
from battery import wer

from benchmarks.common import commit
from voiceguide.audio.clip import Audio
from voiceguide.engines.silero import SileroDetector
from voiceguide.engines.whisper import WhisperTranscriber
from voiceguide.hearing.passes import Judge, merge
from voiceguide.hearing.phrases import Phrases, first_pass, hear_again, joined, level_phrase

TITLE = "Words kept when an answer is heard twice"
LEADS = (0.0, 0.37, 0.81)
RECORDINGS = 6
COLUMNS = ("phrase by phrase", "as a whole", "merged, weighed alone (before)", "merged (now)")


def answers(folder: Path) -> list[tuple[str, Audio, str]]:
    """(name, audio, the words said) of every answer measured."""
    found = [(s.name, s.audio, s.reference) for s in _battery()]
    noisy = battery.condition("noisy")
    closed = Audio.concat(
        [noisy.audio, battery.room_tone(1.5, seed=9), battery.command("next", "espeak en-029")]
    )
    found.append(('noisy, then "Next."', closed, noisy.reference))
    for i, recorded in enumerate(_through_the_microphone(closed, folder)):
        found.append((f'noisy, then "Next.", recorded ({i + 1})', recorded, noisy.reference))
    return found


def _battery() -> list[battery.Sample]:
    return [battery.long_answer(n) for n in battery.LONG_ANSWERS] + [
        battery.condition(c) for c in battery.CONDITIONS if c != "long"
    ]


def _through_the_microphone(audio: Audio, folder: Path) -> list[Audio]:
    """`audio` played into the virtual microphone and recorded, RECORDINGS times (none
    without the sound server of scripts/virtual-audio)."""
    if subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
        return []
    import numpy as np
    import sounddevice as sd
    import soundfile

    wav = folder / "answer.wav"
    soundfile.write(wav, audio.for_speech(16000).to_int16()[:, 0], 16000, subtype="PCM_16")
    found = []
    for i in range(RECORDINGS):
        blocks: list[np.ndarray] = []
        with sd.InputStream(
            samplerate=16000, channels=1, dtype="int16", blocksize=800, latency="low",
            callback=lambda data, *_, into=blocks: into.append(data[:, 0].copy()),
        ):  # fmt: skip
            time.sleep(0.3 + 0.17 * i)  # each recording at another alignment
            subprocess.run(["paplay", "--device=vg_mic_sink", str(wav)], check=True)
            time.sleep(0.5)
        found.append(Audio.from_int16(np.concatenate(blocks), 16000))
    return found


def alone(
    phrases: Phrases, between: Callable[[float, float], Audio], scorer: WhisperTranscriber
) -> Judge:
    """The judge before: readings of a phrase weighed on its own sound only."""
    starts = [sum(d for _, d in phrases[:i]) for i in range(len(phrases))]

    def judge(i: int, readings: Sequence[str]) -> Sequence[float]:
        sound = level_phrase(between(starts[i], starts[i] + phrases[i][1]))
        return scorer.support(sound, readings)

    return judge


def heard(audio: Audio, reference: str, whisper: WhisperTranscriber) -> list[float]:
    """WER of each column for one answer at one alignment (the command left out)."""
    first = first_pass(audio, whisper, detector=SileroDetector)
    seconds = sum(d for _, d in first.phrases)
    whole = whisper.transcribe(level_phrase(first.audio_between(0.0, seconds))).strip()
    texts = [joined(first.phrases), whole]
    if len(first.phrases) < 2:
        texts += [texts[0], texts[0]]
    else:
        judge = alone(first.phrases, first.audio_between, whisper)
        texts.append(" ".join(merge([t for t, _ in first.phrases], whole, judge=judge)))
        texts.append(joined(hear_again(first.phrases, first.audio_between, whisper)))
    return [wer(reference, _without_command(text)) for text in texts]


def _without_command(text: str) -> str:
    """`text` without the command closing it. The conversation leaves the command's phrase out
    once `understand_command` has heard it with the commands as hotwords; here the phrase is
    only transcribed, and through the microphone Whisper writes espeak en-029's "Next." as
    "Thanks.", so both spellings are taken off. A simplification of the live path (which
    also hears a command inside the last phrase), kept so the judges are compared on the same
    words."""
    words = text.split()
    return (
        " ".join(words[:-1])
        if words and words[-1].lower().strip(".!") in ("next", "thanks")
        else text
    )


def table(whisper: WhisperTranscriber, folder: Path) -> list[str]:
    rows = [
        "| answer | length | " + " | ".join(COLUMNS) + " |",
        "| --- | --- |" + " --- |" * len(COLUMNS),
    ]
    every: list[list[float]] = []
    for name, audio, reference in answers(folder):
        runs = []
        for lead in LEADS:
            leading = Audio.concat([battery.room_tone(lead, seed=3), audio]) if lead else audio
            runs.append(heard(leading, reference, whisper))
        every += runs
        cells = [f"{statistics.mean(c):.1%} ({max(c):.0%})" for c in zip(*runs, strict=True)]
        rows.append(f"| {name} | {audio.duration:.0f} s | " + " | ".join(cells) + " |")
        print(rows[-1], flush=True)
    for label, pick in (("mean", statistics.mean), ("worst", max)):
        cells = [f"**{pick(c):.1%}**" for c in zip(*every, strict=True)]
        rows.append(f"| **{label}** | | " + " | ".join(cells) + " |")
    return rows


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options of its own."""


def run(args: argparse.Namespace) -> str:
    whisper = WhisperTranscriber.bundled()
    whisper.load()
    with tempfile.TemporaryDirectory() as tmp:
        rows = table(whisper, Path(tmp))
    return f"""
Measured at commit {commit()} with `scripts/virtual-audio && scripts/benchmark merging`.

WER of each way of hearing the same answer, the mean over three alignments (the worst in
brackets). "As a whole" is Whisper over the whole answer (30-second windows); "merged" keeps
the phrase pass where the whole pass has a hole, and weighs every other disagreement by forced
alignment (`hearing/passes.py`): before, on the phrase's own sound, where the phrase pass's
reading nearly always wins (beam search found it there); now, on the phrase in its sentence,
with its neighbours' sound and words (`hearing/phrases.py`). A command that ends an answer is
left out of its words, as the conversation leaves it out.

{chr(10).join(rows)}
"""
