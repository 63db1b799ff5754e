"""Crash consistency: every multi-file operation killed (SIGKILL) after each of its file-system
steps, then the next start must leave the journal whole, readable and, when encrypted, without
plaintext. The kill comes from tests/crashpoint/sitecustomize.py (VG_CRASH_AT=N)."""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import TESTS, VOICEGUIDE

from voiceguide.audio.clip import Audio
from voiceguide.journal.entry import Answer, Entry
from voiceguide.journal.store import JournalStore

#: Each runs the installed command once for every file-system step it takes.
pytestmark = pytest.mark.slow

CRASHPOINT = TESTS / "crashpoint"
ENTRIES = 3
PASS = "correct horse"


def make_journal(home: Path) -> None:
    """A small journal: entries with audio, an index, the notice already heard."""
    home.mkdir(mode=0o700, parents=True)
    (home / "notice-acknowledged").write_text("2026-01-01T00:00:00+00:00\n")
    store = JournalStore(home)
    tone = Audio((0.1 * np.sin(np.arange(8000) / 5)).astype(np.float32), 16000)
    for i in range(ENTRIES):
        when = dt.datetime(2026, 11, 20 + i, 9, 30, tzinfo=dt.UTC)
        entry = Entry(
            date=when,
            kind="reflection",
            answers=(Answer(question="How was it?", text=f"I saw the sea, day {i}."),),
            infusion=1,
        )
        store.add(entry, [tone])
    list(store.entries())  # builds the index (it holds the transcripts)


def voiceguide(home: Path, *args: str, crash_at: int = 0, count: Path | None = None, **env: str):  # type: ignore[no-untyped-def]
    environment = {
        **os.environ,
        "VOICEGUIDE_HOME": str(home),
        "VOICEGUIDE_PASSPHRASE": PASS,
        **env,
    }
    if crash_at or count:
        environment["PYTHONPATH"] = str(CRASHPOINT)
        environment["VG_CRASH_AT"] = str(crash_at)
        if count is not None:
            environment["VG_CRASH_COUNT"] = str(count)
    return subprocess.run(
        [str(VOICEGUIDE), *args],
        env=environment,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )


def steps_of(template: Path, tmp_path: Path, *args: str) -> int:
    """How many file-system steps an uninterrupted run of the command takes."""
    home = tmp_path / "count"
    shutil.copytree(template, home)
    counter = tmp_path / "steps"
    done = voiceguide(home, *args, count=counter)
    assert done.returncode == 0, done.stderr
    shutil.rmtree(home)
    return int(counter.read_text())


def killed_at_every_step(
    template: Path, tmp_path: Path, *args: str, reset: Callable[[], None] = lambda: None
) -> Iterator[tuple[int, Path]]:
    """For each file-system step of the command: a copy of `template`, the command killed
    right after that step; yields (step, data folder) and removes the copy afterwards."""
    total = steps_of(template, tmp_path, *args)
    for n in range(1, total + 1):
        home = tmp_path / f"h{n}"
        shutil.copytree(template, home)
        reset()
        killed = voiceguide(home, *args, crash_at=n)
        assert killed.returncode == -9, (n, killed.stderr)
        yield n, home
        shutil.rmtree(home)


def plaintext(home: Path) -> list[Path]:
    """Readable journal content in a data folder that should hold none."""
    journal = home / "journal"
    found = [p for p in journal.rglob("*") if p.is_file() and p.suffix in (".md", ".flac")]
    found += [p for p in journal.rglob("*.tmp")]
    found += [journal / ".index.json"] if (journal / ".index.json").exists() else []
    found += list((home / "tmp").glob("edit-*")) if (home / "tmp").is_dir() else []
    return found


def listed(home: Path) -> list[str]:
    done = voiceguide(home, "journal", "list")
    assert done.returncode == 0, done.stderr
    return [line for line in done.stdout.splitlines() if "reflection" in line]


