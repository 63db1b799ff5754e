"""The command line: a thin shell over the Python API (voiceguide.app), with a single exit point.

parser.py    the grammar: every command and option
handlers.py  one small handler per command, in a table by name
output.py    what is printed: entries, search hits, skipped files
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from typing import TextIO

from voiceguide.cli.parser import build_parser
from voiceguide.errors import VoiceguideError

__all__ = ["build_parser", "main", "run"]


def run(args: argparse.Namespace) -> int:
    """Carry out one parsed command."""
    from voiceguide.cli.handlers import HANDLERS

    return HANDLERS[args.command](args)


#: Control characters a terminal would act on (an escape sequence in a hand-edited entry can
#: retitle, recolour or rewrite the screen): shown as \x1b and so on; tab and line ends kept.
_CONTROLS = {c: f"\\x{c:02x}" for c in [*range(0x20), 0x7F, *range(0x80, 0xA0)]}
for _kept in (0x09, 0x0A, 0x0D):
    del _CONTROLS[_kept]


class _ReaderMayLeave:
    """Standard output or error as a person sees it. A reader may stop reading (`voiceguide
    brief ... | head`): what is printed after that goes nowhere, and the command still finishes
    its work. On a terminal, control characters in the person's text are shown, not obeyed
    (written to a file or a pipe, the text is exactly as it is)."""

    def __init__(self, stream: TextIO) -> None:
        self._stream = stream
        try:
            self._terminal = stream.isatty()
        except (OSError, ValueError):
            self._terminal = False

    def write(self, text: str) -> int:
        try:
            return self._stream.write(text.translate(_CONTROLS) if self._terminal else text)
        except BrokenPipeError:
            self._left()
            return len(text)

    def flush(self) -> None:
        try:
            self._stream.flush()
        except BrokenPipeError:
            self._left()

    def _left(self) -> None:
        import os

        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, self._stream.fileno())  # and the final flush at exit too
        os.close(devnull)

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run a command; errors become one sentence and exit code 1."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    # Ctrl-C (SIGINT) always stops voiceguide cleanly, even when it was started from a shell
    # or a program that ignores SIGINT for its children (a background job, some CI runners):
    # Python would otherwise keep that "ignore" and `during` could only be killed.
    import signal

    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if sys.stdout is not None and not isinstance(sys.stdout, _ReaderMayLeave):
        sys.stdout = _ReaderMayLeave(sys.stdout)
    if sys.stderr is not None and not isinstance(sys.stderr, _ReaderMayLeave):
        sys.stderr = _ReaderMayLeave(sys.stderr)
    try:
        args = build_parser().parse_args(argv)
        return run(args)
    except VoiceguideError as exc:
        if debug:
            raise
        print(f"voiceguide: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  {exc.hint}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nvoiceguide: stopped.", file=sys.stderr)
        return 130
    except OSError as exc:
        if debug:
            raise
        from voiceguide.errors import from_os_error

        print(f"voiceguide: {from_os_error(exc).message}", file=sys.stderr)
        return 1
    except Exception as exc:
        if debug:
            raise
        print(f"voiceguide: something went wrong: {exc}", file=sys.stderr)
        print("  Run the same command with --debug for the details.", file=sys.stderr)
        return 1
