"""Playback on a busy machine: a 2-minute meditation through the virtual speaker, on an idle
machine and with two busy programs, for this tree and another (an older commit, checked out
with `git worktree add`), in the same run; writes the "Playback on a busy machine" section of
BENCHMARKS.md.

    scripts/virtual-audio && scripts/benchmark playback --old-tree OLD_TREE [--runs N]

Each run is a new process with a fresh data folder (the natural voice loaded and every line
synthesized while the session plays, as the first time). What the speaker played is recorded
(parecord on the monitor) and compared with the same session rendered to a file: the stretch
is its sounding span (first sound to last) minus the file's, the gaps are stretches of
digital silence cut into the sound (tests/conftest.py `dropouts`), the underruns those that
ALSA reported. About 3 minutes a run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from conftest import busy, dropouts, sounding_span

from benchmarks.common import ROOT


def command(tree: Path) -> list[str]:
    code = (
        f"import sys; sys.path.insert(0, {str(tree)!r}); "
        "from voiceguide.cli import main; sys.exit(main())"
    )
    return [sys.executable, "-c", code]


def once(tree: Path, programs: int) -> tuple[float, int, int]:
    """(stretch in seconds, gaps, underruns) of one 2-minute meditation."""
    with tempfile.TemporaryDirectory() as tmp:
        home = Path(tmp) / "home"
        home.mkdir(mode=0o700)
        (home / "notice-acknowledged").write_text("benchmark\n")
        env = {**os.environ, "VOICEGUIDE_HOME": str(home)}
        heard = Path(tmp) / "heard.wav"
        recorder = subprocess.Popen(
            ["parecord", "--device=vg_speaker.monitor", "--file-format=wav", "--channels=1",
             "--rate=16000", str(heard)],
        )  # fmt: skip
        time.sleep(1.0)
        with busy(programs):
            played = subprocess.run(
                [*command(tree), "meditate", "--minutes", "2"],
                env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL,
            )  # fmt: skip
        time.sleep(1.0)
        recorder.terminate()
        recorder.wait()
        rendered = Path(tmp) / "rendered.wav"
        subprocess.run(
            [*command(ROOT), "meditate", "--minutes", "2", "--out", str(rendered)],
            env=env, capture_output=True, check=True,
        )  # fmt: skip
        stretch = sounding_span(heard) - sounding_span(rendered)
        return stretch, len(dropouts(heard)), played.stderr.count("underrun occurred")


TITLE = "Playback on a busy machine"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--old-tree and --playback-runs."""
    parser.add_argument("--old-tree", type=Path, help="the tree before (git worktree add)")
    parser.add_argument("--playback-runs", type=int, default=2, help="runs of each (default 2)")


def run(opts: argparse.Namespace) -> str:
    """The table of this section."""
    if opts.old_tree_tree is None:
        raise SystemExit("playback compares two trees: give --old-tree (git worktree add)")
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"],
                          capture_output=True, text=True).stdout.strip()  # fmt: skip
    old = subprocess.run(["git", "-C", str(opts.old_tree), "rev-parse", "--short", "HEAD"],
                         capture_output=True, text=True).stdout.strip()  # fmt: skip
    rows = []
    for label, tree in ((f"before ({old})", opts.old_tree.resolve()), (f"after ({head})", ROOT)):
        for machine, programs in (("idle", 0), ("busy: two programs spinning", 2)):
            runs = [once(tree, programs) for _ in range(opts.playback_runs)]
            stretch = [r[0] for r in runs]
            rows.append(
                f"| {label} | {machine} | {statistics.median(stretch):+.2f} s "
                f"(worst {max(stretch, key=abs):+.2f} s) | {sum(r[1] for r in runs)} | "
                f"{sum(r[2] for r in runs)} |"
            )
            print(rows[-1], flush=True)
    body = "\n".join(
        [
            f"Measured {dt.date.today()} on 2 cores with `.venv/bin/python "
            "scripts/benchmark playback OLD_TREE`: `voiceguide meditate --minutes 2` as a new "
            f"process with a fresh data folder (the voice loaded and every line synthesized "
            f"while it plays), {opts.playback_runs} runs each, recorded off the virtual speaker. "
            "The "
            "stretch is how much longer its sound lasted, first sound to last, than the same "
            "session rendered to a file; gaps are stretches of digital silence cut into the "
            "sound; underruns are those ALSA reported. Busy: two `python3 -c 'while True: "
            "pass'` beside it. Before: the speaker was written block by block from the thread "
            "that rendered, at PortAudio's default latency (35 ms here); after: a producer "
            "renders up to 4 s ahead and the output callback only copies, at 0.25 s.",
            "",
            "| tree | machine | stretch (median) | gaps | underruns |",
            "| --- | --- | --- | --- | --- |",
            *rows,
        ]
    )
    return body
