"""Hostile inputs: damaged files, hand-edited journals, special paths. Each case reproduces a
defect found by an adversarial run (issue 15's numbering) and keeps it fixed."""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import stat
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import VOICEGUIDE, Run

from voiceguide.audio.clip import Audio
from voiceguide.journal.entry import Answer, Entry
from voiceguide.journal.store import JournalStore

RATE = 16000


def tone(seconds: float = 0.5) -> Audio:
    return Audio((0.1 * np.sin(np.arange(int(RATE * seconds)) / 5)).astype(np.float32), RATE)


def journal(
    run: Run, n: int = 2, *, pending: bool = False, audio: Audio | None = None
) -> JournalStore:
    run.returning_user()
    store = JournalStore(run.home)
    for i in range(n):
        entry = Entry(
            date=dt.datetime(2026, 11, 20 + i, 9, 30, tzinfo=dt.UTC),
            kind="reflection",
            answers=(Answer(question="How was it?", text=f"The sea, day {i}.", pending=pending),),
        )
        store.add(entry, [audio or tone()])
    return store


def entry_files(run: Run) -> list[Path]:
    return sorted((run.home / "journal").glob("*/*/*/*.md"))


def no_traceback(result: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in result.stderr and "something went wrong" not in result.stderr, (
        result.stderr
    )


# -- D5: damaged recordings ----------------------------------------------------------------------
def _capture(path: Path, rate: int, seconds: float, meta: dict) -> None:
    pcm = (tone(seconds).to_int16()[:, 0]).tobytes()
    header = struct.pack(
        "<4sI4s4sIHHIIHH4sI",
        b"RIFF", 36 + len(pcm), b"WAVE", b"fmt ", 16, 1, 1, rate, rate * 2, 2, 16,
        b"data", len(pcm),
    )  # fmt: skip
    path.write_bytes(header + pcm)
    path.with_suffix(".json").write_text(json.dumps({"rate": 16000, "kind": "memo", **meta}))


def test_damaged_recordings_are_repaired_or_set_aside_never_deleted_or_fatal(run: Run) -> None:
    run.returning_user()
    recordings = run.home / "recordings"
    recordings.mkdir(mode=0o700)
    zeroed = recordings / "2026-11-20-090000-memo.wav"
    _capture(zeroed, RATE, 1.0, {"session": "a"})
    with open(zeroed, "r+b") as f:
        f.write(b"\0\0\0\0")  # the header's first four bytes zeroed
    rate0 = recordings / "2026-11-20-090100-memo.wav"
    _capture(rate0, 0, 1.0, {"session": "b"})  # a header claiming sample rate 0
    valid = recordings / "2026-11-20-090200-memo.wav"
    _capture(valid, RATE, 1.0, {"session": "c"})
    stub = recordings / "2026-11-20-090300-memo.wav"
    stub.write_bytes(b"RIFF1234")  # too short to hold anything
    stub.with_suffix(".json").write_text("{}")

    # The lighter engine, as a setting: `journal list` files them at its start, with it.
    assert run("config", "set", "stt", "sphinx").returncode == 0
    listed = run("journal", "list")
    assert listed.returncode == 0, listed.stderr
    no_traceback(listed)
    # All three readable recordings are filed; the unreadable one is set aside and named.
    assert len(entry_files(run)) == 3
    assert (recordings / "damaged" / stub.name).exists() and str(stub.name) in listed.stderr
    for command in (("journal", "export", "--format", "json"), ("meditate", "--minutes", "2",
                    "--out", str(run.home.parent / "m.flac"))):  # fmt: skip
        result = run(*command)
        assert result.returncode == 0, result.stderr


# -- D6: a stray encrypted file in a plain journal -----------------------------------------------
def test_a_stray_encrypted_entry_is_named_and_skipped(run: Run, tmp_path: Path) -> None:
    store = journal(run)
    stray = entry_files(run)[0].with_name("120000-reflection.md.enc")
    stray.write_bytes(b"VGE1" + os.urandom(64))
    for args in (
        ("journal", "list"),
        ("journal", "search", "sea"),
        ("journal", "show", "last"),
        ("journal", "export", "--format", "json"),
        ("journal", "chart", "--out", str(tmp_path / "c.png")),
        ("journal", "retry"),
    ):
        result = run(*args)
        no_traceback(result)
        # (These entries have no moods, so the chart says so; everything else works.)
        assert result.returncode == 0 or "no moods" in result.stderr, (args, result.stderr)
    listed = run("journal", "list")
    assert len([line for line in listed.stdout.splitlines() if "reflection" in line]) == 2
    assert "120000-reflection.md" in listed.stderr
    assert store.root.exists()


def test_an_entry_named_with_an_impossible_time_is_named_and_skipped(run: Run) -> None:
    journal(run)
    good = entry_files(run)[0]
    odd = good.with_name("259977-memo.md")
    shutil.copy(good, odd)
    listed = run("journal", "list")
    no_traceback(listed)
    assert listed.returncode == 0, listed.stderr
    assert len([line for line in listed.stdout.splitlines() if "reflection" in line]) == 2
    assert "259977-memo.md" in listed.stderr


def test_a_yaml_alias_bomb_in_an_entry_is_named_and_skipped_at_once(run: Run) -> None:
    """600 bytes of front matter whose aliases would expand to billions of values: the entry is
    named and skipped in a moment; every other entry is listed (it used to hang every command
    at 2.7 GB)."""
    journal(run)
    lines = ["---", "kind: reflection", "lol0: &a0 [lol, lol, lol, lol, lol, lol, lol, lol, lol]"]
    lines += [f"lol{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    bomb = entry_files(run)[0].with_name("120000-reflection.md")
    bomb.write_text("\n".join([*lines, "---", "", "## Anything?", "", "Words.", ""]))
    for args in (("journal", "list"), ("journal", "search", "sea")):
        result = run(*args, timeout=60)
        no_traceback(result)
        assert result.returncode == 0, (args, result.stderr)
    listed = run("journal", "list")
    assert len([line for line in listed.stdout.splitlines() if "reflection" in line]) == 2
    assert "120000-reflection.md" in listed.stderr


def test_an_export_links_each_note_to_its_own_recording(run: Run, tmp_path: Path) -> None:
    """Two entries at the same time of day on different days have recordings of the same name
    in their own folders: the export keeps both, and each note plays its own."""
    run.returning_user()
    store = JournalStore(run.home)
    for day, seconds in ((20, 1.0), (21, 2.0)):
        entry = Entry(
            date=dt.datetime(2026, 11, day, 19, 30, tzinfo=dt.UTC),
            kind="reflection",
            answers=(Answer(question="How was it?", text=f"Day {day}."),),
        )
        store.add(entry, [tone(seconds)])
    out = tmp_path / "ex"
    result = run("journal", "export", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert len(list((out / "audio").iterdir())) == 2
    import soundfile

    notes = [n for n in out.glob("*.md") if n.name != "index.md"]
    assert len(notes) == 2
    for note in notes:
        text = note.read_text("utf-8")
        lines = text.splitlines()
        [link] = {line.split("](")[1].split(")")[0] for line in lines if "](audio/" in line}
        seconds = 1.0 if "Day 20." in text else 2.0
        assert soundfile.info(str(out / link)).duration == pytest.approx(seconds, abs=0.05)


# -- D7: retry goes on past a missing recording ---------------------------------------------------
def test_retry_goes_on_past_missing_audio_and_reports_it(run: Run) -> None:
    journal(run, 3, pending=True)
    first = sorted((run.home / "journal").glob("*/*/*/*.flac"))[0]
    first.unlink()
    result = run("journal", "retry", "--stt", "sphinx")
    assert result.returncode == 0, result.stderr
    assert result.stderr.count("Transcribed") == 2
    assert "Could not transcribe" in result.stderr and "2026-11-20" in result.stderr


# -- D8, D9: exports that meet damage or a full disk -----------------------------------------------
def test_an_encrypted_export_notes_a_damaged_recording_and_goes_on(
    run: Run, tmp_path: Path
) -> None:
    journal(run)
    env = {"VOICEGUIDE_PASSPHRASE": "pw"}
    assert run.with_env(env)("encrypt").returncode == 0
    damaged = sorted((run.home / "journal").glob("*/*/*/*.flac.enc"))[0]
    damaged.write_bytes(damaged.read_bytes()[:-20] + os.urandom(20))
    out = tmp_path / "exp"
    result = run.with_env(env)("journal", "export", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert len(list((out / "audio").iterdir())) == 1
    assert "could not be opened" in "".join(p.read_text() for p in out.glob("*.md"))


def test_an_export_to_a_full_disk_fails_plainly_and_leaves_nothing(
    run: Run, tmp_path: Path
) -> None:
    noise = np.random.default_rng(1).uniform(-0.5, 0.5, RATE * 4).astype(np.float32)
    journal(run, 3, audio=Audio(noise, RATE))  # noise does not compress: ~128 kB a recording
    small = tmp_path / "small"
    small.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(small)])
    assert mounted.returncode == 0, "tmpfs is needed for this test (CI runs as root)"
    try:
        out = small / "exp"
        result = run("journal", "export", "--out", str(out))
        assert result.returncode == 1 and "disk is full" in result.stderr, result.stderr
        assert "Exported" not in result.stderr
        assert not out.exists()
        (small / "filler").write_bytes(b"x" * 150_000)
        text = run("journal", "export", "--format", "json", "--out", str(small / "j.json"))
        assert "Errno" not in text.stderr and "System error" not in text.stderr
    finally:
        subprocess.run(["umount", "-l", str(small)], check=False)


# -- D10: names in entries -------------------------------------------------------------------------
def test_an_audio_name_that_leaves_the_entry_folder_is_refused_and_named(
    run: Run, tmp_path: Path
) -> None:
    journal(run, 2)
    secret = run.home.parent / "leak.txt"
    secret.write_text("not voiceguide's")
    md = entry_files(run)[0]
    text = md.read_text().replace(
        next(line for line in md.read_text().splitlines() if line.startswith("- ")),
        "- ../../../../../leak.txt",
    )
    md.write_text(text)
    out = tmp_path / "exp"
    result = run("journal", "export", "--out", str(out))
    assert "not in its folder" in result.stderr and md.name in result.stderr, result.stderr
    assert list(tmp_path.rglob("leak.txt")) == [secret]  # read nowhere, copied nowhere
    assert secret.read_text() == "not voiceguide's"


# -- D11, M8: the data folder ----------------------------------------------------------------------
@pytest.mark.slow
def test_a_data_folder_voiceguide_did_not_create_is_never_changed(tmp_path: Path) -> None:
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)
    result = Run(shared)("scripts", "list")
    assert result.returncode == 1 and "Other users can change" in result.stderr
    assert stat.S_IMODE(shared.stat().st_mode) == 0o1777
    readable = tmp_path / "readable"
    readable.mkdir()
    os.chmod(readable, 0o755)
    result = Run(readable)("scripts", "list")
    assert result.returncode == 0 and "other users can list" in result.stderr
    assert stat.S_IMODE(readable.stat().st_mode) == 0o755


def test_a_data_folder_that_is_a_file_or_closed_is_said_plainly(tmp_path: Path) -> None:
    afile = tmp_path / "afile"
    afile.write_text("x")
    result = Run(afile)("journal", "list")
    assert result.returncode == 1 and "is a file, not a folder" in result.stderr
    # A folder the person cannot enter, checked as an ordinary user (root enters anything).
    import tempfile

    closed = Path(tempfile.mkdtemp(prefix="vg-closed-"))
    try:
        os.chmod(closed, 0o755)
        inside = closed / "home"
        inside.mkdir(mode=0o700)  # root's, closed to nobody
        result = subprocess.run(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
             str(Path(sys.executable).parent / "voiceguide"), "--home", str(inside),
             "journal", "list"],
            capture_output=True, text=True, timeout=60, env={**os.environ, "HOME": str(closed)},
        )  # fmt: skip
        assert result.returncode == 1, result.stderr
        assert "Permission was denied" in result.stderr and "Errno" not in result.stderr
    finally:
        shutil.rmtree(closed, ignore_errors=True)


