"""The grounding meditation rendered whole, as `meditate --out` does: an empty synthesis cache
against the same session again."""

from __future__ import annotations

import argparse
import shutil
import tempfile
from pathlib import Path

from benchmarks.common import timed
from benchmarks.voices import grounding

TITLE = "Rendering a meditation"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options of its own."""


def run(opts: argparse.Namespace) -> str:
    """The rendering table."""
    from voiceguide.engines.piper import PiperSynthesizer
    from voiceguide.engines.system_voice import SystemVoice
    from voiceguide.engines.voicecache import CachedSynthesizer
    from voiceguide.guidance.render import render_session

    script = grounding()
    lines = [
        "The grounding meditation rendered whole (every line synthesized, levelled to -16 LUFS, "
        "ambient bed mixed, true peak limited), as `--out` does. Cold: an empty synthesis "
        "cache; cached: the same session again. Playback does not wait for this: it starts "
        "with the first step while the rest is prepared.",
        "",
        "| voice | length | ambient | cold render | cached render | cached / cold |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    voices = {"piper (natural)": PiperSynthesizer, "system (espeak-ng)": SystemVoice}
    for name, make in voices.items():
        for minutes, ambient in ((10, "none"), (20, "surf")):
            folder = Path(tempfile.mkdtemp(prefix="vg-bench-cache-"))
            try:
                seconds = [
                    timed(
                        render_session,
                        script,
                        CachedSynthesizer(make(rate=135), folder),
                        minutes=minutes,
                        ambient=ambient,
                    )[1]
                    for _ in ("cold", "cached")
                ]
            finally:
                shutil.rmtree(folder, ignore_errors=True)
            cold, cached = seconds
            lines.append(
                f"| {name} | {minutes} min | {ambient} | {cold:.2f} s | {cached:.2f} s | "
                f"{cached / cold:.2f} (target <= 0.5) |"
            )
    return "\n".join(lines)
