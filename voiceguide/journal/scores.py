"""The questionnaires (PHQ-9, GAD-7) over the series, as the brief shows them to the clinician:
the totals with the instrument's own bands, the latest answers item by item beside the ones
before, and every answer to the PHQ-9's ninth item above "not at all". Nothing interpreted."""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence

from voiceguide import instruments
from voiceguide.journal.entry import Entry


@dataclasses.dataclass(frozen=True)
class Scores:
    """One questionnaire over the period."""

    title: str
    #: Each time it was answered: (day, total or None when an item was left, band).
    totals: tuple[tuple[dt.date, int | None, str | None], ...]
    #: The latest answers item by item: (item, its choice now, the choice the time before).
    items: tuple[tuple[str, int | None, int | None], ...]
    latest: dt.date
    before: dt.date | None
    #: The safety item answered above its first choice: (day, the item, the choice said).
    flags: tuple[tuple[dt.date, str, str], ...]


def gather_scores(everything: Sequence[Entry], period: Sequence[Entry]) -> tuple[Scores, ...]:
    """Each questionnaire answered in `period` (the time before it may come from earlier)."""
    found = []
    for key in instruments.INSTRUMENTS:
        form = instruments.load(key)
        mine = sorted((e for e in period if _of(e, key)), key=lambda e: e.date)
        if not mine:
            continue
        earlier = sorted((e for e in everything if _of(e, key)), key=lambda e: e.date)
        latest = mine[-1]
        before = [e for e in earlier if e.date < latest.date]
        previous = before[-1] if before else None
        now, then = _values(latest, form), _values(previous, form) if previous else None
        items = tuple(
            (text, now[n], then[n] if then else None) for n, text in enumerate(form.items)
        )
        flags = tuple(
            (e.date.date(), form.items[form.safety_item - 1], _choice(e, form))
            for e in mine
            if form.safety_item is not None and e.get("safety_flag") is True
        )
        totals = tuple((e.date.date(), _total(e), e.get("band")) for e in mine)
        found.append(
            Scores(
                form.title,
                totals,
                items,
                latest.date.date(),
                previous.date.date() if previous else None,
                flags,
            )  # fmt: skip
        )
    return tuple(found)


def score_lines(scores: Scores) -> tuple[list[str], list[str], list[str]]:
    """What the brief says of one questionnaire: (its totals, its items now and before, its
    flags), as plain lines."""
    totals = [
        " \u00b7 ".join(
            f"{day:%d %b}: {total} ({band})" if total is not None else f"{day:%d %b}: not scored"
            for day, total, band in scores.totals
        )
    ]
    since = f"{scores.before:%d %b}" if scores.before else None
    items = [
        f"{n}. {text}: {_shown(now)}" + (f" (on {since}: {_shown(then)})" if since else "")
        for n, (text, now, then) in enumerate(scores.items, start=1)
    ]
    flags = [
        f"On {day:%d %b}, \u201c{item}\u201d was answered \u201c{said}\u201d. Please ask about it."
        for day, item, said in scores.flags
    ]
    return totals, items, flags


def _of(entry: Entry, key: str) -> bool:
    return entry.kind == "questionnaire" and entry.get("instrument") == key


def _values(entry: Entry, form: instruments.Instrument) -> list[int | None]:
    values: list[int | None] = [None] * len(form.items)
    for item in entry.get("items") or []:
        if isinstance(item, dict) and isinstance(item.get("item"), int):
            n, score = item["item"] - 1, item.get("score")
            if 0 <= n < len(values) and isinstance(score, int) and 0 <= score < len(form.choices):
                values[n] = score
    return values


def _total(entry: Entry) -> int | None:
    total = entry.get("total")
    return total if isinstance(total, int) and not isinstance(total, bool) else None


def _choice(entry: Entry, form: instruments.Instrument) -> str:
    assert form.safety_item is not None
    value = _values(entry, form)[form.safety_item - 1]
    return form.choices[value] if value is not None else "above not at all"


def _shown(value: int | None) -> str:
    return "-" if value is None else str(value)