# -- D12, M10: where exports are written ---------------------------------------------------------
def test_exports_never_replace_links_devices_or_files_without_force(
    run: Run, tmp_path: Path
) -> None:
    journal(run)
    target = tmp_path / "target.txt"
    target.write_text("keep me")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    for out in (link, fifo, Path("/dev/full")):
        result = run("journal", "export", "--format", "txt", "--out", str(out))
        assert result.returncode == 1 and "regular" in result.stderr or "link" in result.stderr
    assert link.is_symlink() and stat.S_ISFIFO(fifo.lstat().st_mode)
    assert stat.S_ISCHR(Path("/dev/full").lstat().st_mode)
    assert target.read_text() == "keep me"
    for fmt in ("txt", "json"):
        refused = run("journal", "export", "--format", fmt, "--out", str(target))
        assert refused.returncode == 1 and "--force" in refused.stderr
        assert target.read_text() == "keep me"
    forced = run("journal", "export", "--format", "json", "--out", str(target), "--force")
    assert forced.returncode == 0 and json.loads(target.read_text())


# -- M12: links out of the data folder -----------------------------------------------------------
def test_a_linked_year_folder_is_never_followed(run: Run, tmp_path: Path) -> None:
    journal(run, 1)
    outside = tmp_path / "outside" / "11" / "25"
    outside.mkdir(parents=True)
    (outside / "093000-reflection.md").write_text("---\nkind: reflection\n---\n\n## Q\n\nmine\n")
    (run.home / "journal" / "2025").symlink_to(tmp_path / "outside")
    result = run.with_env({"VOICEGUIDE_PASSPHRASE": "pw"})("encrypt")
    assert result.returncode == 0, result.stderr
    assert (outside / "093000-reflection.md").read_text().startswith("---")
    assert not list((tmp_path / "outside").rglob("*.enc"))


