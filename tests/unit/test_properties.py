"""Property-based tests (Hypothesis) for everything people can edit by hand or pass in: entry
Markdown, session scripts, date phrases, settings, and file names."""

from __future__ import annotations

import datetime as dt
import string
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from voiceguide.errors import ScriptError, UsageError, VoiceguideError
from voiceguide.guidance.parser import check, parse
from voiceguide.journal.dates import parse_day
from voiceguide.journal.entry import (
    Answer,
    Entry,
    check_audio_name,
    one_line,
    parse_markdown,
    render_markdown,
)
from voiceguide.settings import PERSISTED

#: Words people say: letters, digits, punctuation and spaces, any script, no control characters.
spoken = (
    st.text(
        st.characters(blacklist_categories=("Cc", "Cs", "Zl", "Zp"), blacklist_characters="\x85"),
        min_size=1,
        max_size=80,
    )
    .map(lambda s: " ".join(s.split()))
    .filter(bool)
)
#: What a person might type anywhere: anything at all.
anything = st.text(max_size=200)


def _answer_text(text: str) -> str:
    # A transcript is one paragraph of words; a line may not begin a Markdown heading.
    return text.lstrip("#*").strip() or "words"


entries = st.builds(
    lambda when, kind, infusion, answers, mood: Entry(
        date=when,
        kind=kind,
        answers=tuple(answers),
        infusion=infusion,
        extra=(("mood", mood),) if mood is not None else (),
    ),
    when=st.datetimes(
        min_value=dt.datetime(2000, 1, 1),
        max_value=dt.datetime(2100, 1, 1),
        timezones=st.just(dt.UTC),
    ).map(lambda d: d.replace(microsecond=0)),
    kind=st.sampled_from(["reflection", "preparation", "integration", "intention", "memo"]),
    infusion=st.none() | st.integers(1, 1000),
    answers=st.lists(
        st.builds(
            lambda q, t, heard: Answer(
                question=q, text=_answer_text(t) if heard else "", heard=heard
            ),
            spoken,
            spoken,
            st.booleans(),
        ),
        min_size=1,
        max_size=4,
    ),
    mood=st.none() | st.integers(0, 10),
)


@given(entries)
@settings(max_examples=150, deadline=None)
def test_an_entry_survives_markdown_and_back(entry: Entry) -> None:
    back = parse_markdown(render_markdown(entry))
    assert back.kind == entry.kind and back.infusion == entry.infusion
    assert back.date == entry.date and back.get("mood") == entry.get("mood")
    assert [a.question for a in back.answers] == [one_line(a.question) for a in entry.answers]
    assert [a.text for a in back.answers] == [a.text for a in entry.answers]
    assert [a.heard for a in back.answers] == [a.heard for a in entry.answers]


@given(st.text(max_size=60), st.text(max_size=60))
@settings(max_examples=200, deadline=None)
def test_any_question_stays_one_heading(question: str, text: str) -> None:
    """A question (a file name, say) can never add sections to an entry."""
    entry = Entry(
        date=dt.datetime(2026, 11, 20, tzinfo=dt.UTC),
        kind="memo",
        answers=(Answer(question=question or "Q", text=_answer_text(one_line(text))),),
    )
    rendered = render_markdown(entry)
    assert len(parse_markdown(rendered).answers) == 1


@given(anything)
@settings(max_examples=300, deadline=None)
def test_hand_edited_markdown_is_read_or_refused_in_one_sentence(text: str) -> None:
    try:
        parse_markdown(text)
    except VoiceguideError as exc:
        assert "\n" not in exc.message


@given(st.text(alphabet=string.printable + "./\\ \x00é", max_size=40))
@settings(max_examples=300, deadline=None)
def test_an_audio_name_accepted_stays_in_its_folder(name: str) -> None:
    folder = Path("/journal/2026/11/20")
    try:
        check_audio_name(name)
    except VoiceguideError:
        return
    target = (folder / name).resolve()
    assert target.parent == folder and target.name == name


@given(anything)
@settings(max_examples=300, deadline=None)
def test_one_line_never_breaks_a_line(text: str) -> None:
    line = one_line(text)
    assert "\n" not in line and "\r" not in line and line == line.strip()
    assert not any(ord(c) < 32 for c in line)


script_lines = st.lists(
    st.one_of(
        spoken,
        st.sampled_from(
            [
                "[pause 5s]",
                "[pause x]",
                "[bell]",
                "[breathe in 4]",
                "[listen] Why?",
                "[mood] 0-10?",
                "[include] other",
                "[include] ../x",
                "[title] T",
                "[minutes] 5",
                "[offer intention] Y?",
                "[if-little] ok",
                "[daily] a | b",
                "[unknown]",
                "[",
                "]",
                "# note",
                "[longer]",
            ]
        ),  # fmt: skip
    ),
    max_size=30,
).map("\n".join)


@given(script_lines | anything)
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_a_script_parses_or_lists_its_problems(text: str) -> None:
    texts = {"other": "[include] other\nHello.\n"}
    resolve = lambda n: (texts[n], n) if n in texts else None  # noqa: E731
    problems = check(text, "mine", include=resolve)
    try:
        parse(text, "mine", include=resolve)
    except ScriptError as exc:
        assert exc.problems == problems
    else:
        assert problems == []


@given(anything)
@settings(max_examples=500, deadline=None)
def test_a_date_phrase_is_a_day_or_one_clear_sentence(phrase: str) -> None:
    try:
        day = parse_day(phrase, dt.date(2026, 11, 26))
    except UsageError as exc:
        assert "\n" not in exc.message
    else:
        assert isinstance(day, dt.date)


