"""Journal entries: Markdown round trips, and the store's layout, atomicity and privacy."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from conftest import TESTS

from voiceguide.audio.clip import Audio
from voiceguide.journal.entry import Answer, Entry, parse_markdown, render_markdown
from voiceguide.journal.store import JournalStore

DATA = TESTS / "data"
WHEN = dt.datetime(2026, 11, 20, 18, 5, 9, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def sample_entry() -> Entry:
    return Entry(
        date=WHEN,
        kind="reflection",
        infusion=3,
        duration=42.5,
        engine="whisper",
        model="tiny.en",
        answers=(
            Answer(
                question="What did you see, hear or feel during the infusion?",
                text="I saw a wide blue field.\nIt felt calm.",
                audio="180509-reflection-1.flac",
            ),
            Answer(question="What stands out for you most, now that it is over?", heard=False),
        ),
    )


def test_render_matches_the_golden_file() -> None:
    assert render_markdown(sample_entry()) == (DATA / "reflection.md").read_text("utf-8")


def test_parse_golden_file_and_round_trip() -> None:
    entry = parse_markdown((DATA / "reflection.md").read_text("utf-8"))
    assert entry == sample_entry()
    assert parse_markdown(render_markdown(entry)) == entry


def test_extra_fields_and_pending_transcripts_round_trip() -> None:
    entry = dataclasses.replace(
        sample_entry(),
        kind="intention",
        extra=(("scope", "going-forward"),),
        answers=(Answer(question="Intention", pending=True, audio="a.flac"),),
    )
    text = render_markdown(entry)
    assert "transcript: pending" in text and "scope: going-forward" in text
    assert parse_markdown(text) == entry


def test_hand_edited_entry_without_quotes_or_audio_is_read() -> None:
    text = "---\ndate: 2026-11-21 09:00:00\nkind: integration\n---\n\n## How are you?\n\nBetter.\n"
    entry = parse_markdown(text)
    assert entry.kind == "integration" and entry.text == "Better."
    assert entry.date == dt.datetime(2026, 11, 21, 9, 0)


def clip() -> Audio:
    return Audio.silence(0.5, 16000)


def test_store_writes_audio_then_markdown_privately_and_never_overwrites(tmp_path: Path) -> None:
    store = JournalStore(tmp_path)
    entry = sample_entry()
    first, md1 = store.add(entry, [clip(), None])
    second, md2 = store.add(entry, [clip(), None])
    assert md1 != md2 and md1.exists() and md2.exists()
    assert md1.parent == tmp_path / "journal" / "2026" / "11" / "20"
    assert first.audio == ("180509-reflection-1.flac",)
    assert second.audio == ("180509-reflection-2-1.flac",)
    for path in (md1, md1.parent / first.audio[0]):
        assert path.stat().st_mode & 0o777 == 0o600
    for folder in (tmp_path / "journal", md1.parent):
        assert folder.stat().st_mode & 0o777 == 0o700
    assert not list(md1.parent.glob(".*tmp"))
    listed = list(store.entries())
    assert [e.id for e in listed] == [
        "2026-11-20-180509-reflection-2",
        "2026-11-20-180509-reflection",
    ]
    assert store.path_of(first.id) == md1


def test_the_folder_decides_the_date(tmp_path: Path) -> None:
    store = JournalStore(tmp_path)
    _, md = store.add(sample_entry(), [None, None])
    moved = tmp_path / "journal" / "2026" / "11" / "22"
    moved.mkdir(parents=True)
    md.rename(moved / md.name)
    [entry] = store.entries()
    assert entry.date.date() == dt.date(2026, 11, 22)


def test_malformed_entries_are_reported_and_skipped(tmp_path: Path) -> None:
    store = JournalStore(tmp_path)
    store.add(sample_entry(), [None, None])
    bad = tmp_path / "journal" / "2026" / "11" / "20" / "090000-reflection.md"
    bad.write_text("no front matter here")
    entries = list(store.entries())
    assert len(entries) == 1
    assert [s.path for s in store.skipped] == [bad]


def test_the_latest_intention_of_a_scope_is_found(tmp_path: Path) -> None:
    from voiceguide.journal.entry import latest_intention

    store = JournalStore(tmp_path)
    for scope, hour in (("infusion", 8), ("going-forward", 9), ("infusion", 10)):
        entry = Entry(
            date=WHEN.replace(hour=hour),
            kind="intention",
            extra=(("scope", scope),),
            answers=(Answer(question="Intention", text=f"{scope} {hour}"),),
        )
        store.add(entry, [None])
    newest_first = list(store.entries())
    assert latest_intention(newest_first, "infusion").text == "infusion 10"  # type: ignore[union-attr]
    assert latest_intention(newest_first, "going-forward").text == "going-forward 9"  # type: ignore[union-attr]
    assert latest_intention(newest_first, "series") is None


@pytest.mark.parametrize("bad_id", ["nonsense", "2026-11-20"])
def test_bad_ids_are_clear_errors(tmp_path: Path, bad_id: str) -> None:
    from voiceguide.errors import JournalError

    with pytest.raises(JournalError):
        JournalStore(tmp_path).path_of(bad_id)
