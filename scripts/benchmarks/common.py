"""What several sections share: where things are, timing, the shared speech, the commit."""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from voiceguide.audio.clip import Audio

T = TypeVar("T")

ROOT = Path(__file__).resolve().parents[2]
#: The installed command, as a person runs it.
VOICEGUIDE = Path(sys.executable).parent / "voiceguide"


def timed(fn: Callable[..., T], *args: Any, **kw: Any) -> tuple[T, float]:
    """`fn(*args, **kw)` and the seconds it took."""
    start = time.perf_counter()
    result = fn(*args, **kw)
    return result, time.perf_counter() - start


def startup(args: list[str], runs: int = 10) -> float:
    """Median seconds to run `args` as a new process, to its end."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(args, capture_output=True, check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bare_python() -> float:
    """Median seconds of `python -c pass`: what every command costs before voiceguide starts."""
    return startup([sys.executable, "-c", "pass"])


def speech(folder: Path) -> tuple[dict[str, Audio], dict[str, str]]:
    """The shared speech files and their reference transcripts (references.tsv)."""
    refs = dict(
        line.split("\t", 1)
        for line in (folder / "references.tsv").read_text("utf-8").splitlines()
        if "\t" in line
    )
    return {name: Audio.load(folder / name) for name in refs}, refs


def commit(tree: Path = ROOT) -> str:
    """The short commit a tree has checked out."""
    return subprocess.run(
        ["git", "-C", str(tree), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    ).stdout.strip()