# -- D14, M4: the index ----------------------------------------------------------------------------
def test_a_damaged_index_is_rebuilt_and_a_same_size_edit_is_seen(run: Run) -> None:
    journal(run)
    assert run("journal", "list").returncode == 0
    index = run.home / "journal" / ".index.json"
    data = json.loads(index.read_text())
    for rel in data["files"]:
        data["files"][rel] = {"bogus": 1}
    index.write_text(json.dumps(data))
    result = run("journal", "list")
    assert result.returncode == 0 and result.stdout.count("reflection") == 2, result.stderr
    # An edit that keeps the size and the modification time is still seen.
    md = entry_files(run)[-1]
    info = md.stat()
    md.write_text(md.read_text().replace("The sea", "The sky"))
    os.utime(md, ns=(info.st_atime_ns, info.st_mtime_ns))
    assert md.stat().st_size == info.st_size and md.stat().st_mtime_ns == info.st_mtime_ns
    assert "The sky" in run("journal", "list").stdout


def test_an_index_record_with_a_bad_value_is_read_again_from_its_file(
    run: Run, tmp_path: Path
) -> None:
    """Records with a value that is not what it says (`infusion: "abc"`, `date: "nope"`), their
    stamps unchanged: each entry is read again from its file, and every command works (list,
    search, show, themes, brief)."""
    journal(run)
    assert run("journal", "list").returncode == 0
    index = run.home / "journal" / ".index.json"
    data = json.loads(index.read_text())
    first, second = data["files"].values()
    first["entry"]["infusion"] = "abc"
    second["entry"]["date"] = "nope"
    index.write_text(json.dumps(data))
    for args in (
        ("journal", "list"),
        ("journal", "search", "sea"),
        ("journal", "show", "last"),
        ("themes",),
        ("brief", "--out", str(tmp_path / "b.pdf")),
    ):
        result = run(*args)
        no_traceback(result)
        assert result.returncode == 0, (args, result.stderr)
    assert run("journal", "list").stdout.count("reflection") == 2


