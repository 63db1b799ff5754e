"""How quickly each voice speaks its first line, cold and warm, and its real-time factor."""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

from benchmarks.common import timed

if TYPE_CHECKING:
    from voiceguide.guidance.script import Script

TITLE = "Voices"

PARAGRAPH = (
    "Notice where your body meets the chair or the bed beneath you. Let it hold your "
    "weight for a while. If your thoughts start to race, that is all right. Notice them, "
    "and gently come back to the feeling of your breath."
)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options of its own."""


def grounding() -> Script:
    """The built-in grounding meditation (no person's own scripts)."""
    from voiceguide.guidance.library import Library

    return Library(Path(tempfile.gettempdir()) / "no-home").load("grounding")


def run(opts: argparse.Namespace) -> str:
    """The voices table."""
    from voiceguide.engines import piper, system_voice
    from voiceguide.interfaces import Synthesizer

    first_line = next(str(getattr(s, "text")) for s in grounding().steps if hasattr(s, "text"))  # noqa: B009
    lines = [
        "Time to first audio is the first line of the grounding meditation, in a voice not yet "
        "loaded (piper's includes loading and hash-checking the model). Real-time factor is "
        "synthesis time / audio length for a three-sentence paragraph, warm.",
        "",
        "| voice | time to first audio (cold) | first line (warm) | RTF |",
        "| --- | --- | --- | --- |",
    ]
    voices: dict[str, Synthesizer] = {
        "piper (natural)": piper.PiperSynthesizer(rate=135),
        "system (espeak-ng)": system_voice.SystemVoice(rate=135),
    }
    for name, voice in voices.items():
        _, cold = timed(voice.synthesize, first_line)
        _, warm = timed(voice.synthesize, first_line)
        audio, seconds = timed(voice.synthesize, PARAGRAPH)
        lines.append(f"| {name} | {cold:.2f} s | {warm:.2f} s | {seconds / audio.duration:.3f} |")
    return "\n".join(lines)
