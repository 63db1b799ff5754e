"""How long `voiceguide --help` takes to start, over a bare Python start."""

from __future__ import annotations

import argparse

from benchmarks.common import VOICEGUIDE, bare_python, startup

TITLE = "Start-up"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options of its own."""


def run(opts: argparse.Namespace) -> str:
    """The start-up table."""
    bare = bare_python()
    help_ = startup([str(VOICEGUIDE), "--help"])
    return "\n".join(
        [
            "| command | median of 10 | over a bare Python start |",
            "| --- | --- | --- |",
            f"| `python -c pass` | {bare:.3f} s | |",
            f"| `voiceguide --help` | {help_:.3f} s | {help_ - bare:+.3f} s (target <= 0.3 s) |",
        ]
    )
