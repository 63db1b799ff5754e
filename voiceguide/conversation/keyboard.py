"""Enter to stop listening, when there is a keyboard; nothing breaks when there is none."""

from __future__ import annotations

import sys
import threading

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
