"""Measure how long each spoken session talks before it listens, the first time and after, and
write the "Until voiceguide listens" section of BENCHMARKS.md.

    scripts/virtual-audio && scripts/benchmark until_listening

Each command is started as a person would start it (the installed `voiceguide`, on the virtual
speaker and microphone), and timed from the start of the process to its "Listening" line:

- new user: a fresh data folder (the one-time safety notice comes first);
- first time: the notice already heard, the session not yet;
- returning: the session heard once before (its short version);
- the full version asked for again with --explain.

The process is then stopped with Ctrl-C (what it recorded is filed by the next start, as after
any interruption). About 10 minutes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks.common import ROOT

VOICEGUIDE = Path(sys.executable).parent / "voiceguide"
COMMANDS = {
    "intention set": ["intention", "set"],
    "reflect": ["reflect"],
    "prepare": ["prepare"],
    "integrate": ["integrate"],
    "voiceguide (the menu)": [],
}


def until_listening(home: Path, args: list[str]) -> float:
    """Seconds from starting `voiceguide ARGS` to its "Listening" line."""
    env = {**os.environ, "VOICEGUIDE_HOME": str(home), "VOICEGUIDE_SCHEDULER": "none"}
    started = time.monotonic()
    proc = subprocess.Popen(
        [str(VOICEGUIDE), *args],
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stderr is not None
    try:
        for line in proc.stderr:
            if line.startswith("Listening"):
                return time.monotonic() - started
        raise RuntimeError(f"voiceguide {' '.join(args)} ended without listening")
    finally:
        proc.send_signal(signal.SIGINT)
        try:
            proc.wait(timeout=60)
        except subprocess.TimeoutExpired:
            proc.kill()


def acknowledge(home: Path) -> None:
    home.mkdir(mode=0o700, parents=True, exist_ok=True)
    (home / "notice-acknowledged").write_text("2026-01-01T00:00:00+00:00\n")


def measure() -> list[tuple[str, float, float, float, float]]:
    rows = []
    for name, args in COMMANDS.items():
        with tempfile.TemporaryDirectory() as folder:
            new_user = until_listening(Path(folder) / "new", args)
            home = Path(folder) / "home"
            acknowledge(home)
            first = until_listening(home, args)
            returning = until_listening(home, args)
            explain = until_listening(home, [*args, "--explain"] if args else ["--explain"])
        rows.append((name, new_user, first, returning, explain))
        print(f"{name:24s} {new_user:6.1f} {first:6.1f} {returning:6.1f} {explain:6.1f}")
    return rows


TITLE = "Until voiceguide listens"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options of its own."""


def run(args: argparse.Namespace) -> str:
    """The table of this section."""
    if shutil.which("pactl") is None:
        raise SystemExit("PulseAudio is needed: run scripts/virtual-audio first.")
    rows = measure()
    commit = subprocess.run(
        ["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
    lines = [
        f"Measured {dt.date.today().isoformat()} at commit {commit} on {os.cpu_count()} cores "
        "with `scripts/benchmark until_listening`, on the virtual speaker and microphone "
        "(PulseAudio's null sink holds each new stream about 2 s before it plays, so a real "
        "speaker is a little quicker). Seconds from starting the command to its Listening line:",
        "",
        "| command | new user (notice first) | first time | returning | with --explain |",
        "| --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| `{name}` | {a:.1f} s | {b:.1f} s | {c:.1f} s | {d:.1f} s |" for name, a, b, c, d in rows
    ]
    lines += [
        "",
        '"Returning" is what every later session costs: the short version of the explanation. '
        'The first time (and with --explain, or on "tell me more") the full one; Enter or '
        "space in a terminal skips it.",
    ]
    body = "\n".join(lines)
    return body
