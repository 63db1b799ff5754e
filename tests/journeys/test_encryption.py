"""Encryption at rest: nothing readable on disk, everything usable with the passphrase."""

from __future__ import annotations

from pathlib import Path

import soundfile
from conftest import Run, references, wer


def stored(home: Path) -> list[Path]:
    return sorted(p for p in (home / "journal").rglob("*") if p.is_file())


def test_encrypt_then_use_then_decrypt(run: Run, speech: Path) -> None:
    assert (
        run("journal", "import", str(speech / "jfk.flac"), "--kind", "reflection").returncode == 0
    )
    env = {"VOICEGUIDE_PASSPHRASE": "correct horse battery staple"}
    plain = {p.name: p.read_bytes() for p in stored(run.home)}

    no_pass = run("encrypt")
    assert no_pass.returncode == 1 and "passphrase" in no_pass.stderr

    result = run.with_env(env)("encrypt")
    assert result.returncode == 0, result.stderr
    assert "cannot be recovered" in result.stderr
    files = stored(run.home)
    assert files and all(p.name.endswith(".enc") for p in files)
    for path in files:
        data = path.read_bytes()
        assert b"Americans" not in data and b"fLaC" not in data and b"kind:" not in data
        try:
            soundfile.info(str(path))
            raise AssertionError(f"{path} still decodes as audio")
        except soundfile.LibsndfileError:
            pass

    # A new entry is encrypted as it is written; listing and reading work with the passphrase.
    added = run.with_env(env)("journal", "import", str(speech / "one_two_three.wav"))
    assert added.returncode == 0, added.stderr
    assert all(p.name.endswith(".enc") for p in stored(run.home))
    listed = run.with_env(env)("journal", "list")
    assert listed.returncode == 0 and "And so my fellow" in listed.stdout
    assert len(listed.stdout.splitlines()) == 2

    wrong = run.with_env({"VOICEGUIDE_PASSPHRASE": "wrong"})("journal", "list")
    assert wrong.returncode == 1 and "does not open this journal" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    before = {p: p.read_bytes() for p in stored(run.home)}
    wrong = run.with_env({"VOICEGUIDE_PASSPHRASE": "wrong"})("decrypt")
    assert wrong.returncode == 1
    assert {p: p.read_bytes() for p in stored(run.home)} == before

    again = run.with_env(env)("encrypt")
    assert again.returncode == 1 and "already encrypted" in again.stderr

    result = run.with_env(env)("decrypt")
    assert result.returncode == 0, result.stderr
    files = stored(run.home)
    assert not any(p.name.endswith(".enc") for p in files)
    for name, data in plain.items():
        assert (next(p for p in files if p.name == name)).read_bytes() == data
    listed = run("journal", "list")
    assert "And so my fellow" in listed.stdout


def test_an_encrypted_intention_plays_back(run: Run, speech: Path) -> None:
    env = {"VOICEGUIDE_PASSPHRASE": "quiet morning"}
    assert run.with_env(env)("encrypt").returncode == 0
    imported = run.with_env(env)(
        "journal", "import", str(speech / "jfk.flac"), "--kind", "intention"
    )
    assert imported.returncode == 0, imported.stderr
    # An imported intention has no scope; the store still reads and decrypts it.
    from voiceguide.journal.crypto import open_key
    from voiceguide.journal.store import JournalStore

    store = JournalStore(run.home, cipher=lambda: open_key(run.home, "quiet morning"))
    [entry] = store.entries()
    audio = store.load_audio(entry, entry.audio[0])
    assert abs(audio.duration - 11.0) < 0.1
    assert wer(references()["jfk.flac"], entry.text) <= 0.1
