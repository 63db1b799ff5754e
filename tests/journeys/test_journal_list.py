"""`voiceguide journal list`: filters by kind, infusion and dates as people say them."""

from __future__ import annotations

import datetime as dt

import pytest
from conftest import Run

from voiceguide.errors import UsageError
from voiceguide.journal.dates import parse_day
from voiceguide.journal.entry import Answer, Entry
from voiceguide.journal.store import JournalStore


def _fill(run: Run) -> None:
    store = JournalStore(run.home)
    now = dt.datetime.now().astimezone().replace(microsecond=0, hour=12)
    plan = [
        (20, "preparation", 1, 4, "I hope to let go of the fear."),
        (19, "reflection", 1, 6, "I saw the sea."),
        (5, "integration", 1, 7, "I went for a walk."),
        (1, "reflection", 2, 5, "Colours, and my grandmother's garden."),
        (0, "integration", 2, None, "Nothing much today."),
    ]
    for days, kind, infusion, mood, text in plan:
        entry = Entry(
            date=now - dt.timedelta(days=days),
            kind=kind,
            answers=(Answer(question="Q", text=text),),
            infusion=infusion,
            extra=(("mood", mood),) if mood is not None else (),
        )
        store.add(entry, [None])


def _listed(run: Run, *args: str) -> list[str]:
    result = run("journal", "list", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_filters(run: Run) -> None:
    _fill(run)
    everything = _listed(run)
    assert len(everything) == 5
    assert "Nothing much today" in everything[0]  # newest first
    assert "mood  4" in everything[-1]
    assert len(_listed(run, "--kind", "reflection")) == 2
    assert len(_listed(run, "--infusion", "2")) == 2
    assert len(_listed(run, "--since", "yesterday")) == 2
    assert len(_listed(run, "--since", "a week ago")) == 3
    assert len(_listed(run, "--until", "2 weeks ago")) == 2
    assert len(_listed(run, "--since", "3 weeks ago", "--until", "6 days ago")) == 2
    assert len(_listed(run, "--limit", "1")) == 1
    assert _listed(run, "--kind", "intention") == []


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--since", "the day after the storm"], "not a date"),
        (["--since", "2026-13-45"], "not a date"),
        (["--kind", "diary"], "no entry kind"),
        (["--limit", "0"], "--limit"),
        (["--infusion", "-3"], "--infusion"),
        (["--since", "today", "--until", "last year"], "is after"),
    ],
)
def test_bad_filters_are_one_clear_error(run: Run, args: list[str], message: str) -> None:
    _fill(run)
    before = sorted(p.name for p in (run.home / "journal").rglob("*"))
    result = run("journal", "list", *args)
    assert result.returncode == 1 and message in result.stderr
    assert "Traceback" not in result.stderr
    assert sorted(p.name for p in (run.home / "journal").rglob("*")) == before


def test_date_phrases() -> None:
    today = dt.date(2026, 11, 24)  # a Tuesday
    assert parse_day("2026-11-01", today) == dt.date(2026, 11, 1)
    assert parse_day("Yesterday", today) == dt.date(2026, 11, 23)
    assert parse_day("3 days ago", today) == dt.date(2026, 11, 21)
    assert parse_day("a week ago", today) == dt.date(2026, 11, 17)
    assert parse_day("last week", today) == dt.date(2026, 11, 16)
    assert parse_day("this month", today) == dt.date(2026, 11, 1)
    assert parse_day("last month", today) == dt.date(2026, 10, 1)
    assert parse_day("monday", today) == dt.date(2026, 11, 23)
    assert parse_day("tuesday", today) == dt.date(2026, 11, 17)
    with pytest.raises(UsageError):
        parse_day("soonish", today)
