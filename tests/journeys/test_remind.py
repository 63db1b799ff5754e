"""The daily reminder: kept by the machine's own scheduler, and heard on the speaker.

The scheduler programs are stand-ins here (tests/data/bin: a crontab that keeps its table in a
file, a systemctl that notes what it is asked), so that no test touches this machine's real
crontab or timers; `remind now`, what the scheduler runs, plays on the virtual speaker."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, VOICEGUIDE, Run, Turns, fake_app, record_speaker
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from voiceguide.audio.clip import Audio
from voiceguide.errors import SchedulerError
from voiceguide.remind import (
    NAME,
    SESSION_VARIABLES,
    TAG,
    Crontab,
    SystemdTimer,
    cron_command,
    parse_time,
    reminder_command,
    session_env,
    systemd_command,
)

BIN = ROOT / "tests" / "data" / "bin"


@pytest.fixture
def cron(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The stand-in crontab, holding one line of the person's own already."""
    table = tmp_path / "crontab"
    table.write_text("0 7 * * 1 /usr/bin/backup --weekly\n")
    monkeypatch.setenv("CRONTAB_FILE", str(table))
    monkeypatch.setenv("VOICEGUIDE_SCHEDULER", "cron")
    monkeypatch.setenv("VOICEGUIDE_CRONTAB", str(BIN / "crontab"))
    return table