@pytest.fixture(scope="module")
def plain_journal(tmp_path_factory: pytest.TempPathFactory) -> Path:
    home = tmp_path_factory.mktemp("plain") / "home"
    make_journal(home)
    return home


@pytest.fixture(scope="module")
def encrypted_journal(tmp_path_factory: pytest.TempPathFactory, plain_journal: Path) -> Path:
    home = tmp_path_factory.mktemp("sealed") / "home"
    shutil.copytree(plain_journal, home)
    done = voiceguide(home, "encrypt")
    assert done.returncode == 0, done.stderr
    return home


def test_encrypt_killed_at_every_step_is_finished_on_the_next_start(
    plain_journal: Path, tmp_path: Path
) -> None:
    for n, home in killed_at_every_step(plain_journal, tmp_path, "encrypt"):
        # The next start (any command) finishes the change, or undoes it if nothing had begun.
        assert len(listed(home)) == ENTRIES, n
        if (home / "encryption.json").exists():
            assert plaintext(home) == [], n
            assert not (home / "encryption-change.json").exists()
            again = voiceguide(home, "encrypt")
            assert "already encrypted" in again.stderr, (n, again.stderr)


def test_decrypt_killed_at_every_step_is_finished_on_the_next_start(
    encrypted_journal: Path, tmp_path: Path
) -> None:
    for n, home in killed_at_every_step(encrypted_journal, tmp_path, "decrypt"):
        assert voiceguide(home, "recover").returncode == 0
        assert len(listed(home)) == ENTRIES, n
        sealed = list((home / "journal").rglob("*.enc"))
        assert sealed == [] or (home / "encryption.json").exists(), n


def test_import_into_an_encrypted_journal_killed_at_every_step_leaves_no_plaintext(
    encrypted_journal: Path, tmp_path: Path, speech: Path
) -> None:
    memo = speech / "one_two_three.wav"
    args = ("journal", "import", str(memo), "--stt", "sphinx")
    for n, home in killed_at_every_step(encrypted_journal, tmp_path, *args):
        assert len(listed(home)) in (ENTRIES, ENTRIES + 1), n
        assert plaintext(home) == [], (n, plaintext(home))


