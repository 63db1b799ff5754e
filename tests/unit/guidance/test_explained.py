"""The second time, and every time after: explanations that grow shorter as the person learns.

The fakes run the flows quickly; tests/devices/test_journeys.py does the same on the real
devices."""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest
from conftest import Turns, fake_app

from voiceguide.audio.clip import Audio
from voiceguide.conversation import content
from voiceguide.guidance import explained
from voiceguide.guidance.parser import check, parse
from voiceguide.guidance.script import FIRST_TIME, RETURNING, Say
from voiceguide.terminal import keyboard_controls

RATE = 16000


@pytest.fixture
def answer(speech: Path) -> Audio:
    return Audio.load(speech / "one_two_three.wav").for_speech(RATE)


@pytest.fixture
def command(speech: Path) -> Audio:
    """A short utterance on its own, which the scripted transcript makes a command."""
    return Audio.load(speech / "jfk.flac").for_speech(RATE).slice(0.2, 1.4)


def make(home: Path, turns: Turns, texts: list[str], **settings: object):  # type: ignore[no-untyped-def]
    app, _, synth = fake_app(
        home, turns, texts, silence=1.5, wait_seconds=2.0, **{"questionnaires": "none", **settings}
    )
    return app, synth


KINDS = "An intention can be an outcome you hope for, a way of being, or just one or two words."


# -- the scripts -----------------------------------------------------------------------------------
def test_first_time_and_returning_lines_in_a_script() -> None:
    text = (
        "[first-time] The whole story.\n[pause 2s]\n"
        "[returning] The heart of it.\n"
        "For everyone.\n"
        "[listen] What is it?\n"
    )
    script = parse(text, "s")
    assert script.explains
    first = script.for_listener(first_time=True)
    again = script.for_listener(first_time=False)
    assert [s.text for s in first.steps if isinstance(s, Say)] == [
        "The whole story.",
        "For everyone.",
    ]
    assert first.steps[0].pause == 2.0
    assert [s.text for s in again.steps if isinstance(s, Say)] == [
        "The heart of it.",
        "For everyone.",
    ]
    assert [s.text for s in script.explanation()] == ["The whole story."]  # type: ignore[union-attr]
    assert {s.audience for s in script.steps if isinstance(s, Say)} == {FIRST_TIME, RETURNING, ""}


def test_first_time_holds_only_spoken_lines() -> None:
    problems = [str(p) for p in check("[first-time]\n[returning] [listen] Why?\nHello.\n", "s")]
    assert problems == [
        "line 1: [first-time] needs words, or an [include], after it",
        "line 2: [returning] can only hold spoken lines",
    ]


def test_every_opening_has_a_short_version() -> None:
    """Each session that opens with guidance explains itself in full only the first time."""
    from voiceguide.guidance.library import Library

    library = Library(Path("/nonexistent"))
    for name in (
        "intention",
        "intention-series",
        "intention-going-forward",
        "prepare",
        "reflect",
        "integrate",
        "menu",
    ):
        script = library.load(name, builtin=True)
        assert script.explains, name
        first, again = (
            opening(script.for_listener(first_time=True)),
            opening(script.for_listener(first_time=False)),
        )
        assert len(again) < len(first) / 2, (name, first, again)


def opening(script) -> str:  # type: ignore[no-untyped-def]
    """The words said before the first question (or all of them, for a script that asks none)."""
    from voiceguide.guidance.script import ASKING

    words = []
    for step in script.steps:
        if isinstance(step, ASKING):
            break
        if isinstance(step, Say):
            words.append(step.text)
    return " ".join(words)


