"""The daily reminder: kept by the machine's own scheduler, and heard on the speaker.

The scheduler programs are stand-ins here (tests/data/bin: a crontab that keeps its table in a
file, a systemctl that notes what it is asked), so that no test touches this machine's real
crontab or timers; `remind now`, what the scheduler runs, plays on the virtual speaker."""

from __future__ import annotations

import shlex
import subprocess
from pathlib import Path

import pytest
from conftest import ROOT, Run, Turns, fake_app, record_speaker

from voiceguide.audio.clip import Audio
from voiceguide.remind import (
    NAME,
    TAG,
    Crontab,
    SystemdTimer,
    parse_time,
    reminder_command,
    session_env,
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
    assert f"ExecStart={shlex.join(command)}" in service
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
