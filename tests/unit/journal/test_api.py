"""The Journal façade and its Filters, directly: what the journeys and the command line ask of
the journal, with a fixed clock and the shipped fake transcriber (no sound device)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from voiceguide.audio.clip import Audio
from voiceguide.clock import FixedClock
from voiceguide.engines.fakes import ScriptedTranscriber
from voiceguide.engines.silero import SileroDetector
from voiceguide.errors import UsageError
from voiceguide.hearing.phrases import Moment
from voiceguide.journal.api import Journal, Said
from voiceguide.journal.query import Filters

NOW = dt.datetime(2026, 11, 24, 18, 30, 5).astimezone()


def journal(home: Path, at: dt.datetime = NOW) -> tuple[Journal, list[str]]:
    told: list[str] = []
    made = Journal(
        home,
        clock=FixedClock(at),
        transcriber=lambda: ScriptedTranscriber(["one two three"]),
        detector=SileroDetector,
        inform=told.append,
    )
    return made, told


def recording(journal: Journal, label: str = "reflection") -> Path:
    """A finished recording in progress, where listening leaves one."""
    path = journal.store.capture_path(label, NOW)
    Audio.silence(1.0, 16000).save(path)
    return path


def test_filing_answers_moves_their_recordings_into_the_entry(tmp_path: Path) -> None:
    j, told = journal(tmp_path)
    first, second = recording(j), recording(j)
    said = [
        Said("What stands out?", "The sea.", True, first, 1.0, (Moment(0.1, 0.9, "The sea."),)),
        Said("Anything else?", "", False, second, 1.0),
    ]
    with j.writing():
        entry = j.file("reflection", said, infusion=2, extra=(("mood", 6),))
    assert [a.text for a in entry.answers] == ["The sea.", ""]
    assert entry.infusion == 2 and entry.get("mood") == 6 and entry.duration == 2.0
    assert not first.exists() and not second.exists()  # moved into the entry, none left behind
    assert len(entry.audio) == 2
    assert any("Saved to" in line for line in told)
    [found] = j.entries()
    assert found.id == entry.id and found.answers[0].text == "The sea."


def test_an_answer_whose_transcription_failed_is_kept_as_pending(tmp_path: Path) -> None:
    j, told = journal(tmp_path)
    path = recording(j)
    with j.writing():
        entry = j.file("reflection", [Said("Q?", "", True, path, 1.0, pending=True)])
    assert entry.answers[0].pending
    assert any("without its text" in line for line in told)


def test_entries_come_newest_first_and_filters_choose_among_them(tmp_path: Path) -> None:
    for day, kind in ((20, "preparation"), (22, "reflection"), (24, "integration")):
        j, _ = journal(tmp_path, NOW.replace(day=day))
        with j.writing():
            j.file(kind, [Said("Q?", f"day {day}", True, recording(j), 1.0)])
    j, _ = journal(tmp_path)
    assert [e.kind for e in j.entries()] == ["integration", "reflection", "preparation"]
    assert [e.kind for e in j.entries(j.filters(kind="reflection"))] == ["reflection"]
    assert [e.date.day for e in j.entries(j.filters(since="3 days ago"))] == [24, 22]
    assert [e.date.day for e in j.entries(j.filters(limit=1))] == [24]
    assert [e.date.day for e in j.resolve("last")] == [24]
    assert [e.date.day for e in j.resolve("2026-11-22")] == [22]


def test_filters_refuse_what_cannot_be_used_in_one_sentence() -> None:
    today = dt.date(2026, 11, 24)
    with pytest.raises(UsageError, match="no entry kind"):
        Filters.parse(kind="dream", today=today)
    with pytest.raises(UsageError):
        Filters.parse(since="the day after the flood", today=today)
    chosen = Filters.parse(since="yesterday", until="today", today=today)
    assert chosen.since == dt.date(2026, 11, 23) and chosen.until == today


def test_the_series_and_the_intention_of_each_scope(tmp_path: Path) -> None:
    j, _ = journal(tmp_path)
    assert j.current_infusion() == 1
    assert j.next_infusion() == 2 and j.current_infusion() == 2
    assert j.infusion_started_today()
    with j.writing():
        j.file(
            "intention",
            [Said("Intention", "To rest.", True, recording(j, "intention"), 1.0)],
            infusion=2,
            extra=(("scope", "infusion"),),
        )
    assert j.current_intention().text == "To rest."  # type: ignore[union-attr]
    assert j.current_intention(scope="going-forward", required=False) is None


def _files(home: Path) -> list[str]:
    return sorted(p.name for p in (home / "journal").rglob("*") if p.is_file())


PASSPHRASE = "a long and private passphrase"


def _with_one_entry(home: Path, monkeypatch: pytest.MonkeyPatch, words: str) -> Journal:
    """A journal holding one reflection of `words` (its Markdown and its audio), with the
    passphrase given as a script gives it."""
    monkeypatch.setenv("VOICEGUIDE_PASSPHRASE", PASSPHRASE)
    j, _ = journal(home)
    with j.writing():
        j.file("reflection", [Said("Q?", words, True, recording(j), 1.0)])
    return j


def test_encrypting_seals_every_entry_and_its_audio_and_decrypting_opens_them(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    j = _with_one_entry(tmp_path, monkeypatch, "The sea at night.")
    assert j.encrypt() == 2 and j.is_encrypted()
    sealed = [n for n in _files(tmp_path) if not n.startswith(".")]
    assert sealed and all(n.endswith(".enc") for n in sealed), sealed
    assert not any(b"sea at night" in p.read_bytes() for p in tmp_path.rglob("*") if p.is_file())
    j, _ = journal(tmp_path)  # a new start reads it with the passphrase
    assert [e.text for e in j.entries()] == ["The sea at night."]
    assert j.decrypt() == 2 and not j.is_encrypted()
    assert not any(n.endswith(".enc") for n in _files(tmp_path))


def test_an_encryption_cut_short_is_finished_by_the_next_start(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from voiceguide.journal import crypto, sealing

    j = _with_one_entry(tmp_path, monkeypatch, "Words.")
    # Killed after the marker and the key were written, with one file sealed of two.
    sealing.begin(tmp_path, "encrypt")
    j.store.use_cipher(crypto.create_key(tmp_path, PASSPHRASE))
    [md] = [p for p in (tmp_path / "journal").rglob("*.md")]
    j.store.seal(md)
    assert sealing.pending(tmp_path) == "encrypt"
    j, told = journal(tmp_path)
    j.recover(quiet=True)  # what every start does
    assert sealing.pending(tmp_path) is None
    assert all(n.endswith(".enc") for n in _files(tmp_path) if not n.startswith("."))
    assert any("interrupted" in line for line in told)
    assert [e.text for e in j.entries()] == ["Words."]


def test_a_damaged_change_marker_is_taken_as_an_encryption_to_finish(tmp_path: Path) -> None:
    from voiceguide.home import Home
    from voiceguide.journal import sealing

    Home(tmp_path).sealing_marker.write_text("{not json")
    assert sealing.pending(tmp_path) == "encrypt"
