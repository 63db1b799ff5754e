"""Every sentence knows its moment: kept with each answer, shown, linked, and played back."""

from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

import pytest
from conftest import Run, heard_words, normalise, record_speaker, wer

from voiceguide.audio.clip import Audio
from voiceguide.hearing.phrases import moments_of
from voiceguide.journal import moments
from voiceguide.journal.entry import Answer, Entry, parse_markdown, render_markdown
from voiceguide.journal.export import to_text
from voiceguide.journal.moments import Moment


def _entry(**extra: object) -> Entry:
    return Entry(
        date=dt.datetime(2026, 11, 20, 18, 30, tzinfo=dt.UTC),
        kind="reflection",
        answers=(
            Answer(
                question="What did you see?",
                text="I saw the sea. Then my father, at the door.",
                audio="x-1.flac",
            ),
            Answer(question="Anything else?", heard=False),
        ),
        extra=tuple(extra.items()),
    )


def test_moments_tile_the_recording_from_the_phrases_heard() -> None:
    phrases = [("I saw the sea.", 4.0), ("", 2.5), ("Then my father, at the door.", 6.0)]
    assert moments_of(phrases) == (
        Moment(0.0, 4.0, "I saw the sea."),
        Moment(6.5, 12.5, "Then my father, at the door."),
    )


def test_moments_are_kept_in_the_entry_and_read_back() -> None:
    timed = moments.with_moments(
        _entry(), [[Moment(0.0, 4.0, "I saw the sea."), Moment(6.5, 12.5, "Then my father")], []]
    )
    again = parse_markdown(render_markdown(timed))
    assert moments.of(again) == [
        (Moment(0.0, 4.0, "I saw the sea."), Moment(6.5, 12.5, "Then my father")),
        (),
    ]


def test_an_entry_from_before_moments_or_with_damaged_ones_still_reads() -> None:
    assert moments.of(_entry()) == [(), ()]
    assert not moments.has_moments(_entry())
    damaged = _entry(moments=[[[1, "x", "words"], "nonsense", [3.0, 1.0, "backwards"]], 7])
    assert moments.of(damaged) == [(), ()]


def test_the_moment_holding_the_words_is_found() -> None:
    timed = moments.with_moments(
        _entry(),
        [[Moment(0.0, 4.0, "I saw the sea."), Moment(6.5, 12.5, "Then my father, at the door.")]],
    )
    assert moments.find(timed, "my father") == (
        0,
        Moment(6.5, 12.5, "Then my father, at the door."),
    )
    assert moments.find(timed, "THE SEA") == (0, Moment(0.0, 4.0, "I saw the sea."))
    assert moments.find(timed, "lighthouse") is None


def test_show_prints_when_each_part_was_said_and_keeps_corrections() -> None:
    timed = moments.with_moments(
        _entry(),
        [[Moment(0.0, 4.0, "I saw the sea."), Moment(66.5, 72.5, "Then my fatter.")]],
    )
    corrected = dataclasses.replace(
        timed,
        answers=(dataclasses.replace(timed.answers[0], text="I saw the sea. Then my father."),)
        + timed.answers[1:],
    )
    shown = to_text([corrected], times=True)
    assert "I saw the sea. Then my father." in shown  # the person's correction, as it is
    assert " 0:00  I saw the sea." in shown and " 1:06  Then my fatter." in shown
    assert "0:00" not in to_text([corrected])


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory, speech: Path) -> Path:
    """Real speech with two moments far apart: the JFK sentence, a pause, "one, two, three"."""
    jfk = Audio.load(speech / "jfk.flac").for_speech(16000)
    count = Audio.load(speech / "one_two_three.wav").for_speech(16000)
    path = tmp_path_factory.mktemp("clip") / "evening.wav"
    Audio.concat([jfk, Audio.silence(3.0, 16000), count]).save(path)
    return path


@pytest.mark.slow
def test_an_imported_recording_knows_its_moments_and_old_entries_get_them(
    run: Run, clip: Path
) -> None:
    assert run("journal", "import", str(clip), "--kind", "reflection").returncode == 0
    shown = run("journal", "show", "last", "--times")
    assert shown.returncode == 0, shown.stderr
    lines = [line.strip() for line in shown.stdout.splitlines()]
    counted = next(line for line in lines if "two" in normalise(line) and line[:1].isdigit())
    minutes, seconds = counted.split()[0].split(":")
    assert 12.5 <= int(minutes) * 60 + int(seconds) <= 14.5, shown.stdout  # said at 14 s
    assert any(line.startswith("0:00") for line in lines), shown.stdout

    # An entry kept before there were moments: retry --timestamps finds them again.
    [md] = (run.home / "journal").glob("*/*/*/*.md")
    entry = parse_markdown(md.read_text("utf-8"))
    md.write_text(render_markdown(moments.with_moments(entry, [[]])), "utf-8")
    assert not moments.has_moments(parse_markdown(md.read_text("utf-8")))
    retried = run("journal", "retry", "--timestamps")
    assert retried.returncode == 0, retried.stderr
    assert "Added the moments of 1 entries" in retried.stderr
    assert moments.of(parse_markdown(md.read_text("utf-8"))) == moments.of(entry)


@pytest.mark.devices
def test_play_at_plays_the_moment_the_words_were_said(
    run: Run, clip: Path, virtual_audio: None, tmp_path: Path
) -> None:
    assert run("journal", "import", str(clip), "--kind", "reflection").returncode == 0
    with record_speaker(tmp_path / "heard.wav") as heard:
        played = run("journal", "play", "last", "--at", "one two three")
    assert played.returncode == 0, played.stderr
    said = heard_words(Audio.load(heard))
    assert wer("one two three", said) == 0.0, said  # the moment, in their own voice
    assert "americans" not in said.lower() and "country" not in said.lower()
    assert "one two three" in " ".join(normalise(played.stdout))

    with record_speaker(tmp_path / "heard2.wav") as heard:
        played = run("journal", "play", "last", "--at", "ask not")
    assert played.returncode == 0, played.stderr
    said = heard_words(Audio.load(heard))
    assert "ask not" in said.lower() and "three" not in said.lower(), said

    missing = run("journal", "play", "last", "--at", "lighthouse")
    assert missing.returncode == 1 and "not found" in missing.stderr


def test_the_markdown_export_links_each_part_to_its_moment(tmp_path: Path) -> None:
    from voiceguide.journal.export import to_markdown_folder

    timed = moments.with_moments(
        dataclasses.replace(_entry(), id="2026-11-20-183000-reflection"),
        [[Moment(0.0, 4.0, "I saw the sea."), Moment(12.4, 18.0, "Then my father, at the door.")]],
    )
    to_markdown_folder([timed], tmp_path / "export", lambda entry, name: b"RIFF")
    [note] = [p for p in (tmp_path / "export").glob("*.md") if p.name != "index.md"]
    text = note.read_text("utf-8")
    assert "I saw the sea. Then my father, at the door." in text  # the answer, as kept
    assert "(audio/2026-11-20-x-1.flac#t=0.0) I saw the sea." in text
    assert "(audio/2026-11-20-x-1.flac#t=12.4) Then my father, at the door." in text
