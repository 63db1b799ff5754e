"""The journal beyond listing: show, play, search, edit, export, chart, recap, and its index."""

from __future__ import annotations

import datetime as dt
import json
import os
import stat
import sys
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile
from conftest import TESTS, Run, record_speaker, references, wer

from voiceguide.app import Voiceguide
from voiceguide.audio.clip import Audio
from voiceguide.engines.fakes import CollectingPlayer, ScriptedTranscriber, ToneSynthesizer
from voiceguide.journal.entry import Answer, Entry, entry_to_dict, parse_markdown, render_markdown
from voiceguide.journal.export import from_json
from voiceguide.journal.search import search
from voiceguide.journal.store import JournalStore
from voiceguide.settings import load_settings

DATA = TESTS / "data" / "journal"
NOW = dt.datetime.now().astimezone().replace(microsecond=0, hour=12, minute=0, second=0)


def tone(seconds: float, hz: float = 440.0) -> Audio:
    t = np.arange(int(seconds * 16000)) / 16000
    return Audio((0.3 * np.sin(2 * np.pi * hz * t)).astype(np.float32), 16000)


def entry(  # type: ignore[no-untyped-def]
    days: int, kind: str, *texts: str, infusion: int = 1, mood: int | None = None, **extra
):
    fields = tuple(extra.items()) + ((("mood", mood),) if mood is not None else ())
    return Entry(
        date=NOW - dt.timedelta(days=days) + dt.timedelta(minutes=30 if kind == "intention" else 0),
        kind=kind,
        answers=tuple(Answer(question=f"Question {i + 1}?", text=t) for i, t in enumerate(texts)),
        infusion=infusion,
        extra=fields,
    )


def fill(home: Path) -> JournalStore:
    store = JournalStore(home)
    plan = [
        (entry(20, "preparation", "I hope to let go of the fear.", mood=4), [tone(1.0)]),
        (
            entry(
                19,
                "reflection",
                "I saw the sea. It was blue and endless.",
                "I felt that my grandmother was there. I want to call my sister.",
                mood=6,
            ),
            [tone(1.5, 300), tone(2.0, 500)],
        ),
        (entry(18, "integration", "I went walking by the sea.", mood=7), [None]),
        (
            entry(5, "integration", "A calm day. Walked to the sea and back, sea air.", mood=8),
            [None],
        ),
        (
            entry(1, "reflection", "Colours, and my grandmother's garden.", infusion=2, mood=5),
            [tone(1.0)],
        ),
        (
            entry(1, "intention", "To be gentle with myself.", infusion=2, scope="going-forward"),
            [tone(2.5, 350)],
        ),
    ]
    for e, clips in plan:
        store.add(e, clips)
    return store


def app_for(home: Path) -> tuple[Voiceguide, CollectingPlayer, list[str]]:
    player = CollectingPlayer()
    shown: list[str] = []
    app = Voiceguide(
        load_settings(home=home),
        synthesizer=ToneSynthesizer(),
        player=player,
        transcriber=ScriptedTranscriber([]),
        stop=threading.Event(),
        show=shown.append,
        inform=lambda text: None,
    )
    return app, player, shown


# -- entry files: the source of truth, editable anywhere ------------------------------------------
def test_an_entry_edited_in_another_markdown_tool_is_read_correctly() -> None:
    """A byte-order mark, Windows line ends, a title and notes above the questions, more fields,
    a '---' inside the text: all read, and written back the same way (golden files)."""
    text = (DATA / "edited-elsewhere.md").read_text("utf-8")
    parsed = parse_markdown(text)
    expected = json.loads((DATA / "edited-elsewhere.json").read_text("utf-8"))
    assert entry_to_dict(parsed) == expected
    assert render_markdown(parsed) == (DATA / "edited-elsewhere.rendered.md").read_text("utf-8")
    assert parse_markdown(render_markdown(parsed)) == parsed


def test_the_index_follows_the_files(tmp_path: Path) -> None:
    store = fill(tmp_path)
    index = tmp_path / "journal" / ".index.json"
    first = list(store.entries())
    assert index.is_file() and stat.S_IMODE(index.stat().st_mode) == 0o600
    assert len(first) == 6 and first[0].kind == "intention"

    # Edited by hand in another tool: read again.
    path = store.path_of(first[-1].id)
    path.write_text(path.read_text("utf-8").replace("let go of the fear", "rest"), "utf-8")
    os.utime(path, ns=(path.stat().st_atime_ns, path.stat().st_mtime_ns + 1_000_000))
    assert list(store.entries())[-1].text == "I hope to rest."
    # A malformed file is reported by its path and skipped, also when the index remembers it.
    bad = path.with_name("090000-reflection.md")
    bad.write_text((DATA / "malformed.md").read_text("utf-8"))
    for _ in range(2):
        assert len(list(store.entries())) == 6
        assert [s.path for s in store.skipped] == [bad]
    # A file removed; a damaged index: both simply followed.
    bad.unlink()
    path.unlink()
    index.write_text("{not json")
    assert len(list(store.entries())) == 5 and store.skipped == []
    assert json.loads(index.read_text())["version"] >= 1