def test_an_infinite_moment_is_ignored(run: Run, tmp_path: Path) -> None:
    """`moments: [[[.inf, .inf, ...]]]` written by hand: the moment is left out; showing the
    times, playing and exporting all work."""
    journal(run, 1)
    [md] = entry_files(run)
    text = md.read_text("utf-8")
    md.write_text(
        text.replace(
            "kind: reflection", "kind: reflection\nmoments: [[[.inf, .inf, 'The sea']]]", 1
        )
    )
    for args in (
        ("journal", "show", "last", "--times"),
        ("journal", "export", "--out", str(tmp_path / "ex")),
    ):
        result = run(*args)
        no_traceback(result)
        assert result.returncode == 0, (args, result.stderr)


def test_a_damaged_series_file_is_named_and_the_journal_decides_the_infusion(run: Run) -> None:
    """A damaged series.json used to reset the infusion under way to 1 without a word, and new
    entries were filed under it: it is set aside (kept), said once, and the latest infusion in
    the journal is the one under way."""
    store = journal(run, 1)
    [entry] = store.entries()
    md = store.path_of(entry.id)
    md.write_text(
        md.read_text("utf-8").replace("kind: reflection", "kind: reflection\ninfusion: 3", 1)
    )
    (run.home / "series.json").write_text('{"infusion": 4, "start')
    result = run("infusion", "show")
    no_traceback(result)
    assert result.returncode == 0 and result.stdout.strip() == "3", result
    assert "could not be read" in result.stderr and "series.json.damaged" in result.stderr
    assert (run.home / "series.json.damaged").read_text() == '{"infusion": 4, "start'
    again = run("infusion", "show")
    assert again.stdout.strip() == "3" and again.stderr == ""  # said once
    assert run("infusion", "next").returncode == 0
    assert run("infusion", "show").stdout.strip() == "4"


