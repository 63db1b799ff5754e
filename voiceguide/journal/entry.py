"""Journal entries as plain data, and their Markdown form (pure functions, no files)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import re
import reprlib
from collections.abc import Iterable
from typing import Any

from voiceguide.errors import JournalError

NOTHING_HEARD = "*Nothing was heard.*"
PENDING = "*Not transcribed yet.*"
#: Words a person wrote above the first question (in another editor, say), kept as they are.
NOTES_KEY = "notes"


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


_FRONT = re.compile(r"\A---[ \t]*\n(.*?)^---[ \t]*$\n?", re.DOTALL | re.MULTILINE)
_STANDARD = ("date", "kind", "infusion", "audio", "duration", "engine", "model", "questions")


_AUDIO_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._ -]{0,200}$")


def valid_mood(value: Any) -> int | None:
    """A mood as the journal keeps it: a whole number from 0 to 10 (anything else: None)."""
    if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= 10:
        return None
    return value


def check_audio_name(name: str) -> str:
    """An entry's audio is a plain file name in the entry's folder; anything else is refused."""
    if not isinstance(name, str) or not _AUDIO_NAME.match(name) or ".." in name:
        raise JournalError(f"The entry names an audio file that is not in its folder: {name!r}.")
    return name


#: Control characters (C0, DEL and C1) and the Unicode line and paragraph separators.
_NOT_ON_ONE_LINE = {c: " " for c in (*range(32), *range(127, 160), 0x2028, 0x2029)}


def one_line(text: str) -> str:
    """Text that stays on one line in Markdown: control characters and line breaks become
    spaces (a file name with a newline must not split an entry into made-up sections)."""
    return " ".join(str(text).translate(_NOT_ON_ONE_LINE).split())


def render_markdown(entry: Entry) -> str:
    """The entry as Markdown with YAML front matter."""
    import yaml

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
        if key != NOTES_KEY:
            front.setdefault(key, value)
    lines = ["---", yaml.safe_dump(front, sort_keys=False, allow_unicode=True).rstrip(), "---", ""]
    if entry.get(NOTES_KEY):
        lines += [str(entry.get(NOTES_KEY)), ""]
    for answer in entry.answers:
        lines += [f"## {one_line(answer.question)}", ""]
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

    # As another editor may leave it: a byte-order mark, Windows line ends.
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    match = _FRONT.match(text)
    if match is None:
        raise JournalError("The entry has no front matter (a block between two --- lines).")
    front_text, body = match[1], text[match.end() :]
    front = _front_matter(front_text)
    if not isinstance(front, dict) or "kind" not in front:
        raise JournalError("The entry's front matter has no kind.")
    when = date or _parse_date(front.get("date"))
    audio = front.get("audio") or []
    if isinstance(audio, str):
        audio = [audio]
    if not isinstance(audio, list) or not all(a is None or isinstance(a, str) for a in audio):
        raise JournalError("The entry's audio is not a list of file names.")
    pending_all = front.get("transcript") == "pending"
    answers = []
    notes, sections = _sections(body)
    for i, (question, body_text) in enumerate(sections):
        clip = audio[i] if i < len(audio) and audio[i] else None
        pending = body_text == PENDING or (pending_all and not body_text)
        heard = body_text != NOTHING_HEARD
        text_value = "" if (pending or not heard) else body_text
        answers.append(
            Answer(question=question, text=text_value, audio=clip, heard=heard, pending=pending)
        )
    extra = tuple(
        (str(k), _plain(v))
        for k, v in front.items()
        if k not in _STANDARD and k not in ("transcript", NOTES_KEY)
    )
    if notes:
        extra += ((NOTES_KEY, notes),)
    return Entry(
        id=id,
        date=when,
        kind=str(front["kind"]),
        answers=tuple(answers),
        infusion=_infusion(front.get("infusion")),
        duration=_duration(front.get("duration")),
        engine=_text_or_none(front.get("engine")),
        model=_text_or_none(front.get("model")),
        extra=extra,
    )


def _infusion(value: Any) -> int | None:
    """The infusion number as written (a whole number from 1 to 1000), else a clear refusal."""
    if value is None:
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value)
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 1000:
        raise JournalError(
            f"The entry's infusion is not a number from 1 to 1000 ({reprlib.repr(value)})."
        )
    return value


def _duration(value: Any) -> float:
    """Seconds of audio as written (a finite number, 0 or more), else a clear refusal."""
    if value is None or value == "":
        return 0.0
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise JournalError(
            f"The entry's duration is not a number of seconds ({reprlib.repr(value)})."
        )
    if not math.isfinite(value) or value < 0:
        raise JournalError(f"The entry's duration is not a number of seconds ({value!r}).")
    return float(value)


def _text_or_none(value: Any) -> str | None:
    return None if value is None else str(value)


#: The most values front matter may hold once its aliases (`*name`) are followed: voiceguide's
#: own entries hold a few dozen, and a hand-edited "alias bomb" of 600 bytes would otherwise
#: expand to billions and hang every command that reads the journal.
MAX_FRONT_VALUES = 20_000


def _front_matter(text: str) -> Any:
    """Front matter read safely: plain YAML values only, and never more than MAX_FRONT_VALUES
    of them, counting every alias as the values it stands for."""
    import yaml

    loader = yaml.SafeLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return {}
        if _values(node, MAX_FRONT_VALUES) > MAX_FRONT_VALUES:
            raise JournalError(
                "The entry's front matter repeats itself too often to be read (YAML aliases)."
            )
        return loader.construct_document(node) or {}
    except yaml.YAMLError as exc:
        raise JournalError(f"The entry's front matter cannot be read: {exc}.") from exc
    finally:
        loader.dispose()


def _values(node: Any, limit: int) -> int:
    """How many values a YAML node holds, aliases followed (counting stops past `limit`)."""
    import yaml

    count, stack = 0, [node]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, yaml.SequenceNode):
            stack.extend(item.value)
        elif isinstance(item, yaml.MappingNode):
            for key, value in item.value:
                stack += [key, value]
    return count


def _plain(value: Any) -> Any:
    """A front-matter value as JSON has it: dates become ISO text, so every copy reads the same."""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return value


def entry_to_dict(entry: Entry, *, text: bool = True) -> dict[str, Any]:
    """The entry as one JSON object: every front-matter field, the answers and (with `text`)
    all their text joined."""
    data: dict[str, Any] = {
        "id": entry.id,
        "date": entry.date.isoformat(timespec="seconds"),
        "kind": entry.kind,
        "infusion": entry.infusion,
        "duration": round(entry.duration, 1),
        "engine": entry.engine,
        "model": entry.model,
    }
    for key, value in entry.extra:
        data.setdefault(key, value)
    data["answers"] = [
        {
            "question": a.question,
            "text": a.text,
            "audio": a.audio,
            "heard": a.heard,
            "pending": a.pending,
        }
        for a in entry.answers
    ]
    if text:
        data["text"] = entry.text
    return data


_DICT_KEYS = ("id", "date", "kind", "infusion", "duration", "engine", "model", "answers", "text")


def entry_from_dict(data: dict[str, Any]) -> Entry:
    """An entry back from `entry_to_dict`'s object (JournalError if it is not one)."""
    try:
        answers = tuple(
            Answer(
                question=str(a["question"]),
                text=str(a.get("text") or ""),
                audio=_text_or_none(a.get("audio")),
                heard=bool(a.get("heard", True)),
                pending=bool(a.get("pending", False)),
            )
            for a in data["answers"]
        )
        return Entry(
            id=str(data.get("id") or ""),
            date=dt.datetime.fromisoformat(data["date"]),
            kind=str(data["kind"]),
            answers=answers,
            infusion=_infusion(data.get("infusion")),
            duration=_duration(data.get("duration")),
            engine=_text_or_none(data.get("engine")),
            model=_text_or_none(data.get("model")),
            extra=tuple((k, v) for k, v in data.items() if k not in _DICT_KEYS),
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise JournalError(f"Not a journal entry: {exc}.") from exc


def _parse_date(value: Any) -> dt.datetime:
    if isinstance(value, dt.datetime):
        return value
    if isinstance(value, dt.date):
        return dt.datetime(value.year, value.month, value.day)
    try:
        return dt.datetime.fromisoformat(str(value))
    except ValueError as exc:
        raise JournalError(f"The entry's date {value!r} cannot be read.") from exc


def _sections(body: str) -> tuple[str, list[tuple[str, str]]]:
    """Words written above the first `## question` (notes), and each question with its text."""
    sections: list[tuple[str, list[str]]] = [("", [])]
    for line in body.splitlines():
        if line.startswith("## "):
            sections.append((line[3:].strip(), []))
        else:
            sections[-1][1].append(line)
    found = [(q, "\n".join(lines).strip()) for q, lines in sections]
    return found[0][1], found[1:]


_EDIT_NOTE = (
    "<!-- Correct the transcript below, then save and close the editor.\n"
    '     Keep every "## " question line as it is: only the text under each one is saved.\n'
    "     The machine transcript stays in the entry, beside your correction. -->\n"
)


def render_answers_for_editing(entry: Entry) -> str:
    """The transcript as a person corrects it: each question and the text said in reply."""
    lines = [_EDIT_NOTE]
    for answer in entry.answers:
        lines += [f"## {answer.question}", "", answer.text, ""]
    return "\n".join(lines)


def read_edited_answers(text: str, entry: Entry) -> list[str]:
    """The corrected text of each answer (JournalError when questions were added or removed)."""
    text = re.sub(r"<!--.*?-->", "", text, flags=re.DOTALL)
    _, sections = _sections(text)
    if len(sections) != len(entry.answers):
        raise JournalError(
            f"The corrected transcript has {len(sections)} questions instead of "
            f"{len(entry.answers)}, so nothing was changed."
        )
    return ["" if body in (NOTHING_HEARD, PENDING) else body for _, body in sections]


def latest_intention(
    entries: Iterable[Entry], scope: str, infusion: int | None = None
) -> Entry | None:
    """The newest intention with words of `scope` ("infusion", "series", "going-forward"),
    of infusion `infusion` when one is given; `entries` come newest first."""
    for entry in entries:
        if entry.kind == "intention" and entry.text and entry.get("scope", "infusion") == scope:
            if infusion is None or entry.infusion == infusion:
                return entry
    return None


def first_reflections(entries: Iterable[Entry]) -> dict[int, Entry]:
    """Each infusion's first reflection: when it took place, as far as the journal tells."""
    first: dict[int, Entry] = {}
    for entry in entries:
        if entry.kind == "reflection" and entry.infusion is not None:
            known = first.get(entry.infusion)
            if known is None or entry.date < known.date:
                first[entry.infusion] = entry
    return first