# -- show, play ------------------------------------------------------------------------------------
def test_show_by_id_day_time_and_last(run: Run) -> None:
    store = fill(run.home)
    newest = next(store.entries())
    shown = run("journal", "show", newest.id)
    assert shown.returncode == 0, shown.stderr
    assert "To be gentle with myself." in shown.stdout and f"id: {newest.id}" in shown.stdout
    assert run("journal", "show", "last").stdout == shown.stdout
    day = run("journal", "show", "yesterday")  # both entries of that day, oldest first
    assert day.stdout.index("grandmother's garden") < day.stdout.index("gentle with myself")
    at = (NOW - dt.timedelta(days=19)).strftime("%Y-%m-%d %H:%M")
    both = run("journal", "show", *at.split())  # as `journal list` prints it
    assert "Question 2?" in both.stdout and "call my sister" in both.stdout
    missing = run("journal", "show", "2020-01-01")
    assert missing.returncode == 1 and missing.stderr.startswith("voiceguide: No entry matches")
    assert "Traceback" not in missing.stderr


def test_play_gives_every_answer_in_order(tmp_path: Path) -> None:
    store = fill(tmp_path)
    app, player, shown = app_for(tmp_path)
    two = next(e for e in store.entries() if len(e.answers) == 2)
    app.play_entries(app.journal.resolve(two.id))
    [played] = player.played
    # 1.5 s at 300 Hz, a second's pause, 2.0 s at 500 Hz, a second's pause.
    assert played.duration == pytest.approx(1.5 + 1 + 2 + 1, abs=0.05)
    spectrum = lambda a: np.argmax(np.abs(np.fft.rfft(a.samples[:, 0]))) * a.rate / a.frames  # noqa: E731
    assert spectrum(played.slice(0.2, 1.3)) == pytest.approx(300, abs=5)
    assert spectrum(played.slice(2.7, 4.3)) == pytest.approx(500, abs=5)
    assert shown[1:] == ["  Question 1?", "  Question 2?"]


# -- search --------------------------------------------------------------------------------------
def test_search_needs_every_word_ranks_and_shows_the_line(tmp_path: Path) -> None:
    store = fill(tmp_path)
    entries = list(store.entries())
    hits = search(entries, "SEA")
    # The check-in that says "sea" three times in a few words comes first.
    assert [h.entry.date for h in hits][0] == NOW - dt.timedelta(days=5)
    assert len(hits) == 3
    both = search(entries, "grandmother sea")
    assert len(both) == 1 and both[0].line == "I saw the sea."
    assert {h.entry.kind for h in search(entries, "walk")} == {"integration"}  # walking, walked
    assert search(entries, "arden") == []  # inside "garden", but not a word of its own
    assert search(entries, "sea elephant") == []


def test_search_from_the_command_line(run: Run) -> None:
    fill(run.home)
    result = run("journal", "search", "Grandmother")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert len(lines) == 2
    assert "Colours, and my grandmother's garden." in lines[0]  # shorter entry, ranked first
    assert "I felt that my grandmother was there." in lines[1]
    none = run("journal", "search", "volcano")
    assert none.returncode == 0 and none.stdout == "" and "Nothing was found" in none.stderr


# -- edit ------------------------------------------------------------------------------------------
def editor_script(tmp_path: Path, body: str) -> str:
    script = tmp_path / "editor.py"
    script.write_text(f"import sys, pathlib\np = pathlib.Path(sys.argv[1])\n{body}\n")
    return f"{sys.executable} {script}"


def test_edit_keeps_the_machine_transcript_beside_the_correction(run: Run, tmp_path: Path) -> None:
    store = fill(run.home)
    target = next(e for e in store.entries() if e.kind == "preparation")
    fix = editor_script(tmp_path, "p.write_text(p.read_text().replace('fear', 'worry'))")
    result = run.with_env({"EDITOR": fix})("journal", "edit", target.id)
    assert result.returncode == 0, result.stderr
    edited = store.read(store.path_of(target.id))
    assert edited is not None and edited.text == "I hope to let go of the worry."
    assert edited.get("machine_transcript") == ["I hope to let go of the fear."]
    assert "corrected on" in run("journal", "show", target.id).stdout
    # A second correction keeps the first, machine-made transcript.
    fix2 = editor_script(tmp_path, "p.write_text(p.read_text().replace('worry', 'weight'))")
    assert run.with_env({"EDITOR": fix2})("journal", "edit", target.id).returncode == 0
    again = store.read(store.path_of(target.id))
    assert again is not None and again.text == "I hope to let go of the weight."
    assert again.get("machine_transcript") == ["I hope to let go of the fear."]
    assert not list((run.home / "tmp").iterdir())  # the text was not left behind

    # Removing a question changes nothing, and says why.
    before = store.path_of(target.id).read_bytes()
    drop = editor_script(tmp_path, "p.write_text('just text')")
    broken = run.with_env({"EDITOR": drop})("journal", "edit", target.id)
    assert broken.returncode == 1 and "nothing was changed" in broken.stderr
    assert store.path_of(target.id).read_bytes() == before
    # A day with several entries: which one is asked for.
    several = run.with_env({"EDITOR": fix})("journal", "edit", "yesterday")
    assert several.returncode == 1 and "2 entries match" in several.stderr


