"""Voice commands steering the guided moments, with the shipped fakes: spoken confirmations,
and nothing of a command in the journal."""

from __future__ import annotations

from pathlib import Path

from conftest import (
    Turns,
    make_app,
)

from voiceguide.audio.clip import Audio
from voiceguide.conversation import content

RATE = 16000


def test_commands_steer_a_reflection_and_never_reach_the_journal(
    tmp_path: Path, voice: dict[str, Audio]
) -> None:
    turns = Turns(
        voice["answer+command"],  # Q1: an answer, then "repeat the question"
        voice["answer"],  # Q1 again
        voice["command"],  # Q2: "go back"
        voice["answer"],  # Q1 again
        voice["answer"],  # Q2
        voice["command"],  # Q3: "skip"
        voice["command"],  # Q4: "let's stop here"
    )
    texts = [
        "I saw a light. Repeat the question.",  # the phrase whole
        "Repeat the question.",  # its short last utterance on its own: a command (taken off)
        "A warm feeling.",
        "Go back.",
        "And music.",
        "The music, most of all.",
        "Skip.",
        "Let's stop here.",
    ]
    shown: list[str] = []
    app, synth = make_app(tmp_path, turns, texts, shown)
    entry = app.reflect()
    assert entry is not None and not turns.sources
    q1, q2 = (
        "What did you see, hear or feel during the infusion?",
        "What stands out for you most, now that it is over?",
    )
    assert [(a.question, a.text) for a in entry.answers] == [
        (q1, "I saw a light."),
        (q1, "A warm feeling."),
        (q1, "And music."),
        (q2, "The music, most of all."),
    ]
    for line in (content.COMMAND_REPEAT, content.COMMAND_BACK, content.COMMAND_SKIP):
        assert line in synth.spoken
    assert content.COMMAND_STOP in synth.spoken
    assert "How are you feeling now" not in " ".join(shown)  # stopped: no more questions
    assert not list((tmp_path / "home" / "recordings").glob("*.wav"))


def test_cancel_asks_first_and_then_saves_nothing(tmp_path: Path, voice: dict[str, Audio]) -> None:
    turns = Turns(
        voice["answer"],  # Q1
        voice["command"],  # Q2: "cancel"
        voice["answer"],  # "no": carry on
        voice["command"],  # Q2 again: "cancel"
        voice["answer"],  # "yes"
    )
    texts = ["Something I said.", "Cancel.", "No.", "Cancel.", "Yes, please."]
    app, synth = make_app(tmp_path, turns, texts)
    assert app.reflect() is None and not turns.sources
    assert synth.spoken.count(content.CANCEL_CONFIRM) == 2
    assert content.NOT_CANCELLED in synth.spoken and content.CANCELLED in synth.spoken
    assert not list((tmp_path / "home").rglob("*.md"))
    assert not list((tmp_path / "home" / "recordings").glob("*.wav"))


def test_without_voice_commands_the_words_are_kept(tmp_path: Path, voice: dict[str, Audio]) -> None:
    turns = Turns(voice["answer+command"])
    app, _ = make_app(tmp_path, turns, ["I saw a light. Skip."], voice_commands=False)
    entry = app.reflect(quick=True)
    assert entry is not None and entry.text == "I saw a light. Skip."


def test_replacing_an_intention_is_confirmed_by_voice(
    tmp_path: Path, voice: dict[str, Audio]
) -> None:
    turns = Turns(*[voice["answer"]] * 8)
    texts = [
        "To rest.",
        "Yes.",  # read back: right
        "Something new.",
        "Yes.",  # read back: right
        "No, thank you.",  # keep the new one in its place? no
        "To be open.",
        "Yes.",  # read back: right
        "Yes, please.",  # in its place? yes
    ]
    app, synth = make_app(tmp_path, turns, texts)
    app.set_intention()
    kept = app.set_intention()  # "no": the intention stays
    assert kept.text == "To rest." and app.journal.current_intention().text == "To rest."
    assert content.INTENTION_KEPT.format(old="To rest.") in synth.spoken
    app.set_intention()  # "yes": replaced
    assert app.journal.current_intention().text == "To be open."
    heard = [line for line in synth.spoken if line.startswith("I heard:")]
    assert heard == [
        content.READ_BACK.format(text=t) for t in ("To rest", "Something new", "To be open")
    ]
    asked = [line for line in synth.spoken if line.startswith("Until now, your intention was")]
    assert len(asked) == 2 and "Until now, your intention was: To rest." in asked[1]
    assert not turns.sources
    assert not list((tmp_path / "home" / "recordings").glob("*.wav"))
