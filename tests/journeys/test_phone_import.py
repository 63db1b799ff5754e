"""Recordings from a phone, filed where they belong: each on the day it was spoken and under the
infusion under way then, once however often it is copied, from a folder or the inbox."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pytest
from conftest import Run, references, wer

from voiceguide.errors import UsageError
from voiceguide.journal.dates import parse_moment
from voiceguide.journal.entry import Entry
from voiceguide.journal.inbox import SETTLING_SECONDS, recorded_at, recordings_in


def _encode(source: Path, out: Path, *, created: str | None = None) -> Path:
    """`source` as a phone would save it (the codec chosen by `out`'s suffix)."""
    tags = ["-metadata", f"creation_time={created}"] if created else []
    subprocess.run(
        ["ffmpeg", "-nostdin", "-loglevel", "error", "-y", "-i", str(source), *tags, str(out)],
        check=True,
    )
    return out


def _entries(run: Run) -> list[Entry]:
    from voiceguide.app import Voiceguide
    from voiceguide.settings import load_settings

    return Voiceguide(load_settings(home=run.home)).journal.entries()


def _local(when: dt.datetime) -> dt.datetime:
    return when.astimezone().replace(microsecond=0)


def _settled() -> None:
    time.sleep(SETTLING_SECONDS + 0.5)


def test_a_folder_of_phone_recordings_lands_on_their_own_days_and_infusions_once_each(
    run: Run, speech: Path, tmp_path: Path
) -> None:
    """An m4a that says when it was recorded, an mp3 that does not (its file time is used), and
    a WAV copied twice: three entries, on their own dates and infusions, the copy passed over."""
    now = dt.datetime.now().astimezone().replace(microsecond=0)
    # Infusion 2 began today; infusion 1's reflection was three days ago.
    earlier = run(
        "journal", "import", str(speech / "one_two_three.wav"), "--kind", "reflection",
        "--date", f"{(now - dt.timedelta(days=3)):%Y-%m-%d} 10:00",
    )  # fmt: skip
    assert earlier.returncode == 0, earlier.stderr
    (run.home / "series.json").write_text(
        json.dumps({"infusion": 2, "started": now.isoformat()}) + "\n"
    )
    phone = tmp_path / "Voice Memos"
    phone.mkdir()
    clinic = (now - dt.timedelta(days=1)).replace(hour=11, minute=5, second=0)
    _encode(
        speech / "jfk.flac",
        phone / "Clinic.m4a",
        created=f"{clinic.astimezone(dt.UTC):%Y-%m-%dT%H:%M:%SZ}",
    )
    mp3 = _encode(speech / "jfk.flac", phone / "Evening.mp3")
    evening = (now - dt.timedelta(days=2)).replace(hour=21, minute=30, second=0)
    os.utime(mp3, (evening.timestamp(), evening.timestamp()))
    wav = _encode(speech / "one_two_three.wav", phone / "Today.wav")
    (phone / "Today_copy.wav").write_bytes(wav.read_bytes())
    (phone / ".Syncing.m4a.tmp").write_bytes(b"partial")  # a sync program's, hidden
    (phone / "notes.txt").write_text("not a recording\n")

    result = run("journal", "import", str(phone))
    assert result.returncode == 0, result.stderr
    assert "Clinic.m4a: filed" in result.stdout and "when it was recorded" in result.stdout
    assert "Evening.mp3: filed" in result.stdout and "the file's time" in result.stdout
    assert "Today_copy.wav: already in your journal" in result.stdout
    assert "4 recordings: 3 filed, 1 already in your journal." in result.stdout

    imported = {e.get("imported_from"): e for e in _entries(run) if e.kind == "memo"}
    assert set(imported) == {"Clinic.m4a", "Evening.mp3", "Today.wav"}
    assert imported["Clinic.m4a"].date == clinic and imported["Clinic.m4a"].infusion == 1
    assert imported["Evening.mp3"].date == evening and imported["Evening.mp3"].infusion == 1
    assert imported["Today.wav"].date.date() == now.date()
    assert imported["Today.wav"].infusion == 2
    assert wer(references()["jfk.flac"], imported["Clinic.m4a"].text) <= 0.15
    assert imported["Clinic.m4a"].get("dated_by") == "recording"
    assert imported["Evening.mp3"].get("dated_by") == "file"
    listed = run("journal", "list").stdout
    assert f"{clinic:%Y-%m-%d %H:%M}  memo" in listed and f"{evening:%Y-%m-%d %H:%M}" in listed

    again = run("journal", "import", str(phone))
    assert again.returncode == 0, again.stderr
    assert "4 recordings: 4 already in your journal." in again.stdout
    assert len(_entries(run)) == 4


def test_a_date_given_overrides_the_recording_and_keeps_its_hour(
    run: Run, speech: Path, tmp_path: Path
) -> None:
    memo = _encode(
        speech / "one_two_three.wav", tmp_path / "memo.m4a", created="2026-03-02T08:15:00Z"
    )
    result = run("journal", "import", str(memo), "--date", "2026-11-24 11:05")
    assert result.returncode == 0, result.stderr
    assert "(as given)" in result.stdout
    [entry] = _entries(run)
    assert entry.date == dt.datetime(2026, 11, 24, 11, 5).astimezone()
    bad = run("journal", "import", str(memo), "--date", "the other day")
    assert bad.returncode == 1 and "not a date voiceguide understands" in bad.stderr


def test_the_inbox_files_what_is_new_at_the_start_of_a_journey_but_not_what_is_arriving(
    run: Run, speech: Path, tmp_path: Path
) -> None:
    run.returning_user()
    inbox = tmp_path / "Sync" / "voice-memos"
    inbox.mkdir(parents=True)
    assert run("config", "set", "inbox", str(inbox)).returncode == 0
    _encode(speech / "jfk.flac", inbox / "first.m4a", created="2026-11-24T10:00:00Z")
    arriving = inbox / "second.mp3"
    _settled()
    # The second is still being copied while the journey starts: it grows a little at a time.
    whole = _encode(speech / "one_two_three.wav", tmp_path / "second.mp3").read_bytes()
    arriving.write_bytes(whole[: len(whole) // 2])
    copying = threading.Event()

    def copy_slowly() -> None:
        with arriving.open("ab") as f:
            while not copying.wait(0.5):
                f.write(b"\0")
                f.flush()

    copier = threading.Thread(target=copy_slowly)
    copier.start()
    journey = ("meditate", "--minutes", "1", "--out", str(tmp_path / "m.wav"))
    try:
        started = run(*journey)
    finally:
        copying.set()
        copier.join()
    assert started.returncode == 0, started.stderr
    assert "I filed a recording from your phone folder" in started.stderr + started.stdout
    assert [e.get("imported_from") for e in _entries(run)] == ["first.m4a"]

    arriving.write_bytes(whole)  # the copy is finished
    _settled()
    again = run(*journey)
    assert again.returncode == 0, again.stderr
    assert sorted(e.get("imported_from") for e in _entries(run)) == ["first.m4a", "second.mp3"]
    quiet = run(*journey)  # nothing new: nothing said
    assert "phone folder" not in quiet.stderr + quiet.stdout
    assert len(_entries(run)) == 2
    # The folder is only read: everything in it is as it was.
    assert sorted(p.name for p in inbox.iterdir()) == ["first.m4a", "second.mp3"]


def test_import_with_no_file_uses_the_inbox_or_says_how_to_set_one(
    run: Run, speech: Path, tmp_path: Path
) -> None:
    none = run("journal", "import")
    assert none.returncode == 1 and "config set inbox" in none.stderr
    inbox = tmp_path / "memos"
    inbox.mkdir()
    assert run("config", "set", "inbox", str(inbox)).returncode == 0
    _encode(speech / "one_two_three.wav", inbox / "a.ogg")
    filed = run("journal", "import")
    assert filed.returncode == 0 and "a.ogg: filed" in filed.stdout, filed.stderr
    assert run("config", "set", "inbox", str(tmp_path / "nowhere")).returncode == 1


def test_a_folder_import_killed_midway_files_each_recording_once_or_not_at_all(
    run: Run, speech: Path, tmp_path: Path
) -> None:
    phone = tmp_path / "phone"
    phone.mkdir()
    for n in range(4):
        _encode(speech / "jfk.flac", phone / f"memo{n}.m4a", created=f"2026-11-2{n}T10:00:00Z")
    proc = run.start("journal", "import", str(phone))
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and not list(run.home.glob("journal/*/*/*/*.md")):
        time.sleep(0.05)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    assert len(list(run.home.glob("journal/*/*/*/*.md"))) < 4  # killed before the end
    finished = run("journal", "import", str(phone))
    assert finished.returncode == 0, finished.stderr
    filed = [e.get("imported_from") for e in _entries(run)]
    assert sorted(filed) == [f"memo{n}.m4a" for n in range(4)]


def test_recordings_in_a_folder_and_their_dates(tmp_path: Path) -> None:
    (tmp_path / "a.M4A").write_bytes(b"x")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.opus").write_bytes(b"x")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "c.wav").write_bytes(b"x")
    (tmp_path / "d.pdf").write_bytes(b"x")
    assert recordings_in([tmp_path]) == [tmp_path / "a.M4A", tmp_path / "sub" / "b.opus"]
    assert recorded_at(tmp_path / "d.pdf") is None  # not a recording: no date from it


def test_a_day_and_a_time_of_day() -> None:
    today = dt.date(2026, 11, 25)
    assert parse_moment("2026-11-24 11:05", today) == (dt.date(2026, 11, 24), dt.time(11, 5))
    assert parse_moment("yesterday 9:30", today) == (dt.date(2026, 11, 24), dt.time(9, 30))
    assert parse_moment("monday", today) == (dt.date(2026, 11, 23), None)
    with pytest.raises(UsageError):
        parse_moment("yesterday 25:00", today)


def test_every_format_the_readme_names_is_filed(run: Run, speech: Path, tmp_path: Path) -> None:
    """The tested formats of README's "Recording on your phone", each heard."""
    folder = tmp_path / "phone"
    folder.mkdir()
    for suffix in ("m4a", "mp3", "ogg", "opus", "wav", "flac"):
        _encode(speech / "one_two_three.wav", folder / f"memo.{suffix}")
    result = run("journal", "import", str(folder))
    assert result.returncode == 0, result.stderr
    assert "6 recordings: 6 filed." in result.stdout
    for entry in _entries(run):
        assert wer(references()["one_two_three.wav"], entry.text) <= 0.34, entry
