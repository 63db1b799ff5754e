"""Voice commands: short utterances of their own, understood in natural words, and found at
the end of an answer."""

from __future__ import annotations

from pathlib import Path

import pytest

from voiceguide.audio.clip import Audio
from voiceguide.audio.segmenter import Segmenter
from voiceguide.conversation import content
from voiceguide.conversation.commands import Understood, match_choice, match_command
from voiceguide.conversation.listening import listen
from voiceguide.engines.fakes import (
    FileRecorder,
    ScriptedTranscriber,
)
from voiceguide.engines.silero import SileroDetector

RATE = 16000


@pytest.mark.parametrize(
    ("said", "command"),
    [
        ("Repeat the question, please.", "repeat"),
        ("Can you repeat that?", "repeat"),
        ("Skip.", "skip"),
        ("Um, skip this one.", "skip"),
        ("Next question.", "next"),
        ("Go back.", "back"),
        ("Stop.", "stop"),
        ("Let's stop here.", "stop"),
        ("I want to stop.", "stop"),
        # One meaning each: these finish the answer, and the next question follows.
        ("That's all.", "next"),
        ("I'm done.", "next"),
        ("That's it.", "next"),
        ("Cancel.", "cancel"),
        ("Skipp.", "skip"),  # a near miss
        ("I want to stop feeling so afraid.", None),  # a command word inside an answer
        ("That is all I remember of it.", None),
        ("Nothing.", None),
        ("The sea.", None),
    ],
)
def test_commands_are_short_utterances_of_their_own(said: str, command: str | None) -> None:
    assert match_command(said, 1.0) == command


def test_a_long_utterance_is_never_a_command() -> None:
    assert match_command("Stop.", 1.0) == "stop"
    assert match_command("Stop.", 4.0) is None  # four seconds of speech: an answer


@pytest.mark.parametrize(
    ("said", "choice"),
    [
        ("I'd like to reflect.", "reflect"),
        ("Reflection, please.", "reflect"),
        ("Play my intention please.", "play"),
        ("Meditation.", "meditate"),
        ("A meditaton.", "meditate"),
        ("Set my intention.", "intention"),
        ("Something else.", "else"),
        ("No, thank you. Goodbye.", "stop"),
        ("Not right now, thanks.", "stop"),
        ("Maybe later.", "stop"),
        ("A note for my therapist.", "note"),
        ("Hear my intention going forward.", "hear-going-forward"),
        ("Set my intention going forward.", "going-forward"),
        ("My daily check-in.", "integrate"),
        ("Purple elephants.", None),
        ("Reflect or meditate?", None),
    ],
)
def test_menu_choices_in_natural_words(said: str, choice: str | None) -> None:
    assert match_choice(said, content.MENU_WORDS) == choice


def test_a_short_last_utterance_after_a_pause_is_found(voice: dict[str, Audio]) -> None:
    seg = Segmenter(RATE, detector=SileroDetector())
    pcm = Audio.concat([voice["answer+command"], Audio.silence(3, RATE)]).to_int16()[:, 0]
    found = []
    for i in range(0, len(pcm), 800):
        found += seg.feed(pcm[i : i + 800])
    assert seg.flush() is None
    assert len(found) == 1 and seg.last_tail is not None
    a, cut, d = seg.last_tail
    assert (a, d) == found[0] and a == 0
    assert 2.7 < cut / RATE < 3.7 and (d - cut) / RATE < 2.5


def test_a_short_last_utterance_that_is_no_command_stays_in_the_answer(
    tmp_path: Path, voice: dict[str, Audio]
) -> None:
    """Only a command is cut off: other words are transcribed with the phrase they end."""
    Audio.concat([voice["answer+command"], Audio.silence(5, RATE)]).save(tmp_path / "said.wav")
    cases = [
        # (a command?, heard in turn: the whole phrase, the short utterance alone, then the
        # words before it, heard alone only when the phrase's own text does not end in it)
        (True, ["One two three go back.", "Go back.", "One two three"]),
        (True, ["One two three go bag.", "Go back.", "One two three"]),
        (False, ["One two three go back.", "Go back."]),
    ]
    for i, (command, texts) in enumerate(cases):
        transcriber = ScriptedTranscriber(texts)
        capture = listen(
            FileRecorder(tmp_path / "said.wav"),
            tmp_path / f"{i}.wav",
            transcriber=transcriber,
            silence=3.0,
            understand=lambda said, audio, command=command: Understood(
                "back" if command else None, True, said
            ),
            detector=SileroDetector,
        )
        lengths = [a.duration for a in transcriber.heard]
        assert lengths[0] > lengths[1] + 2.7 and lengths[1] < 2.5
        if command:
            # The command is taken out: it is not words of the answer.
            assert [t for t, _ in capture.phrases] == ["One two three"]
            assert capture.command == "back" and capture.command_sure
            if texts[0].endswith("go back."):  # its words taken off the phrase as heard
                assert len(lengths) == 2
            else:  # the head heard alone
                assert abs(lengths[2] + lengths[1] - lengths[0]) < 0.01
            assert capture.text == "One two three"
        else:
            assert [t for t, _ in capture.phrases] == ["One two three go back."]
            assert len(lengths) == 2
            assert capture.text == "One two three go back."
        assert capture.heard
