"""Playing a session: start at once, show progress (the keys that pause and quit are in
voiceguide.terminal; with no terminal the session simply plays, and Ctrl-C stops it)."""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from typing import TextIO

import numpy as np

from voiceguide.audio.clip import Audio
from voiceguide.interfaces import Controls, Player


class Progress:
    """One line on a terminal: elapsed / total, and the step being spoken."""

    def __init__(self, total: float, out: TextIO | None = None) -> None:
        self.total = total
        self.out = out if out is not None else sys.stderr
        self.enabled = self.out.isatty()
        self._shown = -1

    def show(self, seconds: float, step: str = "", paused: bool = False) -> None:
        if not self.enabled or int(seconds) == self._shown and not paused:
            return
        self._shown = int(seconds)
        width = 24
        done = int(width * min(1.0, seconds / self.total)) if self.total else width
        bar = "#" * done + "-" * (width - done)
        state = "paused (space resumes)" if paused else step[:40]
        self.out.write(f"\r  {_clock(seconds)} / {_clock(self.total)} [{bar}] {state:<40}")
        self.out.flush()

    def close(self) -> None:
        if self.enabled:
            self.out.write("\n")
            self.out.flush()


def _clock(seconds: float) -> str:
    seconds = int(seconds)
    return f"{seconds // 60}:{seconds % 60:02d}"


def play_pieces(
    player: Player,
    pieces: Iterator[Audio],
    *,
    controls: Controls | None = None,
    on_position: Callable[[float], None] | None = None,
) -> bool:
    """Play audio pieces back to back as one stream, starting with the first at once; False
    when the person quit early."""
    return player.play_stream(pieces, controls=controls, on_position=on_position)


def silence_while(ready: threading.Event, rate: int, block: float = 0.1) -> Iterator[Audio]:
    """Short pieces of silence until `ready` is set (a session still being prepared)."""
    zeros = Audio(np.zeros(int(rate * block), np.float32), rate)
    while not ready.wait(0):
        yield zeros
        ready.wait(block / 2)