def test_a_crontab_line_is_written_replaced_and_removed_leaving_the_rest(
    cron: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("XDG_RUNTIME_DIR", "DBUS_SESSION_BUS_ADDRESS", "PULSE_SERVER"):
        monkeypatch.delenv(name, raising=False)
    keeper = Crontab(str(BIN / "crontab"))
    assert keeper.current() is None
    command = reminder_command(tmp_path / "home")
    keeper.install(20, 0, command)
    lines = cron.read_text().splitlines()
    assert lines[0] == "0 7 * * 1 /usr/bin/backup --weekly"  # never touched
    assert lines[1] == f"0 20 * * * {shlex.join(command)} {TAG}"
    keeper.install(21, 30, command)  # again: replaced, not added
    assert [line for line in cron.read_text().splitlines() if TAG in line] == [
        f"30 21 * * * {shlex.join(command)} {TAG}"
    ]
    current = keeper.current()
    assert current is not None and current.at == "21:30" and current.where == "your crontab"
    assert keeper.remove()
    assert cron.read_text().splitlines() == ["0 7 * * 1 /usr/bin/backup --weekly"]
    assert not keeper.remove()


def test_cron_is_told_where_the_sound_server_and_desktop_bus_are(
    cron: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """cron's environment is minimal: the line carries the session's own variables, as set when
    the reminder was set (and nothing it did not have)."""
    monkeypatch.setenv("XDG_RUNTIME_DIR", "/run/user/1000")
    monkeypatch.setenv("DBUS_SESSION_BUS_ADDRESS", "unix:path=/run/user/1000/bus")
    monkeypatch.delenv("PULSE_SERVER", raising=False)
    assert session_env() == (
        "XDG_RUNTIME_DIR=/run/user/1000 DBUS_SESSION_BUS_ADDRESS=unix:path=/run/user/1000/bus"
    )
    command = reminder_command(tmp_path / "home")
    Crontab(str(BIN / "crontab")).install(20, 0, command)
    [line] = [line for line in cron.read_text().splitlines() if TAG in line]
    assert line == f"0 20 * * * {session_env()} {shlex.join(command)} {TAG}"


def test_remind_from_the_command_line(cron: Path, run: Run) -> None:
    assert "No reminder is set" in run("remind").stdout
    result = run("remind", "daily", "20:00")
    assert result.returncode == 0, result.stderr
    assert "20:00" in result.stdout and "crontab" in result.stdout
    assert "20:00" in run("remind").stdout
    [line] = [line for line in cron.read_text().splitlines() if TAG in line]
    assert line.startswith("0 20 * * * ") and str(run.home) in line
    wrong = run("remind", "daily", "25:00")
    assert wrong.returncode == 1 and "not a time of day" in wrong.stderr
    assert "Traceback" not in wrong.stderr
    assert "removed" in run("remind", "off").stdout
    assert cron.read_text().splitlines() == ["0 7 * * 1 /usr/bin/backup --weekly"]


def test_a_systemd_user_timer_is_written_enabled_and_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    log = tmp_path / "systemctl.log"
    monkeypatch.setenv("SYSTEMCTL_LOG", str(log))
    folder = tmp_path / "systemd" / "user"
    keeper = SystemdTimer(folder, systemctl=str(BIN / "systemctl"))
    command = reminder_command(tmp_path / "home")
    keeper.install(8, 5, command)
    timer = (folder / f"{NAME}.timer").read_text()
    service = (folder / f"{NAME}.service").read_text()
    assert "OnCalendar=*-*-* 08:05:00" in timer and "WantedBy=timers.target" in timer
    assert f"ExecStart={systemd_command(command)}" in service
    assert keeper.current() is not None and keeper.current().at == "08:05"  # type: ignore[union-attr]
    assert log.read_text().splitlines() == [
        "--user daemon-reload",
        f"--user enable --now {NAME}.timer",
    ]
    assert keeper.remove()
    assert not list(folder.iterdir())
    assert f"--user disable --now {NAME}.timer" in log.read_text()


@pytest.mark.parametrize("text", ["25:00", "8pm", "", "20:60"])
def test_times_of_day_are_checked(text: str) -> None:
    from voiceguide.errors import UsageError

    with pytest.raises(UsageError):
        parse_time(text)


def test_integrate_offers_a_reminder_once_in_the_days_after_an_infusion(
    cron: Path, tmp_path: Path, speech: Path
) -> None:
    said = Audio.load(speech / "one_two_three.wav").for_speech(16000)

    answers = ["Rest.", "I went for a walk.", "Seven.", "No.", "Yes, please."]
    turns = Turns(said, said, said, said, said)  # ... no note for the therapist; a reminder: yes
    app, _, synth = fake_app(tmp_path / "home", turns, answers, silence=1.5, wait_seconds=2)
    app.reflect(quick=True)  # the infusion was today
    app.integrate()
    assert any("reminder" in line for line in synth.spoken)
    assert [line for line in cron.read_text().splitlines() if TAG in line]
    # Asked once: the next check-in does not ask again.
    turns = Turns(said, said, said)
    app, _, synth = fake_app(tmp_path / "home", turns, ["A walk.", "Six.", "No."], silence=1.5)
    app.integrate()
    assert not any("Would you like a gentle reminder" in line for line in synth.spoken)


@pytest.mark.devices
def test_the_reminder_is_heard_on_the_speaker(
    cron: Path, run: Run, virtual_audio: None, tmp_path: Path
) -> None:
    """What the scheduler would run at the time, run as it would: a chime and one sentence."""
    assert run("remind", "daily", "20:00").returncode == 0
    [line] = [line for line in cron.read_text().splitlines() if TAG in line]
    command = line.removesuffix(TAG).split(None, 5)[5]  # as cron runs it: with /bin/sh
    heard_file = tmp_path / "speaker.wav"
    with record_speaker(heard_file):
        result = subprocess.run(
            ["/bin/sh", "-c", command], env=run.env(), capture_output=True, text=True, timeout=120
        )
    assert result.returncode == 0, result.stderr
    from voiceguide.engines.whisper import WhisperTranscriber

    heard = WhisperTranscriber.bundled().transcribe(Audio.load(heard_file)).lower()
    assert "check-in" in heard or "check in" in heard, heard
    assert "ready" in heard, heard


# -- the person's crontab is theirs: every byte kept, nothing written that cron would misread -----
def test_a_crontab_that_cannot_be_read_is_left_alone(
    cron: Path, run: Run, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only "no crontab for USER" means an empty table: any other failure of `crontab -l`
    refuses, and the table is not replaced by voiceguide's line alone."""
    cron.write_text("# precious\n0 3 * * * /usr/local/bin/backup\n")
    before = cron.read_bytes()
    failing = run.with_env({"CRONTAB_LIST_ERROR": "crontabs/root: Input/output error"})
    result = failing("remind", "daily", "20:00")
    assert result.returncode == 1 and "could not be read" in result.stderr, result.stderr
    assert "Input/output error" in result.stderr and "Traceback" not in result.stderr
    assert cron.read_bytes() == before
    assert failing("remind", "off").returncode == 1 and cron.read_bytes() == before


_LINE = st.binary(max_size=40).map(lambda b: b.replace(b"\n", b""))


@settings(max_examples=60, deadline=None)
@given(
    lines=st.lists(st.tuples(_LINE, st.sampled_from([b"\n", b"\r\n"])), max_size=6),
    last=_LINE,
)
def test_every_other_byte_of_the_crontab_is_kept(
    lines: list[tuple[bytes, bytes]], last: bytes, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Any table at all (comments, CRLF, form feeds, Latin-1, no final line end): setting the
    reminder adds one line, and removing it gives back the table byte for byte (with a line
    end after a last line that had none: cron needs it)."""
    table = b"".join(text + end for text, end in lines) + last
    assume(TAG.encode() not in table)
    file = tmp_path_factory.mktemp("cron") / "crontab"
    file.write_bytes(table)
    keeper = Crontab(str(BIN / "crontab"))
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("CRONTAB_FILE", str(file))
        for name in SESSION_VARIABLES:
            mp.delenv(name, raising=False)
        keeper.install(20, 0, reminder_command(Path("/home/someone/.voiceguide")))
        kept = table + (b"\n" if table and not table.endswith(b"\n") else b"")
        written = file.read_bytes()
        assert written.startswith(kept) and written[len(kept) :].count(b"\n") == 1
        assert keeper.current() is not None and keeper.current().at == "20:00"  # type: ignore[union-attr]
        assert keeper.remove()
        assert file.read_bytes() == kept


def _as_cron_runs_it(command: str) -> str:
    """What cron hands to /bin/sh: `\\%` becomes `%`, and a bare `%` ends the command."""
    out, escaped = [], False
    for ch in command:
        if escaped:
            out.append(ch if ch == "%" else "\\" + ch)
            escaped = False
        elif ch == "\\":
            escaped = True
        elif ch == "%":
            break
        else:
            out.append(ch)
    return "".join(out) + ("\\" if escaped else "")


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=30)


@settings(max_examples=200, deadline=None)
@given(home=_TEXT, pulse=_TEXT, bus=st.none() | _TEXT)
def test_values_in_the_crontab_line_are_refused_or_read_back_exactly(
    home: str, pulse: str, bus: str | None
) -> None:
    """Whatever the data folder and the session's variables hold, the crontab line is one line
    that cron and the shell read back as exactly those values, or the reminder is refused with
    a clear reason (a line break would add a second line that cron runs every minute)."""
    assume("\x00" not in home + pulse + (bus or ""))
    command = reminder_command(Path("/data") / home)
    with pytest.MonkeyPatch.context() as mp:
        mp.delenv("XDG_RUNTIME_DIR", raising=False)
        mp.setenv("PULSE_SERVER", pulse)
        if bus is None:
            mp.delenv("DBUS_SESSION_BUS_ADDRESS", raising=False)
        else:
            mp.setenv("DBUS_SESSION_BUS_ADDRESS", bus)
        try:
            line = cron_command(command)
        except SchedulerError as exc:
            assert "not set" in exc.message
            return
    assert "\n" not in line and "\r" not in line
    words = shlex.split(_as_cron_runs_it(line))
    expected = [f"DBUS_SESSION_BUS_ADDRESS={bus}"] if bus else []
    assert words == [*expected, f"PULSE_SERVER={pulse}", *command]


def _systemd_words(value: str) -> list[str]:
    """ExecStart= read as systemd.service(5) says: double-quoted words with C escapes, `%%`
    a percent sign, and `$$` a dollar sign in the arguments."""
    words = []
    for i, match in enumerate(re.finditer(r'"((?:[^"\\]|\\.)*)"(?: |$)', value)):
        word = re.sub(r"\\(.)", r"\1", match[1]).replace("%%", "%")
        words.append(word if i == 0 else word.replace("$$", "$"))
    return words


@settings(max_examples=200, deadline=None)
@given(home=_TEXT)
def test_the_systemd_unit_reads_back_the_data_folder_exactly(home: str) -> None:
    """A data folder with quotes, backslashes, `%` or `$` in its name is written so that systemd
    reads it back as it is; one with a line break is refused, never an extra `ExecStartPre=`."""
    command = reminder_command(Path("/data") / home)
    try:
        value = systemd_command(command)
    except SchedulerError as exc:
        assert "not set" in exc.message and any(ord(c) < 32 or ord(c) >= 0x7F for c in home)
        return
    assert "\n" not in value
    assert _systemd_words(value) == command


def test_a_relative_data_folder_is_written_as_a_whole_path(
    cron: Path, run: Run, tmp_path: Path
) -> None:
    """cron runs the line in the home folder: `--home rel/home` is written as the whole path
    it meant where the reminder was set."""
    env = {**run.env(), "VOICEGUIDE_HOME": ""}
    result = subprocess.run(
        [str(VOICEGUIDE), "--home", "rel/home", "remind", "daily", "9:15"],
        env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    [line] = [line for line in cron.read_text().splitlines() if TAG in line]
    assert f" --home {tmp_path / 'rel' / 'home'} " in line, line


def test_moving_from_cron_to_systemd_leaves_one_reminder_and_off_clears_both(
    cron: Path, run: Run, tmp_path: Path
) -> None:
    assert run("remind", "daily", "20:00").returncode == 0
    assert TAG in cron.read_text()
    systemd = run.with_env(
        {
            "VOICEGUIDE_SCHEDULER": "systemd",
            "VOICEGUIDE_SYSTEMCTL": str(BIN / "systemctl"),
            "SYSTEMCTL_LOG": str(tmp_path / "systemctl.log"),
            "XDG_CONFIG_HOME": str(tmp_path / "config"),
        }
    )
    result = systemd("remind", "daily", "21:00")
    assert result.returncode == 0 and "systemd" in result.stdout, result.stderr
    assert TAG not in cron.read_text()  # one reminder a day, not two
    assert run("remind", "daily", "20:00").returncode == 0  # and back: both again
    assert systemd("remind", "off").returncode == 0
    assert TAG not in cron.read_text()
    assert not list((tmp_path / "config" / "systemd" / "user").iterdir())