def test_a_wrong_passphrase_stops_an_import_before_anything_is_written(
    encrypted_journal: Path, tmp_path: Path, speech: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(encrypted_journal, home)
    before = sorted(p.relative_to(home) for p in home.rglob("*"))
    for passphrase in ("wrong", ""):
        done = voiceguide(
            home,
            "journal",
            "import",
            str(speech / "one_two_three.wav"),
            VOICEGUIDE_PASSPHRASE=passphrase,
        )
        assert done.returncode == 1 and "Traceback" not in done.stderr, done.stderr
        assert plaintext(home) == []
        after = sorted(p.relative_to(home) for p in home.rglob("*") if "recordings" not in p.parts)
        assert after == [b for b in before if "recordings" not in b.parts]


def test_an_edit_killed_with_its_editor_open_leaves_no_plaintext(
    encrypted_journal: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(encrypted_journal, home)
    # The "editor" kills voiceguide (its parent) while the plaintext copy is open in it.
    killed = voiceguide(home, "journal", "edit", "last", EDITOR="sh -c 'kill -9 $PPID'")
    assert killed.returncode == -9, killed.stderr
    assert list((home / "tmp").glob("edit-*.md")), "the copy an editor sees is plaintext"
    assert len(listed(home)) == ENTRIES  # the next start removes it
    assert plaintext(home) == []


def test_an_import_that_races_encrypt_is_encrypted(
    plain_journal: Path, tmp_path: Path, speech: Path
) -> None:
    """The import decides under the lock whether the journal is encrypted."""
    home = tmp_path / "home"
    shutil.copytree(plain_journal, home)
    env = {**os.environ, "VOICEGUIDE_HOME": str(home), "VOICEGUIDE_PASSPHRASE": PASS}
    importing = subprocess.Popen(
        [str(VOICEGUIDE), "journal", "import", str(speech / "jfk.flac"), "--stt", "sphinx"],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    encrypted = voiceguide(home, "encrypt")
    out, err = importing.communicate(timeout=120)
    assert encrypted.returncode == 0 and importing.returncode == 0, (encrypted.stderr, err)
    assert voiceguide(home, "recover").returncode == 0
    assert plaintext(home) == []
    assert len(listed(home)) == ENTRIES  # the reflections, and the memo beside them:
    memos = voiceguide(home, "journal", "list", "--kind", "memo")
    assert memos.returncode == 0 and len(memos.stdout.splitlines()) == 1, memos.stderr


def _unfinished(home: Path, sessions: int) -> None:
    """Recordings a crash left behind: `sessions` sessions of two answers each."""
    import json
    import wave

    recordings = home / "recordings"
    recordings.mkdir(mode=0o700)
    pcm = (0.1 * np.sin(np.arange(16000) / 5) * 32767).astype("<i2").tobytes()
    for s in range(sessions):
        for i in range(2):
            path = recordings / f"2026-11-2{s}-0930{i}0-reflection.wav"
            with wave.open(str(path), "wb") as w:
                w.setnchannels(1)
                w.setsampwidth(2)
                w.setframerate(16000)
                w.writeframes(pcm)
            meta = {"rate": 16000, "kind": "reflection", "session": f"s{s}", "index": i,
                    "question": f"Question {i}?", "started": 1795600000 + s}  # fmt: skip
            path.with_suffix(".json").write_text(json.dumps(meta))


def test_recover_killed_at_every_step_files_each_session_exactly_once(
    plain_journal: Path, tmp_path: Path
) -> None:
    template = tmp_path / "template"
    shutil.copytree(plain_journal, template)
    _unfinished(template, 2)
    for n, home in killed_at_every_step(template, tmp_path, "recover"):
        assert voiceguide(home, "recover").returncode == 0
        assert len(listed(home)) == ENTRIES + 2, (n, listed(home))
        assert not list((home / "recordings").glob("*.wav")), n
        assert not orphans(home), (n, orphans(home))  # a recording filed twice, once unseen


def orphans(home: Path) -> list[Path]:
    """Recordings in the journal that no entry points at (`HHMMSS-kind-N.flac` beside no
    `HHMMSS-kind.md`): what a filing killed between its audio and its entry used to leave."""
    import re

    found = []
    for audio in (home / "journal").rglob("*.flac*"):
        stem = re.sub(r"-\d+\.flac(\.enc)?$", "", audio.name)
        if not any((audio.parent / f"{stem}{end}").exists() for end in (".md", ".md.enc")):
            found.append(audio)
    return found


def test_an_export_killed_at_every_step_is_whole_or_not_there(
    plain_journal: Path, tmp_path: Path
) -> None:
    out = tmp_path / "exports" / "journal-export"
    out.parent.mkdir()
    args = ("journal", "export", "--out", str(out))
    reset = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731
    for n, home in killed_at_every_step(plain_journal, tmp_path, *args, reset=reset):
        assert voiceguide(home, "recover").returncode == 0
        left = sorted(p.name for p in out.parent.iterdir())
        assert left in ([], [out.name]), (n, left)  # whole, or nothing: no half export
        if left:
            assert len(list(out.glob("*.md"))) == ENTRIES + 1 and not (out / ".tmp").exists()
            shutil.rmtree(out)
        done = voiceguide(home, *args)
        assert done.returncode == 0, (n, done.stderr)
        shutil.rmtree(out)


def test_doctor_says_when_the_journal_is_only_partly_encrypted(
    plain_journal: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    shutil.copytree(plain_journal, home)
    killed = voiceguide(home, "encrypt", crash_at=12)
    assert killed.returncode == -9
    doctor = voiceguide(home, "doctor")
    assert "only partly encrypted" in doctor.stdout and doctor.returncode == 1, doctor.stdout
    assert len(listed(home)) == ENTRIES  # the next start finishes it
    assert "encryption: on" in voiceguide(home, "doctor").stdout
