"""The terminal, when voiceguide runs in one: Enter read line by line while listening, and single
keys while a session plays (space pauses, q quits). Nothing breaks when there is no terminal."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TextIO

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
    elif skip and reading():
        enter = enter_pressed()  # cleared once, now: Enter from here on skips
        with _watching(lambda: enter.wait(0.1), controls, lambda pressed: True):
            yield controls
    else:
        import termios
        import tty

        fd = stream.fileno()
        saved = termios.tcgetattr(fd)
        tty.setcbreak(fd, termios.TCSANOW)  # a key pressed just before still counts
        try:
            with _watching(lambda: _key(fd), controls, lambda key: _act(key, controls, skip)):
                yield controls
        finally:
            termios.tcsetattr(fd, termios.TCSADRAIN, saved)


@contextlib.contextmanager
def _watching(
    wait: Callable[[], object], controls: Controls, act: Callable[[Any], object]
) -> Iterator[None]:
    """A thread that waits for a key (`wait`, returning it, or nothing within a tenth of a
    second) and acts on it (`act`, True when there is nothing more to watch for)."""
    stop = threading.Event()

    def watch() -> None:
        while not stop.is_set():
            key = wait()
            if key and act(key):
                controls.quit.set()
                return

    watcher = threading.Thread(target=watch, name="keys", daemon=True)
    watcher.start()
    try:
        yield
    finally:
        stop.set()
        watcher.join(timeout=1)


def _key(fd: int) -> bytes | None:
    """The next key pressed, or None after a tenth of a second without one."""
    import select

    ready, _, _ = select.select([fd], [], [], 0.1)
    return os.read(fd, 1) if ready else None


def _act(key: bytes, controls: Controls, skip: bool) -> bool:
    """Act on a key: True when it ends the session (q) or skips the explanation (`skip`)."""
    if skip:
        return key in (b" ", b"\n", b"\r")
    if key == b" ":
        if controls.paused.is_set():
            controls.paused.clear()
        else:
            controls.paused.set()
    return key in (b"q", b"Q")