def test_a_damaged_settings_file_is_named_and_can_be_mended_with_config_set(run: Run) -> None:
    """One bad line in config.toml stopped every command, config set included. Now each
    command names it and goes on with the defaults; a bad value or an unknown setting is left
    out, the rest used; config set starts a new file and keeps the damaged one beside it."""
    run.returning_user()
    config = run.home / "config.toml"
    config.write_text('volume = 40\nvoice = "piper\n')  # an unclosed string
    for args in (("journal", "list"), ("config", "show")):
        result = run(*args)
        no_traceback(result)
        assert result.returncode == 0, (args, result.stderr)
        assert "cannot be read" in result.stderr and str(config) in result.stderr
    mended = run("config", "set", "volume", "40")
    assert mended.returncode == 0, mended.stderr
    assert "config.toml.damaged" in mended.stderr
    assert (run.home / "config.toml.damaged").read_text() == 'volume = 40\nvoice = "piper\n'
    shown = run("config", "show")
    assert "volume = 40" in shown.stdout and shown.stderr == ""
    config.write_text('volume = 400\nspeech_rate = 180\ncolour = "blue"\nstt = 3\n')
    shown = run("config", "show")
    assert shown.returncode == 0 and "speech-rate = 180" in shown.stdout, shown.stderr
    assert "volume = 100" in shown.stdout  # the default, for the value that cannot be
    for named in ("volume", "colour", "stt"):
        assert named in shown.stderr, (named, shown.stderr)


