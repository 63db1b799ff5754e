"""Hands-free on the virtual microphone and speaker: voice commands while answering, and the
spoken menu, end to end."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest
from conftest import (
    Run,
    normalise,
    references,
    said_by_piper,
    speak_into_microphone,
    wait_for_line,
    wer,
)

from voiceguide.audio.clip import Audio
from voiceguide.conversation import content
from voiceguide.journal.entry import Answer, Entry, parse_markdown

RATE = 16000


@pytest.mark.devices
def test_the_menu_by_voice_end_to_end(
    run: Run, speech: Path, virtual_audio: None, tmp_path: Path
) -> None:
    """`voiceguide` alone: choose "reflect" in natural words, answer with real speech and say
    "that's all" on its own (the answer is complete, the next question follows), say "let's
    stop here" (the session ends, what was said is kept), then "not right now, thanks" to the
    menu's offer of anything else."""
    run.returning_user()
    proc = run.start("--silence", "2.5")
    replies = [
        said_by_piper("I would like to reflect, please.", tmp_path),
        said_by_piper("That's all.", tmp_path, after=speech / "jfk.flac"),
        said_by_piper("Let's stop here.", tmp_path),
        said_by_piper("Not right now, thanks.", tmp_path),
    ]
    printed: list[str] = []
    for reply in replies:
        printed += wait_for_line(proc.stderr, "Listening", timeout=300)
        time.sleep(0.3)
        speak_into_microphone(reply, tmp_path)
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    shown = out + "".join(printed) + err
    assert content.MENU_GREETING["before"] in shown  # greeted, and offered what fits
    assert "What stands out for you most" in shown  # "that's all" went on to the next question
    assert content.COMMAND_STOP in shown and content.MENU_GOODBYE in shown
    assert content.MENU_UNCLEAR.split(".")[0] not in shown  # "not right now" is a no
    [md] = list((run.home / "journal").glob("*/*/*/*.md"))
    entry = parse_markdown(md.read_text("utf-8"))
    assert entry.kind == "reflection" and len(entry.answers) == 1
    assert wer(references()["jfk.flac"], entry.text) <= 0.15, entry.text  # without "that's all"
    assert "all" not in entry.text.lower().split()[-2:]


def speak_replies(proc, replies: list[Path | None], folder: Path) -> list[str]:  # type: ignore[no-untyped-def]
    """At each "Listening" line speak the next reply (None: stay silent); returns what was read."""
    printed: list[str] = []
    for reply in replies:
        printed += wait_for_line(proc.stderr, "Listening", timeout=300)
        if reply is not None:
            time.sleep(0.3)
            speak_into_microphone(reply, folder)
    return printed


@pytest.mark.devices
def test_every_command_in_a_spoken_reflection(
    run: Run, speech: Path, virtual_audio: None, tmp_path: Path
) -> None:
    """repeat, a command word inside a longer answer (kept), skip, go back, next, that's all,
    let's stop here."""
    run.returning_user()
    proc = run.start("reflect", "--silence", "2.5")
    inside = "I wanted all of the noise to stop, and then it did."
    printed = speak_replies(
        proc,
        [
            said_by_piper("Repeat the question, please.", tmp_path, after=speech / "jfk.flac"),
            said_by_piper(inside, tmp_path),  # Q1 again
            said_by_piper("Skip.", tmp_path),  # Q2
            said_by_piper("Go back.", tmp_path),  # Q3
            said_by_piper("Next.", tmp_path),  # Q2 again
            said_by_piper("That's all.", tmp_path),  # Q3: nothing said, so it is left
            said_by_piper("Let's stop here.", tmp_path),  # Q4
        ],
        tmp_path,
    )
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    shown = out + "".join(printed) + err
    for line in (
        content.COMMAND_REPEAT,
        content.COMMAND_SKIP,
        content.COMMAND_BACK,
        content.COMMAND_STOP,
    ):
        assert line in shown, line
    [md] = list((run.home / "journal").glob("*/*/*/*.md"))
    entry = parse_markdown(md.read_text("utf-8"))
    assert len(entry.answers) == 2
    assert wer(references()["jfk.flac"], entry.answers[0].text) <= 0.15, entry.answers[0].text
    assert "stop" in entry.answers[1].text.lower()  # inside an answer: the person's words
    for word in ("repeat", "skip", "next", "back", "that's all", "stop here"):
        assert word not in entry.text.lower(), entry.text


@pytest.mark.devices
def test_cancel_unclear_and_silence_by_voice(
    run: Run, speech: Path, virtual_audio: None, tmp_path: Path
) -> None:
    run.returning_user()
    proc = run.start("--silence", "2.5", "--max-seconds", "60")
    printed = speak_replies(
        proc,
        [
            said_by_piper("Reflection, please.", tmp_path),
            said_by_piper("Cancel.", tmp_path, after=speech / "one_two_three.wav"),
            said_by_piper("Yes.", tmp_path),  # yes, stop without saving
            said_by_piper("Purple elephants.", tmp_path),  # the menu again: unclear
            None,  # then silence
        ],
        tmp_path,
    )
    out, err = proc.communicate(timeout=300)
    assert proc.returncode == 0, err
    shown = out + "".join(printed) + err
    assert content.CANCEL_CONFIRM in shown and content.CANCELLED in shown
    assert "I'm sorry, I didn't quite catch that" in shown
    assert content.MENU_SILENT in shown
    assert not list(run.home.rglob("*.md")) and not list(run.home.rglob("*.flac"))
    assert not list((run.home / "recordings").glob("*.wav"))


@pytest.mark.devices
def test_after_an_infusion_the_menu_plays_the_intention_going_forward_and_says_so(
    run: Run, speech: Path, virtual_audio: None, tmp_path: Path
) -> None:
    """Right after an infusion with an intention going forward set after it, "Could you play
    my intention, please?" plays that one, in the person's own voice, and says which it is;
    "Not right now, thanks" to anything else ends gently."""

    from conftest import record_speaker

    from voiceguide.journal.store import JournalStore

    run.returning_user()
    store = JournalStore(run.home)
    now = dt.datetime.now().astimezone().replace(microsecond=0)

    def file(minutes: int, kind: str, text: str, audio: Path, **extra: object) -> None:
        entry = Entry(
            date=now - dt.timedelta(minutes=minutes),
            kind=kind,
            answers=(Answer(question=kind, text=text),),
            infusion=1,
            extra=tuple(extra.items()),
        )
        store.add(entry, [Audio.load(audio)])

    file(60, "intention", "And so, my fellow Americans.", speech / "jfk.flac", scope="infusion")
    file(30, "reflection", "One, two, three.", speech / "one_two_three.wav")
    file(10, "intention", "One, two, three.", speech / "one_two_three.wav", scope="going-forward")
    proc = run.start("--silence", "2.5")
    heard_file = tmp_path / "speaker.wav"
    printed = wait_for_line(proc.stderr, "Listening", timeout=120)
    with record_speaker(heard_file):
        speak_into_microphone(
            said_by_piper("Could you play my intention, please?", tmp_path), tmp_path
        )
        printed += wait_for_line(proc.stderr, "Listening", timeout=120)
    speak_into_microphone(said_by_piper("Not right now, thanks.", tmp_path), tmp_path)
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    assert content.INTENTION_WHICH["going-forward"] in out
    assert content.MENU_GOODBYE in out
    from voiceguide.engines.whisper import WhisperTranscriber

    words = WhisperTranscriber.bundled().transcribe(Audio.load(heard_file))
    assert "three" in normalise(words) or "3" in words, words  # their going-forward intention
    assert "americans" not in words.lower(), words  # not the infusion's
