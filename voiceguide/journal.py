"""Journal entries as plain data, and their Markdown form (pure functions, no files)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import yaml

from voiceguide.errors import JournalError

KINDS = ("preparation", "intention", "reflection", "integration", "memo")
NOTHING_HEARD = "*Nothing was heard.*"
PENDING = "*Not transcribed yet.*"


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Answer:
    """One question and what the person said in reply."""

    question: str
    text: str = ""
    audio: str | None = None
    heard: bool = True
    pending: bool = False


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Entry:
    """A dated journal entry: one or more spoken answers and what is known about them."""

    date: dt.datetime
    kind: str
    answers: tuple[Answer, ...]
    infusion: int | None = None
    duration: float = 0.0
    engine: str | None = None
    model: str | None = None
    extra: tuple[tuple[str, Any], ...] = ()
    id: str = ""

    @property
    def text(self) -> str:
        """All the answers' text, joined."""
        return " ".join(a.text for a in self.answers if a.text).strip()

    @property
    def audio(self) -> tuple[str, ...]:
        return tuple(a.audio for a in self.answers if a.audio)

    def get(self, key: str, default: Any = None) -> Any:
        """A front-matter field beyond the standard ones."""
        return dict(self.extra).get(key, default)


_STANDARD = ("date", "kind", "infusion", "audio", "duration", "engine", "model", "questions")


def render_markdown(entry: Entry) -> str:
    """The entry as Markdown with YAML front matter."""
    front: dict[str, Any] = {"date": entry.date.isoformat(timespec="seconds"), "kind": entry.kind}
    if entry.infusion is not None:
        front["infusion"] = entry.infusion
    front["audio"] = [a.audio or "" for a in entry.answers]
    front["duration"] = round(entry.duration, 1)
    if entry.engine:
        front["engine"] = entry.engine
    if entry.model:
        front["model"] = entry.model
    if any(a.pending for a in entry.answers):
        front["transcript"] = "pending"
    for key, value in entry.extra:
        front.setdefault(key, value)
    lines = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip(), "---", ""]
    for answer in entry.answers:
        lines += [f"## {answer.question}", ""]
        if answer.pending:
            body = PENDING
        elif not answer.heard or not answer.text:
            body = NOTHING_HEARD
        else:
            body = answer.text
        lines += [body, ""]
    return "\n".join(lines)


def parse_markdown(text: str, *, id: str = "", date: dt.datetime | None = None) -> Entry:
    """Read an entry back from its Markdown; `date` (from the folder) wins over the front matter."""
    if not text.startswith("---"):
        raise JournalError("The entry has no front matter.")
    try:
        _, front_text, body = text.split("---", 2)
        front = yaml.safe_load(front_text) or {}
    except (ValueError, yaml.YAMLError) as exc:
        raise JournalError(f"The entry's front matter cannot be read: {exc}.") from exc
    if not isinstance(front, dict) or "kind" not in front:
        raise JournalError("The entry's front matter has no kind.")
    when = date or _parse_date(front.get("date"))
    audio = front.get("audio") or []
    if isinstance(audio, str):
        audio = [audio]
    pending_all = front.get("transcript") == "pending"
    answers = []
    for i, (question, body_text) in enumerate(_sections(body)):
        clip = audio[i] if i < len(audio) and audio[i] else None
        pending = body_text == PENDING or (pending_all and not body_text)
        heard = body_text != NOTHING_HEARD
        text_value = "" if (pending or not heard) else body_text
        answers.append(
            Answer(question=question, text=text_value, audio=clip, heard=heard, pending=pending)
        )
    extra = tuple((k, v) for k, v in front.items() if k not in _STANDARD and k != "transcript")
    infusion = front.get("infusion")
    return Entry(
        id=id,
        date=when,
        kind=str(front["kind"]),
        answers=tuple(answers),
        infusion=int(infusion) if infusion is not None else None,
        duration=float(front.get("duration") or 0.0),
        engine=front.get("engine"),
        model=front.get("model"),
        extra=extra,
    )


def _parse_date(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise JournalError(f"The entry's date {value!r} cannot be read.") from exc


def _sections(body: str) -> list[tuple[str, str]]:
    sections: list[tuple[str, list[str]]] = []
    for line in body.splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        elif sections:
            sections[-1][1].append(line)
    return [(q, "\n".join(lines).strip()) for q, lines in sections]