# -- the flows -------------------------------------------------------------------------------------
def test_the_intention_is_explained_once_then_briefly(
    tmp_path: Path, answer: Audio, command: Audio
) -> None:
    home = tmp_path / "home"
    app, synth = make(home, Turns(answer, answer), ["To be gentle with myself.", "Yes."])
    app.set_intention()
    assert KINDS in synth.spoken  # the first time: what an intention can be
    assert "intention" in explained.heard(home)

    # (Each new intention is read back, then replaces the last one with a yes.)
    app, synth = make(home, Turns(answer, answer, answer), ["To be kind.", "Yes.", "Yes."])
    app.set_intention()
    spoken = " ".join(synth.spoken)
    assert KINDS not in spoken and "tell me more" in spoken  # the heart of it, and the way back
    assert synth.spoken.index("What is your intention?") <= 2

    # "Tell me more": the whole explanation, then the question again.
    app, synth = make(
        home, Turns(command, answer, answer, answer), ["Tell me more.", "To rest.", "Yes.", "Yes."]
    )
    entry = app.set_intention()
    assert entry.text == "To rest."
    assert synth.spoken.count("What is your intention?") == 2
    between = synth.spoken[synth.spoken.index("What is your intention?") :]
    assert KINDS in between
    assert not list((home / "recordings").glob("*.wav"))

    # --explain: in full again.
    app, synth = make(
        home, Turns(answer, answer, answer), ["To trust.", "Yes.", "Yes."], explain=True
    )
    app.set_intention()
    assert KINDS in synth.spoken


def test_a_reflection_opens_in_full_once_and_tell_me_more_works_at_any_question(
    tmp_path: Path, answer: Audio, command: Audio
) -> None:
    home = tmp_path / "home"
    full = "Welcome back. Take your time; there is no hurry. I will ask a few questions."
    app, synth = make(home, Turns(command, command), ["Stop.", "zero"])
    app.reflect()
    assert synth.spoken[0].startswith(full)

    app, synth = make(home, Turns(command, answer, command), ["Tell me more.", "A light.", "Stop."])
    entry = app.reflect()
    assert synth.spoken[0].startswith("Welcome back. Take your time. After each tone")
    assert sum(line.startswith(full) for line in synth.spoken) == 1  # brought back once
    assert entry is not None and [a.text for a in entry.answers] == ["A light."]


def test_the_menu_explains_itself_the_first_time_only(tmp_path: Path, answer: Audio) -> None:
    home = tmp_path / "home"
    app, synth = make(home, Turns(answer), ["Goodbye."])
    app.menu()
    assert synth.spoken[0].startswith("This is voiceguide")
    app, synth = make(home, Turns(answer, answer), ["Tell me more.", "Goodbye."])
    app.menu()
    assert synth.spoken[0].startswith(content.MENU_GREETING["before"])
    assert any(line.startswith("This is voiceguide") for line in synth.spoken)  # brought back
    assert synth.spoken[-1] == content.MENU_GOODBYE


# -- skipping ahead --------------------------------------------------------------------------------
@pytest.mark.parametrize("key", [b" ", b"\n"])
def test_enter_or_space_skips_an_explanation_in_a_terminal(key: bytes) -> None:
    leader, follower = os.openpty()
    with os.fdopen(follower, "r") as terminal:
        with keyboard_controls(terminal, skip=True) as controls:
            assert not controls.quit.is_set()
            os.write(leader, key)
            deadline = time.monotonic() + 5
            while not controls.quit.is_set() and time.monotonic() < deadline:
                time.sleep(0.01)
            assert controls.quit.is_set()
    os.close(leader)


def test_a_skipped_explanation_goes_straight_to_the_question(
    tmp_path: Path, answer: Audio, monkeypatch: pytest.MonkeyPatch
) -> None:
    """With the keys pressed at once, nothing of the explanation plays; the question does."""
    import contextlib

    from voiceguide.interfaces import Controls

    @contextlib.contextmanager
    def pressed(stdin=None, *, skip=False):  # type: ignore[no-untyped-def]
        controls = Controls()
        controls.quit.set()
        yield controls

    monkeypatch.setattr("voiceguide.terminal.keyboard_controls", pressed)
    app, synth = make(
        tmp_path / "home", Turns(answer, answer), ["To be gentle with myself.", "Yes."]
    )
    informed: list[str] = []
    app.inform = informed.append
    app.set_intention()
    assert "(Skipped ahead.)" in informed
    assert KINDS not in synth.spoken  # the rest of the explanation was never said
    assert "What is your intention?" in synth.spoken  # straight on to the question
    assert app.journal.current_intention() is not None
