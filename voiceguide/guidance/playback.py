"""Playing a session: start at once, show progress, space pauses and resumes, q quits.

The keys work when voiceguide runs in a terminal; with no terminal (a script, a service) the
session simply plays, and Ctrl-C stops it either way.
"""

from __future__ import annotations

import contextlib
import dataclasses
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import TextIO

import numpy as np

from voiceguide.audio.clip import Audio
from voiceguide.conversation import keyboard
from voiceguide.interfaces import Player


@dataclasses.dataclass
class Controls:
    """What the person asked for while a session plays."""

    paused: threading.Event = dataclasses.field(default_factory=threading.Event)
    quit: threading.Event = dataclasses.field(default_factory=threading.Event)


@contextlib.contextmanager
def keyboard_controls(stdin: TextIO | None = None, *, skip: bool = False) -> Iterator[Controls]:
    """Space toggles pause, q quits; only when stdin is a terminal (restored afterwards).

    `skip`: for an explanation, Enter or space skips the rest of it (sets `quit`). When Enter is
    already being read line by line (voiceguide has listened before), Enter alone does.
    """
    controls = Controls()
    stream = stdin if stdin is not None else sys.stdin
    if stream is None or not stream.isatty():
        yield controls
        return
    stop = threading.Event()
    if skip and keyboard.reading():
        enter = keyboard.enter_pressed()

        def wait_for_enter() -> None:
            while not stop.is_set():
                if enter.wait(0.1):
                    controls.quit.set()
                    return

        watcher = threading.Thread(target=wait_for_enter, name="enter-skips", daemon=True)
        watcher.start()
        try:
            yield controls
        finally:
            stop.set()
            watcher.join(timeout=1)
        return
    import termios
    import tty

    fd = stream.fileno()
    saved = termios.tcgetattr(fd)

    def read() -> None:
        import select

        while not stop.is_set():
            ready, _, _ = select.select([fd], [], [], 0.1)
            if not ready:
                continue
            key = os.read(fd, 1)
            if skip:
                if key in (b" ", b"\n", b"\r"):
                    controls.quit.set()
                    return
            elif key == b" ":
                if controls.paused.is_set():
                    controls.paused.clear()
                else:
                    controls.paused.set()
            elif key in (b"q", b"Q"):
                controls.quit.set()
                return

    tty.setcbreak(fd, termios.TCSANOW)  # a key pressed just before still counts
    reader = threading.Thread(target=read, name="keys", daemon=True)
    reader.start()
    try:
        yield controls
    finally:
        stop.set()
        reader.join(timeout=1)
        termios.tcsetattr(fd, termios.TCSADRAIN, saved)


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
