"""Listening with speech like the users': soft, slow, halting, noisy, long, and odd voices.

Real engines (the Silero detector, Whisper tiny.en), fed from files faster than real time; the
same conditions go through the virtual microphone in tests/devices/test_listening.py.
"""

from __future__ import annotations

import threading
from pathlib import Path

import pytest
from battery import (
    COMMAND_PHRASES,
    COMMAND_VOICES,
    CONDITIONS,
    LONG_ANSWERS,
    clip,
    command,
    condition,
    long_answer,
    save,
)
from conftest import Run, wer

from voiceguide.audio.clip import Audio
from voiceguide.conversation.answers import sounds_finished
from voiceguide.conversation.commands import understand_command
from voiceguide.conversation.listening import Patience, listen
from voiceguide.engines.fakes import FileRecorder
from voiceguide.engines.silero import SileroDetector
from voiceguide.engines.whisper import WhisperTranscriber
from voiceguide.journal import moments
from voiceguide.journal.entry import parse_markdown

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def whisper() -> WhisperTranscriber:
    transcriber = WhisperTranscriber.bundled()
    transcriber.load()
    return transcriber


def played() -> threading.Event:
    done = threading.Event()
    done.set()
    return done


@pytest.mark.parametrize("name", CONDITIONS)
def test_every_word_is_kept_with_the_default_patience(
    name: str, tmp_path: Path, whisper: WhisperTranscriber
) -> None:
    sample = condition(name)
    checks: list[float] = []
    capture = listen(
        FileRecorder(sample.audio, lead_seconds=1.0),
        tmp_path / "a.wav",
        transcriber=whisper,
        patience=Patience(),  # the defaults people get
        on_check=lambda n: checks.append(n) or played(),
        finished=sounds_finished,  # as the conversation listens
        detector=SileroDetector,
    )
    # The answer ended only after the check and the quiet after it, never mid-thought: the
    # recording holds all of the speech and the pauses between.
    assert capture.stopped_by == "silence"
    assert capture.listened >= 1.0 + sample.audio.duration + Patience().finished_after_check
    assert capture.checks >= 1
    # What is kept is all of the speech, and only a moment of the quiet after it.
    assert 1.0 + sample.audio.duration - 0.6 <= capture.duration <= 1.0 + sample.audio.duration + 2
    assert Audio.load(tmp_path / "a.wav").duration == pytest.approx(capture.duration, abs=0.01)
    assert wer(sample.reference, capture.text) <= 0.10, capture.text


@pytest.mark.parametrize("name", ["halting", "after-infusion"])
def test_going_on_while_the_check_is_said_keeps_the_answer_open(
    name: str, tmp_path: Path, whisper: WhisperTranscriber
) -> None:
    """ "And so, my fellow Americans." [5.5 s] "ask not" [10 s] ...: the finished sentence brings
    the check after 4 s, the person goes on while it is still being said (the first check is a
    sentence of about 5 s), and the 10 s pause after "ask not", mid-thought, is waited through
    as one (it used to be held to the short wait after a finished sentence, and the answer
    ended there, losing its second half)."""
    sample = condition(name)
    speed = 2.0  # twice real time: the check takes 2.5 s of the clock, 5 s of the answer

    def say_check(n: int) -> threading.Event:
        done = threading.Event()
        threading.Timer(5.0 / speed, done.set).start()
        return done

    capture = listen(
        FileRecorder(sample.audio, lead_seconds=1.0, realtime=speed),
        tmp_path / "a.wav",
        transcriber=whisper,
        patience=Patience(),
        on_check=say_check,
        finished=sounds_finished,
        detector=SileroDetector,
    )
    assert capture.listened >= 1.0 + sample.audio.duration
    assert wer(sample.reference, capture.text) <= 0.10, capture.text


def test_words_said_after_the_check_belong_to_the_same_answer(
    tmp_path: Path, whisper: WhisperTranscriber
) -> None:
    """A pause longer than the patience: the check comes, the person goes on, one answer."""
    jfk = clip("jfk.flac")
    said = Audio.concat([jfk.slice(0, 4.9), Audio.silence(13.0, 16000), jfk.slice(4.9)])
    checks: list[int] = []
    capture = listen(
        FileRecorder(said),
        tmp_path / "a.wav",
        transcriber=whisper,
        on_check=lambda n: checks.append(n) or played(),
        detector=SileroDetector,
    )
    assert checks == [1, 2]  # once in the long pause, once at the end
    assert wer(condition("clean").reference, capture.text) <= 0.10, capture.text


@pytest.mark.parametrize("name", LONG_ANSWERS)
def test_a_long_answer_keeps_every_word(
    name: str, tmp_path: Path, whisper: WhisperTranscriber
) -> None:
    """30 to 90 seconds of the shared speech, joined in another order with pauses of 2 to 8 s,
    slower, faster and softer: heard phrase by phrase, again as a whole, the two merged. Whisper
    alone over such an answer dropped clauses (37% WER on one of them); the merge keeps every
    word of a clean one."""
    sample = long_answer(name)
    capture = listen(
        FileRecorder(sample.audio, lead_seconds=0.5),
        tmp_path / "a.wav",
        transcriber=whisper,
        patience=Patience(),
        on_check=lambda n: played(),
        detector=SileroDetector,
    )
    assert capture.stopped_by == "silence"
    clean = name.startswith("clean")
    assert wer(sample.reference, capture.text) <= (0.02 if clean else 0.06), capture.text
    # Every phrase keeps its moment: the moments hold the same words as the text, in order.
    assert " ".join(t for t, _ in capture.phrases if t) == capture.text