# -- export ----------------------------------------------------------------------------------------
def test_export_json_round_trips(run: Run, tmp_path: Path) -> None:
    store = fill(run.home)
    out = tmp_path / "journal.json"
    result = run("journal", "export", "--format", "json", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert from_json(out.read_text("utf-8")) == list(store.entries())
    data = json.loads(out.read_text("utf-8"))
    assert {"id", "date", "kind", "infusion", "mood", "duration", "answers", "text"} <= set(data[1])
    printed = run("journal", "export", "--format", "json", "--kind", "reflection")
    assert [e.kind for e in from_json(printed.stdout)] == ["reflection", "reflection"]


def test_export_markdown_folder_with_relative_audio_links(run: Run, tmp_path: Path) -> None:
    fill(run.home)
    out = tmp_path / "for-my-therapist"
    result = run("journal", "export", "--format", "md", "--out", str(out))
    assert result.returncode == 0, result.stderr
    notes = sorted(p for p in out.glob("*.md") if p.name != "index.md")
    assert len(notes) == 6
    links = 0
    for note in notes:
        text = note.read_text("utf-8")
        assert parse_markdown(text).answers  # any Markdown tool, and voiceguide, can read it
        for target in (
            line.split("](")[1].rstrip(")") for line in text.splitlines() if "](audio/" in line
        ):
            assert soundfile.info(str(out / target)).duration > 0.5
            links += 1
    assert links == 5
    assert all(f"]({n.name})" in (out / "index.md").read_text() for n in notes)
    again = run("journal", "export", "--format", "md", "--out", str(out))
    assert again.returncode == 1 and "already exists" in again.stderr


def test_export_text_for_printing(run: Run) -> None:
    fill(run.home)
    result = run("journal", "export", "--format", "txt", "--infusion", "2")
    assert result.returncode == 0, result.stderr
    assert "Reflection, " in result.stdout and "(infusion 2, mood 5)" in result.stdout
    assert "    Colours, and my grandmother's garden." in result.stdout
    assert "let go of the fear" not in result.stdout


# -- chart, recap ---------------------------------------------------------------------------------
def test_chart_draws_moods_with_infusions_marked(run: Run, tmp_path: Path) -> None:
    fill(run.home)
    out = tmp_path / "mood.png"
    result = run("journal", "chart", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    import matplotlib.image

    pixels = (matplotlib.image.imread(str(out))[:, :, :3] * 255).round().astype(int)
    assert pixels.shape[:2] == (600, 1200)
    colours = {tuple(p) for p in pixels.reshape(-1, 3)}
    for hex_colour in ("#0072B2", "#D55E00", "#009E73"):  # before, after, daily: all drawn
        rgb = tuple(int(hex_colour[i : i + 2], 16) for i in (1, 3, 5))
        assert rgb in colours, hex_colour
    empty = run.with_env({"VOICEGUIDE_HOME": str(tmp_path / "empty")})(
        "journal", "chart", "--out", str(tmp_path / "x.png")
    )
    assert empty.returncode == 1 and "no moods" in empty.stderr


def test_recap_gives_the_intention_in_their_voice_and_key_lines(tmp_path: Path) -> None:
    fill(tmp_path)
    app, player, shown = app_for(tmp_path)
    app.recap()
    words = " ".join(shown)
    assert "To be gentle with myself." in words
    assert "infusion 2" in words and "Colours, and my grandmother's garden." in words
    # The intention was played as recorded: the 2.5 s tone at 350 Hz.
    assert any(a.duration == pytest.approx(2.5, abs=0.01) for a in player.played)


def test_recap_with_nothing_to_recap_is_one_sentence(run: Run) -> None:
    result = run("recap")
    assert result.returncode == 1 and "nothing to recap" in result.stderr


@pytest.mark.devices
@pytest.mark.alone  # it hears the speaker in real time: beside the suite, its first 3 s were lost
def test_play_through_the_speaker_and_search_what_was_said(
    run: Run, speech: Path, virtual_audio: None, tmp_path: Path
) -> None:
    """A real recording filed and found by its words, then heard again from the speaker."""
    imported = run("journal", "import", str(speech / "jfk.flac"), "--kind", "reflection")
    assert imported.returncode == 0, imported.stderr
    found = run("journal", "search", "COUNTRY", "ask")
    assert found.returncode == 0 and len(found.stdout.splitlines()) == 1, found
    heard_file = tmp_path / "speaker.wav"
    with record_speaker(heard_file):
        played = run("journal", "play", "last")
    assert played.returncode == 0, played.stderr
    from voiceguide.engines.whisper import WhisperTranscriber

    heard = WhisperTranscriber.bundled().transcribe(Audio.load(heard_file))
    assert wer(references()["jfk.flac"], heard) <= 0.15, heard
