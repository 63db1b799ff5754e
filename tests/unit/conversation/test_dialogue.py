"""The Conversation, directly: replies understood, the mood asked again once, what was heard
read back, and a command said at the end of an answer; on the shipped fakes (a tone voice, a
collecting player, scripted transcripts) with real speech as the microphone."""

from __future__ import annotations

from pathlib import Path

from conftest import Turns, fake_app

from voiceguide.conversation import content


def conversation(tmp_path: Path, speech: Path, answers: list[str], turns: int = 1):  # type: ignore[no-untyped-def]
    said = speech / "one_two_three.wav"
    shown: list[str] = []
    app, player, synth = fake_app(
        tmp_path / "home", Turns(*([said] * turns)), answers, shown, silence=2.0
    )
    return app.talk, synth


def test_a_mood_is_asked_again_once_when_no_number_was_heard(tmp_path: Path, speech: Path) -> None:
    talk, synth = conversation(tmp_path, speech, ["Hmm, hard to say.", "Maybe a seven."], 2)
    assert talk.ask_mood("How do you feel, from zero to ten?", meta={}) == 7
    assert content.MOOD_AGAIN in synth.spoken
    assert content.MOOD_HEARD.format(a_mood="A seven") in synth.spoken


def test_no_number_twice_leaves_the_mood_out_kindly(tmp_path: Path, speech: Path) -> None:
    talk, synth = conversation(tmp_path, speech, ["Blue.", "Green."], 2)
    assert talk.ask_mood("How do you feel, from zero to ten?", meta={}) is None
    assert content.MOOD_SKIPPED in synth.spoken


def test_what_was_heard_is_read_back_and_the_answer_understood(
    tmp_path: Path, speech: Path
) -> None:
    for reply, meaning in (("Yes, that's right.", True), ("No.", False), ("Banana.", None)):
        talk, synth = conversation(tmp_path / reply[:3], speech, [reply])
        assert talk.read_back("To be gentle with myself.") is meaning, reply
        assert content.READ_BACK.format(text="To be gentle with myself") in synth.spoken


def test_a_yes_or_no_question_takes_natural_words(tmp_path: Path, speech: Path) -> None:
    for reply, meaning in (("Yes, please.", True), ("Not right now, thanks.", False)):
        talk, _ = conversation(tmp_path / reply[:3], speech, [reply])
        assert talk.confirm("Would you like to set an intention now?") is meaning, reply
    recordings = list((tmp_path).rglob("recordings/*.wav"))
    assert not recordings  # a reply's recording is let go at once