@pytest.mark.parametrize("name", ["clean, 60 s", "clean and fluent, 45 s"])
def test_a_long_recording_is_heard_as_a_live_answer_is(
    name: str, whisper: WhisperTranscriber
) -> None:
    """`transcribe`, `journal import` and `journal retry` hear a file the same way."""
    from voiceguide.hearing.phrases import transcribe_recording

    sample = long_answer(name)
    heard = transcribe_recording(sample.audio, whisper, detector=SileroDetector)
    assert wer(sample.reference, heard.text) <= 0.02, heard.text
    assert " ".join(m.text for m in heard.moments) == heard.text
    assert all(0 <= m.start < m.end <= sample.audio.duration + 0.1 for m in heard.moments)
    assert [m.start for m in heard.moments] == sorted(m.start for m in heard.moments)


def test_transcribe_and_import_keep_every_word_of_a_long_answer(run: Run, tmp_path: Path) -> None:
    """The same long answer as a file: `voiceguide transcribe` prints every word, and `journal
    import` files them all, each part with its moment."""
    sample = long_answer("clean, 85 s")
    wav = save(sample.audio, tmp_path / "memo.wav")
    printed = run("transcribe", str(wav))
    assert printed.returncode == 0, printed.stderr
    assert wer(sample.reference, printed.stdout) <= 0.02, printed.stdout
    run.returning_user()
    filed = run("journal", "import", str(wav), "--kind", "reflection")
    assert filed.returncode == 0, filed.stderr
    [md] = sorted((run.home / "journal").glob("*/*/*/*.md"))
    entry = parse_markdown(md.read_text("utf-8"))
    assert wer(sample.reference, entry.text) <= 0.02, entry.text
    [said] = moments.of(entry)
    assert " ".join(m.text for m in said) == entry.text
    assert said[-1].end <= sample.audio.duration + 0.5


@pytest.mark.parametrize("voice", COMMAND_VOICES)
def test_commands_are_understood_in_every_voice(
    voice: str, tmp_path: Path, whisper: WhisperTranscriber
) -> None:
    """Each command said on its own after an answer, in accents, speeds and levels the model
    was not tuned on: understood, and taken out of the answer."""
    answer = clip("one_two_three.wav")
    missed, asked = [], []
    for i, (name, (kind, _)) in enumerate(COMMAND_PHRASES.items()):
        # After a long pause the command is a phrase of its own; after a short one, the end of
        # the answer's phrase: both paths.
        pause = 2.5 if i % 2 else 1.2
        said = Audio.concat([answer, Audio.silence(pause, 16000), command(name, voice)])
        capture = listen(
            FileRecorder(said),
            tmp_path / f"{i}.wav",
            transcriber=whisper,
            silence=4.0,
            understand=lambda text, audio: understand_command(text, audio, whisper),
            detector=SileroDetector,
        )
        assert capture.command in (kind, None), "a command taken for another"
        if capture.command is None:  # kept as words: the next question comes
            missed.append((kind, capture.phrases))
        elif not capture.command_sure:  # the person is asked "Did you say next?"
            asked.append(kind)
        else:
            assert wer("One, two, three.", capture.text) <= 0.34, capture.text
    # Measured over the 49 (BENCHMARKS.md): espeak en-us at 110 words a minute says a "Next."
    # that Whisper tiny.en hears as "Yeah, okay".
    assert len(missed) + len(asked) <= 1, (missed, asked)


@pytest.mark.parametrize("text", ["The sea.", "I felt calm.", "My father.", "Blue light."])
def test_short_answers_are_words_not_commands(
    text: str, tmp_path: Path, whisper: WhisperTranscriber
) -> None:
    import subprocess

    wav = tmp_path / "said.wav"
    subprocess.run(["espeak-ng", "-v", "en-us", "-w", str(wav), text], check=True)
    audio = Audio.load(wav).for_speech(16000)
    understood = understand_command(whisper.transcribe(audio), audio, whisper)
    assert understood.command is None or not understood.sure, understood


def test_the_microphone_check_tells_clear_quiet_silent_and_noise_apart() -> None:
    from battery import at_level, fan

    from voiceguide.conversation.miccheck import assess

    jfk = clip("jfk.flac")
    clear = assess(jfk, SileroDetector())
    assert clear.verdict == "clear" and -25 < (clear.speech_dbfs or 0) < -5
    quiet = assess(at_level(jfk, -55.0), SileroDetector())
    assert quiet.verdict == "quiet" and -60 < (quiet.speech_dbfs or 0) < -48
    assert "quietly" in quiet.message and "dBFS" in quiet.message
    assert assess(Audio.silence(5, 16000), SileroDetector()).verdict == "silent"
    assert "muted" in assess(Audio.silence(5, 16000), SileroDetector()).message
    assert assess(fan(5, dbfs=-30), SileroDetector()).verdict == "no-speech"