@given(
    st.integers(min_value=0, max_value=10**30), st.sampled_from(["day", "week", "month", "year"])
)
@settings(max_examples=200, deadline=None)
def test_any_count_of_days_ago_is_a_day_or_refused(count: int, unit: str) -> None:
    try:
        parse_day(f"{count} {unit}s ago", dt.date(2026, 11, 26))
    except UsageError:
        pass


toml_values = st.one_of(
    st.integers(-(10**20), 10**20),
    st.floats(allow_nan=True, allow_infinity=True),
    st.booleans(),
    st.text(max_size=20),
    st.lists(st.integers(), max_size=3),
)


@given(
    key=st.sampled_from([*PERSISTED, "voice_commands", "bogus"]),
    value=toml_values,
)
@settings(
    max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
def test_any_setting_in_the_config_file_is_taken_or_refused_plainly(
    key: str, value: object, tmp_path: Path
) -> None:
    import json

    from voiceguide.settings import load_settings

    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    if isinstance(value, str):
        literal = json.dumps(value)
    elif isinstance(value, bool):
        literal = "true" if value else "false"
    elif isinstance(value, float):
        literal = (
            "nan"
            if value != value
            else ("inf" if value > 0 else "-inf")
            if abs(value) == float("inf")
            else repr(value)
        )
    else:
        literal = json.dumps(value)
    (home / "config.toml").write_text(f"{key} = {literal}\n")
    try:
        load_settings(home=str(home))
    except UsageError as exc:
        assert "\n" not in exc.message


@pytest.mark.parametrize("name", ["a/b.flac", "../x.flac", ".hidden.flac", "x\n.flac", ""])
def test_names_that_leave_the_folder_are_refused(name: str) -> None:
    with pytest.raises(VoiceguideError):
        check_audio_name(name)


# -- front matter as a person or a program might leave it ---------------------------------------
_scalar = st.one_of(
    st.integers(-(10**12), 10**12).map(str),
    st.sampled_from([".inf", "-.inf", ".nan", "1e999", "0x1F", "true", "no", "null", "~", "''"]),
    st.sampled_from(["2026-11-20", "2026-11-20T09:30:00+00:00", "nope", "abc", "9:30"]),
    st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=12).map(
        lambda s: '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'
    ),
)
_value = st.recursive(
    _scalar,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4).map(lambda xs: "[" + ", ".join(xs) + "]"),
        st.dictionaries(st.sampled_from(["a", "b", "c"]), inner, max_size=3).map(
            lambda d: "{" + ", ".join(f"{k}: {v}" for k, v in d.items()) + "}"
        ),
    ),
    max_leaves=8,
)
_keys = st.sampled_from(
    ["date", "kind", "infusion", "mood", "duration", "engine", "audio", "moments", "confirmed",
     "scope", "transcript", "notes", "x", "lol"]
)  # fmt: skip


@st.composite
def _front_matter_texts(draw: st.DrawFn) -> str:
    lines = [f"{key}: {draw(_value)}" for key in draw(st.lists(_keys, max_size=8))]
    if draw(st.booleans()):  # aliases, nested: at most 9 deep and 9 wide, as a bomb is made
        depth, width = draw(st.integers(1, 9)), draw(st.integers(1, 9))
        lines.append(f"a0: &a0 [{', '.join(['x'] * width)}]")
        for level in range(1, depth + 1):
            lines.append(f"a{level}: &a{level} [{', '.join([f'*a{level - 1}'] * width)}]")
        key = draw(_keys)
        lines.append(f"{key}: *a{depth}")
    if draw(st.booleans()):
        lines.insert(0, "kind: reflection")
    return "---\n" + "\n".join(lines) + "\n---\n\n## How was it?\n\nThe sea.\n"


@given(_front_matter_texts())
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_any_front_matter_is_read_as_a_sound_entry_or_refused_in_one_sentence(text: str) -> None:
    """Aliases, values of every type, infinities and dates that are not dates: an entry comes
    back with values of the types it promises, or the file is refused in one sentence (and
    then named and skipped by the journal); nothing else escapes, nothing hangs."""
    try:
        entry = parse_markdown(text, date=dt.datetime(2026, 11, 20, tzinfo=dt.UTC))
    except VoiceguideError as exc:
        assert "\n" not in exc.message
        return
    assert isinstance(entry.kind, str)
    assert entry.infusion is None or isinstance(entry.infusion, int)
    assert isinstance(entry.duration, float) and entry.duration == entry.duration  # not NaN
    assert all(a.audio is None or isinstance(a.audio, str) for a in entry.answers)
    render_markdown(entry)  # and it can be written back


_json = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=12),
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=6), inner, max_size=3)
    ),
    max_leaves=6,
)


@given(
    st.fixed_dictionaries(
        {},
        optional={
            "date": st.sampled_from(["2026-11-20T09:30:00+00:00", "nope", ""]) | _json,
            "kind": _json,
            "infusion": _json,
            "duration": _json,
            "engine": _json,
            "answers": st.lists(
                st.fixed_dictionaries(
                    {"question": _json}, optional={"text": _json, "audio": _json}
                ),
                max_size=3,
            )
            | _json,
            "mood": _json,
        },
    )
)
@settings(max_examples=300, deadline=None)
def test_any_index_record_is_an_entry_or_refused(record: dict) -> None:  # type: ignore[type-arg]
    """A record of the journal's index, damaged or edited: a sound entry, or JournalError (the
    entry is then read again from its own file); never another exception."""
    from voiceguide.errors import JournalError
    from voiceguide.journal.entry import entry_from_dict

    try:
        entry = entry_from_dict(record)
    except JournalError:
        return
    assert entry.infusion is None or isinstance(entry.infusion, int)
    assert all(a.audio is None or isinstance(a.audio, str) for a in entry.answers)
    render_markdown(entry)
