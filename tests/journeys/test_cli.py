"""The command line: help, and bad input of every kind as one clear sentence with exit code 1."""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile
from conftest import VOICEGUIDE, Run


def assert_one_clear_error(result: subprocess.CompletedProcess[str], words: str) -> None:
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("voiceguide: ")]
    assert len(errors) == 1 and words in errors[0], result.stderr


def test_help_lists_every_journey() -> None:
    out = subprocess.run([str(VOICEGUIDE), "--help"], capture_output=True, text=True, check=True)
    for command in (
        "meditate",
        "intention",
        "reflect",
        "transcribe",
        "journal",
        "devices",
        "doctor",
    ):
        assert command in out.stdout


def test_help_does_not_import_the_heavy_engines() -> None:
    code = (
        "import sys\nfrom voiceguide.cli import main\ntry:\n    main(['--help'])\n"
        "except SystemExit:\n    pass\n"
        "heavy = {'numpy', 'sounddevice', 'faster_whisper', 'pyttsx3', 'speech_recognition'}\n"
        "sys.stderr.write(repr(sorted(heavy & set(sys.modules))))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stderr == "[]"


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    empty = tmp_path / "empty.wav"
    empty.write_bytes(b"")
    text = tmp_path / "notes.wav"
    text.write_text("these are words, not sound " * 40)
    header_only = tmp_path / "header.flac"
    header_only.write_bytes(b"fLaC\x00\x00\x00\x22" + b"\x00" * 20)
    silent = tmp_path / "silent.wav"
    soundfile.write(str(silent), np.zeros(16000 * 3, np.float32), 16000)
    folder = tmp_path / "folder"
    folder.mkdir()
    huge = tmp_path / "huge.wav"  # a header claiming five hours, on a sparse file
    with soundfile.SoundFile(str(huge), "w", 16000, 1, subtype="PCM_16") as out:
        out.write(np.zeros(16000, np.int16))
    header = bytearray(huge.read_bytes()[:44])
    data_bytes = 5 * 3600 * 16000 * 2
    header[4:8] = (36 + data_bytes).to_bytes(4, "little")
    header[40:44] = data_bytes.to_bytes(4, "little")
    with open(huge, "wb") as handle:
        handle.write(bytes(header))
        handle.truncate(44 + data_bytes)
    return {
        "missing": tmp_path / "nope.wav",
        "empty": empty,
        "text": text,
        "truncated": header_only,
        "silent": silent,
        "folder": folder,
        "huge": huge,
    }


@pytest.mark.parametrize(
    ("name", "words"),
    [
        ("missing", "There is no file"),
        ("empty", "is empty"),
        ("text", "not an audio file"),
        ("truncated", "not an audio file"),
        ("folder", "is a folder"),
        ("silent", "Nothing was heard"),
        ("huge", "too long"),
    ],
)
@pytest.mark.parametrize("command", [("transcribe",), ("journal", "import")])
def test_bad_audio_files(
    run: Run, files: dict[str, Path], name: str, words: str, command: tuple[str, ...]
) -> None:
    if command == ("journal", "import") and name == "silent":
        result = run(*command, str(files[name]))  # a silent memo is kept, marked as unheard
        assert result.returncode == 0
        assert "(nothing was heard)" in run("journal", "list").stdout
        return
    if command == ("journal", "import") and name == "folder":
        words = "There are no recordings in"  # import files a folder's recordings: it has none
    assert_one_clear_error(run(*command, str(files[name])), words)
    assert not list((run.home / "journal").glob("*/*/*/*.md"))


@pytest.mark.parametrize(
    ("rate", "subtype", "channels"),
    [(8000, "PCM_U8", 1), (44100, "PCM_16", 2), (11025, "PCM_24", 1), (22050, "FLOAT", 2)],
)
def test_odd_but_real_recordings_are_transcribed(
    run: Run, speech: Path, tmp_path: Path, rate: int, subtype: str, channels: int
) -> None:
    from conftest import references, wer

    from voiceguide.audio.clip import Audio

    audio = Audio.load(speech / "jfk.flac").mono().resample(rate)
    path = tmp_path / f"jfk-{rate}-{subtype}.wav"
    soundfile.write(str(path), np.repeat(audio.samples, channels, axis=1), rate, subtype=subtype)
    result = run("transcribe", str(path))
    assert result.returncode == 0, result.stderr
    assert wer(references()["jfk.flac"], result.stdout) <= 0.15, result.stdout
    imported = run("journal", "import", str(path))
    assert imported.returncode == 0, imported.stderr


@pytest.mark.parametrize(
    ("args", "words"),
    [
        (("meditate", "--minutes", "-3"), "between 1 and 180"),
        (("meditate", "--minutes", "100000"), "between 1 and 180"),
        (("meditate", "--minutes", "soon"), "invalid float value"),
        (("meditate", "--out", "/no/such/folder/m.wav"), "does not exist"),
        (("meditate", "--out", "m.aiff"), "cannot write .aiff"),
        (("reflect", "--stt", "cloud"), "invalid choice"),
        (("reflect", "--infusion", "-1"), "--infusion"),
        (("reflect", "--silence", "0"), "--silence"),
        (("journal", "import", "x.wav", "--kind", "diary"), "no entry kind"),
        (("intention", "play"), "not set an intention"),
        (("frobnicate",), "invalid choice"),
    ],
)
def test_bad_values(run: Run, args: tuple[str, ...], words: str) -> None:
    assert_one_clear_error(run(*args), words)


@pytest.mark.devices
def test_unknown_devices(run: Run, virtual_audio: None) -> None:
    assert_one_clear_error(
        run("reflect", "--quick", "--input-device", "nosuchmic"),
        "no input device matching 'nosuchmic'",
    )
    assert_one_clear_error(
        run("intention", "set", "--output-device", "99"), "no output device matching '99'"
    )


def test_a_one_minute_practice(run: Run, tmp_path: Path) -> None:
    """One minute, for the clinic's waiting room: the grounding drops lines and shortens its
    pauses (never the voice); a practice that cannot be that short says what it does instead."""
    out = tmp_path / "one.flac"
    result = run("meditate", "--minutes", "1", "--out", str(out))
    assert result.returncode == 0, result.stderr
    assert soundfile.info(str(out)).duration == pytest.approx(60, rel=0.05)
    breath = tmp_path / "breath.flac"
    result = run("meditate", "--script", "breath", "--minutes", "1", "--out", str(breath))
    assert result.returncode == 0, result.stderr
    assert (
        "The shortest slow-breath practice is 2.5 minutes; "
        "here is a one-minute breathing space instead." in result.stderr
    )
    assert soundfile.info(str(breath)).duration == pytest.approx(60, rel=0.05)
    listed = run("scripts", "list").stdout
    assert re.search(r"grounding .*\(from 1 min\)", listed), listed
    assert re.search(r"breath .*\(from 2.5 min\)", listed), listed


def test_no_sound_devices_at_all(run: Run, tmp_path: Path) -> None:
    # As a terminal shows it: both streams together, each line as it is written.
    env = {"PULSE_SERVER": "unix:/nonexistent", "PYTHONUNBUFFERED": "1"}
    # With no speaker, the meditation is rendered to a file, and the person is told where.
    result = subprocess.run(
        [str(VOICEGUIDE), "meditate", "--minutes", "2"],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        env={**run.env(), **env},
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stdout
    # The notice, shown whole before anything else.
    first, second = "not a medical device", "local emergency number"
    assert result.stdout.index(first) < result.stdout.index(second)
    assert "No speaker" not in result.stdout[: result.stdout.index(second)]
    # FLAC, not a WAV of tens of megabytes, and the person is told how to play it.
    [saved] = (run.home / "sessions").glob("meditation-*.flac")
    assert str(saved) in result.stdout and "any audio player" in result.stdout
    assert abs(soundfile.info(str(saved)).duration - 120) < 1
    assert soundfile.info(str(saved)).format == "FLAC"
    assert saved.stat().st_size < 5_000_000
    result = subprocess.run(
        [str(VOICEGUIDE), "reflect", "--quick"],
        capture_output=True,
        text=True,
        env={**run.env(), **env},
        stdin=subprocess.DEVNULL,
    )
    assert_one_clear_error(result, "No microphone was found")
    assert not list((run.home / "recordings").glob("*.wav"))


def test_debug_shows_the_traceback(run: Run) -> None:
    result = run("transcribe", "/no/such/file.wav", "--debug")
    assert result.returncode == 1 and "Traceback" in result.stderr


#: The shared options each command lists, from what it does: it speaks (--output-device,
#: --voice), records (--input-device), listens for answers (--pause, ...), transcribes (--stt),
#: or explains a session (--explain). Every other command lists --home and --debug only.
_SPEAKS = {"--output-device", "--voice"}
_HEARS = {"--stt"}
_CONVERSATION = _SPEAKS | _HEARS | {
    "--input-device", "--silence", "--pause", "--after-check", "--max-seconds",
    "--no-voice-commands", "--explain",
}  # fmt: skip
_SHARED_USED = {
    "": _CONVERSATION,  # the spoken menu
    "prepare": _CONVERSATION,
    "reflect": _CONVERSATION,
    "integrate": _CONVERSATION,
    "note": _CONVERSATION,
    "questionnaire": _CONVERSATION,
    "intention set": _CONVERSATION,
    "meditate": _SPEAKS,
    "during": _SPEAKS,
    "recap": _SPEAKS,
    "remind": _SPEAKS,
    "intention play": _SPEAKS,
    "journal play": _SPEAKS,
    "transcribe": _HEARS,
    "recover": _HEARS,
    "journal import": _HEARS,
    "journal retry": _HEARS,
    "devices": _SPEAKS | _HEARS | {"--input-device"},
    "doctor": _SPEAKS | _HEARS | {"--input-device"},
}


def _every_command() -> list[tuple[str, argparse.ArgumentParser]]:
    from voiceguide.cli.parser import build_parser

    found = []
    todo = [("", build_parser())]
    while todo:
        name, parser = todo.pop()
        found.append((name, parser))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction):
                for sub, child in action.choices.items():
                    todo.append((f"{name} {sub}".strip(), child))
    return sorted(found, key=lambda pair: pair[0])


def test_every_commands_help_is_its_own() -> None:
    """Each command's --help lists only the shared options it uses, and says in a few words
    what every argument and option is (walked over every command and action)."""
    commands = _every_command()
    assert len(commands) > 30
    for name, parser in commands:
        shared = {"--home", "--debug"} | _SHARED_USED.get(name, set())
        options = {o for a in parser._actions for o in a.option_strings if o.startswith("--")} - {
            "--help",
            "--version",
        }
        own = options - _CONVERSATION - {"--home", "--debug"}
        assert options - own == shared, (name, sorted(options - own ^ shared))
        for action in parser._actions:
            if isinstance(action, argparse._SubParsersAction) or "-h" in action.option_strings:
                continue
            assert action.help and len(action.help) > 8, (name, action.dest)
        shown = subprocess.run(
            [str(VOICEGUIDE), *name.split(), "--help"], capture_output=True, text=True, check=True
        ).stdout
        for option in _CONVERSATION - shared:
            assert f"{option} " not in shown and f"{option}\n" not in shown, (name, option)