def test_a_brief_is_written_when_its_reader_stops_reading(run: Run, tmp_path: Path) -> None:
    """`voiceguide brief --out b.pdf | head -1`: the reader leaves after the first line, and the
    brief is still written (it used to stop at the next line printed)."""
    journal(run)
    out = tmp_path / "b.pdf"
    proc = subprocess.Popen(
        [str(VOICEGUIDE), "brief", "--out", str(out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, stdin=subprocess.DEVNULL,
        env={**run.env(), "PULSE_SERVER": "unix:/nonexistent"},
    )  # fmt: skip
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.readline()
    proc.stdout.close()  # as head does
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert out.read_bytes().startswith(b"%PDF") and "Traceback" not in err


def test_a_file_made_at_the_brief_path_meanwhile_is_kept(tmp_path: Path) -> None:
    """A file created at --out while the brief was being made was replaced without --force:
    it is kept, and the brief says why it was not written. What a brief killed while writing
    left beside it an hour ago (a hidden whole copy of the brief) is cleared; a fresh one, or a
    file of another shape, is not."""
    from voiceguide.fsutil import atomic_write_bytes, clear_stale_temps

    out = tmp_path / "b.pdf"
    old_copy = tmp_path / ".b.pdf.k2j4_x9q.tmp"
    fresh_copy = tmp_path / ".b.pdf.a1b2c3d4.tmp"
    theirs = tmp_path / ".b.pdf.notes.tmp"
    for path in (old_copy, fresh_copy, theirs):
        path.write_bytes(b"%PDF a brief")
    os.utime(old_copy, (0, 0))
    os.utime(theirs, (0, 0))
    clear_stale_temps(out)
    assert not old_copy.exists() and fresh_copy.exists() and theirs.exists()
    out.write_bytes(b"mine")  # appeared meanwhile
    with pytest.raises(FileExistsError):
        atomic_write_bytes(out, b"%PDF", overwrite=False)
    assert out.read_bytes() == b"mine"
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(
        [out.name, fresh_copy.name, theirs.name]
    )


def _on_a_terminal(run: Run, *args: str) -> bytes:
    """What `voiceguide ARGS` shows on a terminal, byte for byte."""
    import pty
    import select

    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [str(VOICEGUIDE), *args], stdin=follower, stdout=follower, stderr=follower,
        env=run.env(), close_fds=True,
    )  # fmt: skip
    os.close(follower)
    shown = b""
    while True:
        if select.select([leader], [], [], 1)[0]:
            try:
                more = os.read(leader, 65536)
            except OSError:
                break
            if not more:
                break
            shown += more
        elif proc.poll() is not None:
            break
    proc.wait(timeout=60)
    os.close(leader)
    return shown


def test_control_characters_in_an_entry_are_shown_not_obeyed_on_a_terminal(run: Run) -> None:
    """An escape sequence written into an entry by hand (or by a program) retitled and
    recoloured the terminal through `journal show` and `themes`: on a terminal it is shown as
    text; into a file or a pipe the words go exactly as they are."""
    store = journal(run, 2)
    trap = "The sea \x1b]0;owned\x07 and the \x1b[2J light \x9b1m again."
    for entry in store.entries():
        md = store.path_of(entry.id)
        md.write_text(md.read_text("utf-8").replace(entry.answers[0].text, trap, 1), "utf-8")
    for args in (("journal", "show", "last"), ("themes",), ("journal", "search", "sea")):
        shown = _on_a_terminal(run, *args)
        assert b"\x1b" not in shown and b"\x07" not in shown and "\x9b".encode() not in shown
        assert b"\\x1b]0;owned\\x07" in shown, (args, shown)
    piped = run("journal", "show", "last")
    assert "\x1b]0;owned\x07" in piped.stdout  # the words as they are, for a file


# -- D16: names that reach Markdown ----------------------------------------------------------------
def test_a_newline_in_an_imported_name_does_not_split_the_entry(
    run: Run, speech: Path, tmp_path: Path
) -> None:
    run.returning_user()
    odd = tmp_path / "memo\n## Made-up question\nanswer.wav"
    shutil.copy(speech / "one_two_three.wav", odd)
    result = run("journal", "import", str(odd), "--stt", "sphinx")
    assert result.returncode == 0, result.stderr
    [md] = entry_files(run)
    headings = [line for line in md.read_text().splitlines() if line.startswith("## ")]
    assert len(headings) == 1 and "Made-up question" in headings[0]


@pytest.mark.parametrize("minutes", ["0", "-1"])
def test_a_meditation_of_no_minutes_is_refused(run: Run, minutes: str, tmp_path: Path) -> None:
    run.returning_user()
    result = run("meditate", "--minutes", minutes, "--out", str(tmp_path / "m.wav"))
    assert result.returncode != 0 and not (tmp_path / "m.wav").exists()


# -- D13, M13, M6, M7: scripts people write ------------------------------------------------------
def test_repeated_includes_are_expanded_once_and_loops_are_named(run: Run) -> None:
    import time

    run.returning_user()
    scripts = run.home / "scripts"
    scripts.mkdir(mode=0o700)
    (scripts / "cc.txt").write_text("A line.\n" + "[include] cc\n" * 4)
    (scripts / "dd.txt").write_text("[title] D\n" + "[include] cc\n" * 8)
    start = time.monotonic()
    result = run("scripts", "check", str(scripts / "dd.txt"))
    assert time.monotonic() - start < 10
    assert result.returncode == 1 and "includes itself" in result.stderr + result.stdout
    assert (result.stderr + result.stdout).count("\n") < 40  # a few problems, not 262,144


def test_a_device_or_a_huge_file_is_not_read_as_a_script(run: Run, tmp_path: Path) -> None:
    run.returning_user()
    result = run("scripts", "check", "/dev/zero", timeout=20)
    assert result.returncode == 1 and "not a regular file" in result.stderr + result.stdout
    huge = tmp_path / "huge.txt"
    huge.write_text("[title] Huge\n" + "Breathe.\n" * 40_000)  # 360 KB
    result = run("scripts", "check", str(huge))
    assert result.returncode == 1 and "too large" in result.stderr + result.stdout
    many = tmp_path / "many.txt"
    many.write_text("[title] Many\n" + "Breathe.\n" * 2_500)
    result = run("meditate", "--script", str(many), "--out", str(tmp_path / "m.wav"), timeout=30)
    assert result.returncode != 0 and not (tmp_path / "m.wav").exists()


def test_a_script_that_is_not_utf8_is_named_with_its_line(run: Run, tmp_path: Path) -> None:
    run.returning_user()
    scripts = run.home / "scripts"
    scripts.mkdir(mode=0o700)
    (scripts / "latin.txt").write_bytes(b"[title] Latin\nOne line.\nCaf\xe9 au lait.\n")
    (scripts / "grounding.txt").write_bytes(b"[title] Mine\nCaf\xe9.\n")  # a broken override
    (scripts / "uses.txt").write_text("[title] Uses\n[include] latin\n")
    checked = run("scripts", "check", str(scripts / "latin.txt"))
    assert (
        "line 3" in checked.stdout + checked.stderr and "UTF-8" in checked.stdout + checked.stderr
    )
    uses = run("scripts", "check", str(scripts / "uses.txt"))
    out = uses.stdout + uses.stderr
    assert "latin" in out and "UTF-8" in out and "there is no script" not in out
    broken = run("meditate", "--out", str(tmp_path / "m.wav"))
    assert broken.returncode == 1 and "has a problem at it" not in broken.stderr
    assert "line 2" in broken.stderr, broken.stderr


# -- M1, M2, M3, M9: clearer messages ------------------------------------------------------------
def test_moods_outside_zero_to_ten_are_named_and_ignored(run: Run, tmp_path: Path) -> None:
    journal(run, 3)
    for md, mood in zip(entry_files(run), ("-5", "100000000000000000000", "7"), strict=True):
        md.write_text(md.read_text().replace("kind: reflection", f"kind: reflection\nmood: {mood}"))
    listed = run("journal", "list")
    assert "mood  7" in listed.stdout and "-5" not in listed.stdout and "1000" not in listed.stdout
    chart = run("journal", "chart", "--out", str(tmp_path / "c.png"))
    assert chart.returncode == 0 and "Drew 1 moods" in chart.stderr, chart.stderr
    assert chart.stderr.count("Left out the mood") == 2


def test_a_pending_transcript_is_listed_as_pending(run: Run) -> None:
    journal(run, 1, pending=True)
    assert "(transcript pending)" in run("journal", "list").stdout


def test_an_unreadable_entry_says_permission_is_denied(tmp_path: Path) -> None:
    """Read as an ordinary user (root reads anything): the entry is named, and why."""
    import tempfile

    home = Path(tempfile.mkdtemp(prefix="vg-nobody-")) / "home"
    try:
        run = Run(home)
        journal(run, 2)
        subprocess.run(["chown", "-R", "nobody:nogroup", str(home.parent)], check=True)
        md = entry_files(run)[0]
        os.chmod(md, 0)
        result = subprocess.run(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
             str(Path(sys.executable).parent / "voiceguide"), "journal", "list"],
            env={**run.env(), "HOME": str(home.parent)},
            capture_output=True, text=True, timeout=60,
        )  # fmt: skip
        assert result.returncode == 0, result.stderr
        assert md.name in result.stderr and "ermission" in result.stderr, result.stderr
        assert "damaged" not in result.stderr
    finally:
        shutil.rmtree(home.parent, ignore_errors=True)


