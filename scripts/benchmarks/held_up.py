"""A moment held up: what the listener hears when voiceguide cannot feed the speaker for longer
than the sound system holds (a busy machine that does not give it the processor), through
ALSA's usual bridge to PulseAudio and through voiceguide's own (handle_underrun off), in the
same run (needs PulseAudio: scripts/virtual-audio).

    .venv/bin/python scripts/benchmark held_up [--held-runs N]

Each trial is a new process that plays a 6 s tone through SpeakerPlayer while the speaker is
recorded (parecord on the monitor), and 3 s in holds the interpreter (the stream's callback
with it) for a set time. About 15 s a trial.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]  # as benchmarks.common has it (run as a script too)
TITLE = "A moment held up"
SECONDS = 6.0
HELD = (0.4, 0.8, 1.5)
BRIDGES = {
    "ALSA's usual bridge (`--output-device default`)": "default",
    "voiceguide's bridge (no device named)": "",
}


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--held-runs."""
    parser.add_argument("--held-runs", type=int, default=2, help="trials of each (default 2)")


def run(opts: argparse.Namespace) -> str:
    """The table of this section."""
    if subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
        return "(Skipped: no PulseAudio; see scripts/virtual-audio.)"
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    rows = []
    for held in HELD:
        for label, device in BRIDGES.items():
            trials = [trial(device, held) for _ in range(opts.held_runs)]
            gap = statistics.median(t["gap"] for t in trials)
            lost = max(SECONDS - t["sound"] for t in trials)
            longer = statistics.median(t["span"] - SECONDS for t in trials)
            underruns = sum(t["underruns"] for t in trials)
            rows.append(
                f"| {held:.1f} s | {label} | {gap:.2f} s | {longer:+.2f} s | "
                f"{max(lost, 0.0):.2f} s | {underruns} |"
            )
            print(rows[-1], flush=True)
    return "\n".join(
        [
            f"Measured {dt.date.today()} at commit {head} on 2 cores with `.venv/bin/python "
            f"scripts/benchmark held_up`: a {SECONDS:g} s tone played through SpeakerPlayer "
            "(a quarter second in hand, as every session plays), recorded off the virtual "
            "speaker; 3 s in, the program is held up (its interpreter held, and the stream's "
            "callback with it) for the time in the first column. "
            f"{opts.held_runs} trials each: the longest gap of silence cut into the tone and "
            "how much longer the sound lasted (medians), the most of the tone lost, and the "
            "underruns ALSA reported. Through voiceguide's bridge a hold costs the listener "
            "the hold less what the speaker has in hand (about 0.3 s); through the usual one "
            "every underrun started the stream again, and PulseAudio held the new stream "
            "about 1.5 s before it played. Nothing of the tone is lost either way: a block "
            "asked for right after the sound system ran dry is silence, and the sound waits.",
            "",
            "| held up | bridge | longest gap | sound lasted longer | tone lost | underruns |",
            "| --- | --- | --- | --- | --- | --- |",
            *rows,
        ]
    )


def trial(device: str, held: float) -> dict[str, float]:
    """One trial in a new process (a fresh PortAudio and stream), its figures."""
    done = subprocess.run(
        [sys.executable, __file__, device, str(held)],
        capture_output=True, text=True, check=True, cwd=ROOT,
    )  # fmt: skip
    figures: dict[str, float] = json.loads(done.stdout.strip().splitlines()[-1])
    figures["underruns"] = done.stderr.count("underrun occurred")
    return figures


def _play_held_up(device: str, held: float) -> dict[str, float]:
    from conftest import dropouts, play_a_tone_held_up, sounding_span, speech_seconds

    from voiceguide.engines.sound_device import SpeakerPlayer

    with tempfile.TemporaryDirectory() as tmp:
        heard = Path(tmp) / "heard.wav"
        play_a_tone_held_up(SpeakerPlayer(device=device or None), heard, SECONDS, held)
        return {
            "gap": max(dropouts(heard), default=0.0),
            "sound": speech_seconds(heard),
            "span": sounding_span(heard),
        }


if __name__ == "__main__":
    sys.path[:0] = [str(ROOT / "tests"), str(ROOT)]
    print(json.dumps(_play_held_up(sys.argv[1], float(sys.argv[2]))))
