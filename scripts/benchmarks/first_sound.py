"""Seconds from starting `voiceguide meditate` to its first sound, handed to the output
stream and out of the speaker (needs PulseAudio: scripts/virtual-audio)."""

from __future__ import annotations

import argparse
import os
import subprocess
import time
from pathlib import Path

from benchmarks.common import VOICEGUIDE

TITLE = "Time to first sound"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options of its own."""


def run(opts: argparse.Namespace) -> str:
    """The time-to-first-sound table."""
    return "\n".join(first_sound_rows())


def first_sound_rows() -> list[str]:
    """Time from starting `voiceguide meditate` to its first sound leaving the speaker."""
    if subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
        return ["(Skipped: no PulseAudio; see scripts/virtual-audio.)"]
    import tempfile

    rows = [
        "`voiceguide meditate --minutes 10` started as a new process: seconds from starting the "
        "command until the session's first block is handed to the output stream (a 0.3 s "
        "lead-in, then the opening bell), and until the bell leaves the speaker (its blocking "
        "write returned, plus the stream's reported latency). The second includes the sound "
        "system's "
        "own start: on this machine PortAudio's ALSA output through PulseAudio holds every new "
        "stream for about 2 s before it starts (measured with a bare sounddevice stream: the "
        "first callback primes the buffer, the next comes 1.97 s later), whatever the program.",
        "",
        "| voice | synthesis cache | playback starts (target <= 0.5 s) "
        "| the bell out of the speaker |",
        "| --- | --- | --- | --- |",
    ]
    exe = str(VOICEGUIDE)
    for voice in ("piper", "system"):
        with tempfile.TemporaryDirectory() as home:
            Path(home, "notice-acknowledged").write_text("bench\n")
            mark = Path(home) / "first-sound"
            for cache in ("empty", "warm"):
                mark.unlink(missing_ok=True)
                began = time.time()
                player = subprocess.Popen(
                    [exe, "--voice", voice, "meditate", "--minutes", "10", "--ambient", "none"],
                    env={
                        **os.environ,
                        "VOICEGUIDE_HOME": home,
                        "VOICEGUIDE_FIRST_SOUND_FILE": str(mark),
                    },
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.DEVNULL,
                )
                deadline = time.time() + 30
                while not mark.exists() and time.time() < deadline:
                    time.sleep(0.05)
                time.sleep(6 if cache == "empty" else 1)  # let the cache fill before the next run
                player.kill()
                player.wait()
                handed, out = (
                    (float(v) - began for v in mark.read_text().split())
                    if mark.exists()
                    else (float("nan"), float("nan"))
                )
                rows.append(f"| {voice} | {cache} | {handed:.2f} s | {out:.2f} s |")
    return rows