def test_an_unreadable_recording_is_said_to_be_unreadable_not_damaged(speech: Path) -> None:
    """A recording the person may not read was called "not an audio file or damaged"."""
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="vg-nobody-"))
    try:
        closed = folder / "memo.flac"
        shutil.copy(speech / "jfk.flac", closed)
        subprocess.run(["chown", "-R", "nobody:nogroup", str(folder)], check=True)
        os.chmod(closed, 0)
        result = subprocess.run(
            ["setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups",
             str(VOICEGUIDE), "--home", str(folder / "home"), "transcribe", str(closed)],
            env={**os.environ, "HOME": str(folder)}, capture_output=True, text=True, timeout=120,
        )  # fmt: skip
        assert result.returncode == 1
        assert "cannot be read (permission was denied)" in result.stderr, result.stderr
        assert "damaged" not in result.stderr
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_a_file_size_limit_is_named_not_a_system_error(run: Run, speech: Path) -> None:
    """Under `ulimit -f`, filing a recording said only "System error."."""
    run.returning_user()
    result = subprocess.run(
        ["sh", "-c", f'ulimit -f 40; exec "{VOICEGUIDE}" journal import "{speech / "jfk.flac"}"'],
        env=run.env(), capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 1
    assert "size this system allows" in result.stderr, result.stderr
    assert "System error" not in result.stderr and "Traceback" not in result.stderr


def test_config_set_checks_values_and_takes_every_documented_setting(run: Run) -> None:
    run.returning_user()
    bad = run("config", "set", "ambient", "jungle")
    assert bad.returncode == 1 and "no ambient sound called 'jungle'" in bad.stderr
    for key, value in (("max_seconds", "900"), ("wait_seconds", "30"), ("input_device", "2"),
                       ("pause", "15"), ("after_check", "20")):  # fmt: skip
        done = run("config", "set", key, value)
        assert done.returncode == 0, (key, done.stderr)
    shown = run("config", "show").stdout
    assert (
        "max-seconds = 900.0" in shown and "input-device = 2" in shown and "pause = 15.0" in shown
    )


def test_audio_written_to_a_full_disk_says_the_disk_is_full(tmp_path: Path) -> None:
    from voiceguide.errors import DiskFullError

    small = tmp_path / "small"
    small.mkdir()
    assert (
        subprocess.run(["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(small)]).returncode
        == 0
    )
    try:
        noise = np.random.default_rng(2).uniform(-0.5, 0.5, RATE * 10).astype(np.float32)
        with pytest.raises(DiskFullError, match="disk is full") as raised:
            Audio(noise, RATE).save(small / "big.flac")
        assert str(small / "big.flac") in raised.value.message
    finally:
        subprocess.run(["umount", "-l", str(small)], check=False)
