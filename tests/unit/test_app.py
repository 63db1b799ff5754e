"""The journeys through the Python API, with the shipped fakes standing in for the hardware."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import Turns, fake_app

from voiceguide.app import Voiceguide
from voiceguide.audio.clip import Audio
from voiceguide.engines.fakes import (
    CollectingPlayer,
)
from voiceguide.errors import NothingHeard, VoiceguideError


def make_app(tmp_path: Path, recorder, answers=()) -> tuple[Voiceguide, CollectingPlayer]:  # type: ignore[no-untyped-def]
    app, player, _ = fake_app(tmp_path / "home", recorder, answers, silence=2.0, wait_seconds=3.0)
    return app, player


def test_reflect_files_each_answer_under_its_question(tmp_path: Path, speech: Path) -> None:
    app, player = make_app(
        tmp_path,
        Turns(
            speech / "jfk.flac",
            Audio.silence(1, 16000),
            speech / "one_two_three.wav",
            Audio.silence(1, 16000),
            speech / "one_two_three.wav",  # the mood
            Audio.silence(1, 16000),  # no answer to the offer of an intention going forward
            Audio.silence(1, 16000),  # nor to the offer of a note for the therapist
        ),
        answers=["And so my fellow Americans", "one two three", "Seven."],
    )
    entry = app.reflect(infusion=4)
    assert entry.kind == "reflection" and entry.infusion == 4
    assert entry.get("mood") == 7
    assert [a.heard for a in entry.answers] == [True, False, True, False]
    assert entry.answers[0].text == "And so my fellow Americans"
    assert entry.answers[2].text == "one two three"
    assert len(entry.audio) == 4  # every answer's audio is kept, even a silent one
    assert app.journal.store.path_of(entry.id).exists()
    assert app.journal.current_infusion() == 4
    assert not list((tmp_path / "home" / "recordings").glob("*.wav"))


def test_intention_set_show_and_play_the_recording(tmp_path: Path, speech: Path) -> None:
    said = speech / "one_two_three.wav"
    app, player = make_app(tmp_path, Turns(said, said), ["Being at peace.", "Yes."])
    app.set_intention()
    assert app.journal.current_intention().text == "Being at peace."
    player.played.clear()
    app.play_intention()
    [played] = player.played
    assert played.duration == pytest.approx(2.7 + 2.0, abs=0.5)  # the person's own recording
    with pytest.raises(VoiceguideError, match="intention going forward"):
        app.journal.current_intention(scope="going-forward")


def test_silence_saves_no_intention_but_keeps_the_recording(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, Turns(Audio.silence(1, 16000)), ["invented"])
    with pytest.raises(NothingHeard) as caught:
        app.set_intention()
    kept = list((tmp_path / "home" / "recordings").glob("*.wav"))
    assert len(kept) == 1 and str(kept[0]) in (caught.value.hint or "")
    assert not [e for e in app.journal.store.entries() if e.kind == "intention"]


def test_meditate_to_a_file_and_to_the_player(tmp_path: Path) -> None:
    app, player = make_app(tmp_path, Turns())
    out = app.meditate(minutes=3, out=tmp_path / "m.ogg")
    assert out is not None and Audio.load(out).duration == pytest.approx(180, abs=0.5)
    assert app.meditate(minutes=2) is None
    assert player.seconds == pytest.approx(120, abs=0.01)


def test_import_and_transcribe_a_recording(tmp_path: Path, speech: Path) -> None:
    app, _ = make_app(tmp_path, Turns(), ["ask not what your country"])
    entry = app.journal.import_audio(speech / "jfk.flac", kind="reflection")
    assert entry.text == "ask not what your country"
    assert entry.get("imported_from") == "jfk.flac"
    with pytest.raises(NothingHeard):
        silent = Audio.silence(2, 16000).save(tmp_path / "silent.wav")
        app.transcribe_file(silent)


def test_the_not_medical_notice_is_said_once(tmp_path: Path) -> None:
    app, player = make_app(tmp_path, Turns())
    said: list[str] = []
    app.show = said.append
    assert app.first_run_notice() is True
    notice = " ".join(said)
    assert "not a medical device" in notice and "not therapy" in notice
    assert "no medical advice" in notice and "emergency" in notice
    played = len(player.played)
    assert played >= 1
    assert app.first_run_notice() is False
    assert len(player.played) == played
