"""The terminal, when voiceguide runs in one: Enter read line by line while listening, and single
keys while a session plays (space pauses, q quits). Nothing breaks when there is no terminal."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator
from typing import TextIO

from voiceguide.interfaces import Controls

_event = threading.Event()
_reader: threading.Thread | None = None
_typed: list[str] = []


def _read_lines() -> None:
    try:
        for line in sys.stdin:
            _typed.append(line.strip())
            _event.set()
    except (OSError, ValueError):
        return


def reading() -> bool:
    """Whether Enter is being read line by line already (after the first listening turn)."""
    return _reader is not None


def typed() -> str | None:
    """What was typed before Enter in this listening turn ("" for Enter alone; None if nothing)."""
    return _typed[-1] if _typed else None


def enter_pressed() -> threading.Event:
    """An event set when the person presses Enter; cleared for each new listening turn."""
    global _reader
    if _reader is None and sys.stdin is not None and not sys.stdin.closed:
        _reader = threading.Thread(target=_read_lines, name="enter-key", daemon=True)
        _reader.start()
    _event.clear()
    _typed.clear()
    return _event


def ask(prompt: str) -> str:
    """Ask at the keyboard and return the line typed ("" at the end of input): through the
    Enter reader when it already reads the lines, so no line goes to the wrong reader."""
    if _reader is None:
        try:
            return input(prompt)
        except EOFError:
            return ""
    entered = enter_pressed()  # cleared before the question is shown, so no answer is lost
    print(prompt, end="", flush=True)
    while _reader.is_alive() and not entered.wait(0.2):
        pass
    return typed() or ""


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
    if skip and reading():
        enter = enter_pressed()

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
