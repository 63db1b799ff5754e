"""The guided moments through the Python API with the shipped fakes: prepare, reflect,
integrate, during, series of infusions, mood and spoken yes or no."""

from __future__ import annotations

import datetime as dt
import threading
from pathlib import Path

import numpy as np
import pytest
from conftest import Turns

from voiceguide.app import Voiceguide
from voiceguide.audio.clip import Audio
from voiceguide.clock import Clock, FixedClock
from voiceguide.conversation import content
from voiceguide.conversation.answers import parse_mood, says_little, says_yes
from voiceguide.engines.fakes import (
    CollectingPlayer,
    ScriptedTranscriber,
    ToneSynthesizer,
)
from voiceguide.settings import load_settings

QUIET = Audio.silence(1, 16000)


def make(tmp_path: Path, turns: Turns, answers: list[str], clock: Clock | None = None):  # type: ignore[no-untyped-def]
    synth = ToneSynthesizer()
    player = CollectingPlayer()
    shown: list[str] = []
    app = Voiceguide(
        load_settings(home=tmp_path / "home", silence=1.5, wait_seconds=2.0),
        synthesizer=synth,
        player=player,
        recorder=turns,
        transcriber=ScriptedTranscriber(answers),
        stop=threading.Event(),
        clock=clock,
        show=shown.append,
        inform=lambda text: None,
    )
    return app, synth, player, shown


@pytest.fixture
def said(speech: Path) -> Path:
    return speech / "one_two_three.wav"  # stands in for any short spoken answer


def test_prepare_files_a_preparation_entry_with_mood_then_sets_the_intention(
    tmp_path: Path, said: Path
) -> None:
    turns = Turns(said, said, said, said, said, said, said, said)
    answers = [
        "About a six.",
        "To be kinder to myself.",
        "Calm.",
        "My fear of the dark.",
        "Less pain.",
        "Yes, please.",
        "Being at peace.",
        "Yes.",  # read back: right
    ]
    app, synth, _, shown = make(tmp_path, turns, answers)
    entry = app.prepare()
    assert entry is not None
    assert entry.kind == "preparation" and entry.infusion == 1
    assert entry.get("mood") == 6
    assert [a.text for a in entry.answers] == answers[1:5]
    assert entry.answers[0].question == "What do you hope to learn from this infusion?"
    # The talk covers substances, and always medication with them.
    spoken = " ".join(synth.spoken)
    assert "alcohol and cannabis" in spoken and "physician" in spoken and "fasting" in spoken
    # The offer was taken: the intention was set straight away, as an entry of its own.
    intention = app.journal.current_intention()
    assert intention is not None and intention.text == "Being at peace."
    assert not turns.sources
    assert any("Being at peace" in line for line in synth.spoken)
    assert any("stay away from alcohol and cannabis" in line for line in shown)  # and shown


def test_reflect_offers_patience_when_little_came_up_and_leaves_an_unclear_mood_empty(
    tmp_path: Path, said: Path
) -> None:
    turns = Turns(said, QUIET, QUIET, said, said, said, said, said)
    answers = [
        "Nothing really.",
        "I want to remember the light.",
        "Purple.",
        "Hmm.",
        "No thanks.",  # no intention going forward now
        "No.",  # and no note for the therapist
    ]
    app, synth, _, _ = make(tmp_path, turns, answers)
    entry = app.reflect()
    assert entry is not None and entry.kind == "reflection"
    assert entry.get("mood") is None
    assert [a.heard for a in entry.answers] == [True, False, False, True]
    assert any("Some infusions bring little insight" in s for s in synth.spoken)
    assert content.MOOD_AGAIN in synth.spoken and content.MOOD_SKIPPED in synth.spoken
    assert content.OFFER_LATER["going-forward"] in synth.spoken
    assert content.OFFER_LATER["therapist"] in synth.spoken
    assert not list((tmp_path / "home" / "recordings").glob("*.wav"))


def test_integrate_replays_the_intention_going_forward_with_the_early_reminders(
    tmp_path: Path, said: Path
) -> None:
    turns = Turns(said, said, said, said, said, said, said, said, said)
    answers = [
        "Rest.",  # a quick reflection first: the infusion was today
        "Be patient with myself.",  # the intention going forward
        "Yes.",  # read back: right
        "I went for a walk.",
        "Seven.",
    ]
    app, synth, player, _ = make(tmp_path, turns, answers)
    app.reflect(quick=True)
    app.set_intention(scope="going-forward")
    own = app.journal.intention_audio("going-forward")
    assert own is not None
    synth.spoken.clear()
    player.played.clear()
    entry = app.integrate()
    assert entry is not None and entry.kind == "integration" and entry.get("mood") == 7
    assert entry.answers[0].text == "I went for a walk."
    spoken = " ".join(synth.spoken)
    assert "symbolic" in spoken and "not for everyone" in spoken  # the first days after
    assert "Express something of what you experienced" in spoken  # day 0's practice
    assert "You have not set an intention going forward" not in spoken
    # The person's own recording was played (as part of one of the played pieces).
    assert any(a.duration >= own.duration for a in player.played)


