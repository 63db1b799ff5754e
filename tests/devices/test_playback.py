"""Playing a session in a terminal: it starts at once, shows its progress, space pauses and
resumes, q stops cleanly. Run in a real pseudo-terminal, on the virtual speaker."""

from __future__ import annotations

import os
import pty
import select
import subprocess
import time
from pathlib import Path

import pytest
from conftest import (
    VOICEGUIDE,
    Run,
    dropouts,
    play_a_tone_held_up,
    record_speaker,
    sounding_span,
    speech_seconds,
    wait_until,
    wav_seconds,
)

from voiceguide.audio.clip import Audio

pytestmark = pytest.mark.devices


def read_until(fd: int, needle: str, timeout: float) -> str:
    seen = ""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and needle not in seen:
        ready, _, _ = select.select([fd], [], [], 0.2)
        if ready:
            try:
                seen += os.read(fd, 4096).decode("utf-8", "replace")
            except OSError:
                break
    assert needle in seen, seen
    return seen


def test_space_pauses_and_q_stops_a_session_in_a_terminal(
    run: Run, virtual_audio: None, tmp_path: Path
) -> None:
    run.returning_user()
    heard_file = tmp_path / "speaker.wav"
    master, slave = pty.openpty()
    with record_speaker(heard_file):
        started = time.monotonic()
        began = wav_seconds(heard_file)  # where in the recording the command starts
        proc = subprocess.Popen(
            [str(VOICEGUIDE), "meditate", "--minutes", "5", "--ambient", "none"],
            stdin=slave,
            stdout=slave,
            stderr=slave,
            env=run.env(),
            close_fds=True,
        )
        os.close(slave)
        shown = read_until(master, "0:0", timeout=60)  # the progress line is ticking
        assert "Space pauses" in shown
        shown += read_until(master, "0:06 /", timeout=30)  # six seconds played
        os.write(master, b" ")
        shown += read_until(master, "paused", timeout=10)
        paused_at = wav_seconds(heard_file)
        # Paused for as long as five seconds of the speaker take to be recorded.
        wait_until(lambda: wav_seconds(heard_file) >= paused_at + 5, 30, "5 s of the pause")
        os.write(master, b" ")
        shown += read_until(master, "0:08 /", timeout=30)  # playing on again
        os.write(master, b"q")
        shown += read_until(master, "Stopped.", timeout=20)
        assert proc.wait(timeout=20) == 0
        ran = time.monotonic() - started
    os.close(master)
    assert ran < 60  # a five-minute session, stopped after about twenty seconds
    assert "/ 5:00" in shown
    # While paused the speaker was silent.
    heard = Audio.load(heard_file)
    offset = paused_at + 0.5  # what was on its way when the pause began
    quiet = heard.slice(offset, offset + 4.0)
    assert quiet.peak() < 0.01, quiet.peak()
    assert heard.slice(began, paused_at).peak() > 0.05  # and before the pause it was playing


def test_a_moment_the_program_is_held_up_costs_the_listener_only_that_moment(
    virtual_audio: None, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    """When the program cannot feed the speaker for longer than the sound system holds (a busy
    machine that does not give it the processor), the sound stops for that long and goes on
    where it stopped: none of it is lost, and the stream is not started again (through the
    ALSA bridge to PulseAudio a restart added about 2 s of silence, and said "underrun")."""
    from voiceguide.engines.sound_device import SpeakerPlayer

    seconds, held = 6.0, 0.8
    heard_file = tmp_path / "speaker.wav"
    play_a_tone_held_up(SpeakerPlayer(), heard_file, seconds, held)
    said = capfd.readouterr().err
    assert "underrun" not in said, said
    gaps = dropouts(heard_file)
    assert max(gaps, default=0.0) <= held, gaps  # only the moment held up, and no restart
    assert speech_seconds(heard_file) == pytest.approx(seconds, abs=0.1)  # all of the tone
    assert sounding_span(heard_file) <= seconds + held + 0.1, gaps


def test_the_devices_list_names_the_speaker_voiceguide_plays_to(
    run: Run, virtual_audio: None
) -> None:
    """Where PulseAudio answers, `voiceguide devices` lists voiceguide's own bridge to it and
    says that it is what plays when no --output-device is named."""
    run.returning_user()
    done = run("devices")
    assert done.returncode == 0, done.stderr
    ours = [line for line in done.stdout.splitlines() if "voiceguide's speaker" in line]
    assert len(ours) == 1, done.stdout
    assert " voiceguide " in ours[0] and "out:" in ours[0], ours