def test_integrate_brings_a_different_practice_each_day_and_drops_the_early_reminders(
    tmp_path: Path, said: Path
) -> None:
    clock = FixedClock(dt.datetime.now())
    turns = Turns(said, said, said, said)
    app, synth, _, _ = make(tmp_path, turns, ["Rest.", "Nothing much.", "Five.", "No."], clock)
    app.reflect(quick=True)
    clock.advance(days=5)
    assert app.journal.days_since_infusion() == 5
    synth.spoken.clear()
    app.integrate()
    spoken = " ".join(synth.spoken)
    assert "symbolic" not in spoken
    assert "Start something new" in spoken  # the sixth practice (day 5)
    assert "You have not set an intention going forward yet" in spoken
    assert "motivation can fade" in spoken  # "nothing much" brings the patience message


def test_a_series_of_infusions_numbers_every_entry(tmp_path: Path, said: Path) -> None:
    turns = Turns(said, said, said, said, said, said)
    answers = ["Freedom from pain.", "Yes.", "Fine.", "Being open.", "Yes.", "Good."]
    app, _, _, _ = make(tmp_path, turns, answers)
    app.set_intention(scope="series")
    assert app.journal.current_infusion() == 1
    first = app.reflect(quick=True)
    assert first is not None and first.infusion == 1
    assert app.next_infusion() == 2
    # With no intention for infusion 2, the series intention applies.
    applies = app.journal.current_intention()
    assert applies is not None and applies.text == "Freedom from pain."
    app.set_intention()
    applies = app.journal.current_intention()
    assert applies is not None and applies.text == "Being open." and applies.infusion == 2
    second = app.reflect(quick=True)
    assert second is not None and second.infusion == 2
    assert app.next_infusion() == 3


def test_during_plays_the_intention_quietly_for_exactly_the_minutes_asked(
    tmp_path: Path, said: Path
) -> None:
    app, _, player, _ = make(tmp_path, Turns(said, said), ["Being at peace.", "Yes."])
    app.set_intention()
    player.played.clear()
    app.during(minutes=2)
    [audio] = player.played
    assert audio.duration == pytest.approx(120, abs=0.01)
    own = app.journal.intention_audio("infusion")
    assert own is not None
    assert audio.peak() <= own.peak() * 0.5  # quiet: well below the recording's own level
    frames = audio.samples[:, 0]
    assert np.count_nonzero(np.abs(frames) > 1e-4) / frames.size < 0.25  # mostly silence


@pytest.mark.parametrize(
    ("text", "mood"),
    [
        ("seven", 7),
        ("Seven.", 7),
        ("About a six.", 6),
        ("7", 7),
        ("I'd say 6 out of 10", 6),
        ("maybe a three or four", 3),
        ("Zero.", 0),
        ("ten", 10),
        ("I feel good", None),
        ("", None),
        ("to the moon", None),
        ("I'm out of six.", 6),
        ("eleven", None),
    ],
)
def test_parse_mood(text: str, mood: int | None) -> None:
    assert parse_mood(text) == mood


def test_yes_and_no_and_little() -> None:
    assert says_yes("Yes.") and says_yes("Yeah, sure.") and says_yes("Okay, let's do it.")
    assert not says_yes("No.") and not says_yes("Not now, thanks.") and not says_yes("")
    assert says_little("") and says_little("Nothing really.") and says_little("I don't remember.")
    assert says_little("Not much.") and says_little("Little came up.")
    assert not says_little("A little scary at first, then I saw my grandmother in a garden.")
    assert not says_little("I felt very calm and I saw colours moving like water.")


def test_a_note_for_the_therapist_by_voice_at_any_time_and_offered_after_a_check_in(
    tmp_path: Path, said: Path
) -> None:
    turns = Turns(said, said, said, said, said, said, said)
    answers = [
        "Can we talk about sleep?",  # voiceguide note
        "Yes.",  # read back: right
        "A walk by the river.",  # the check-in
        "Six.",
        "Yes.",  # something for the therapist
        "Why the dreams came back.",
        "Yes.",  # read back: right
    ]
    app, synth, _, _ = make(tmp_path, turns, answers)
    first = app.note()
    assert first is not None and first.kind == "therapist"
    assert first.answers[0].text == "Can we talk about sleep?"
    app.integrate()
    notes = app.journal.entries(app.journal.filters(kind="therapist"))
    assert [n.text for n in notes] == ["Why the dreams came back.", "Can we talk about sleep?"]
    assert "What would you like to bring to your therapist?" in synth.spoken
