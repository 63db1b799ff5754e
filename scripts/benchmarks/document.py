"""BENCHMARKS.md, section by section: a run rewrites the sections it measured and no other."""

from __future__ import annotations

import os
import platform
import re
import time
from pathlib import Path


def machine() -> str:
    """The line that says where the numbers were measured."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        f"Machine: {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, "
        f"{platform.system()} {platform.release()}. Each section says when and how it was "
        f"measured; this line was last written {time.strftime('%Y-%m-%d')}."
    )


def write_sections(out: Path, bodies: dict[str, str], order: list[str]) -> None:
    """Replace each `## title` section of `out` by its new body (a section not there yet goes
    where `order` puts it), keeping every other section as it was."""
    text = out.read_text("utf-8") if out.exists() else "# Benchmarks\n\nMachine:\n"
    text = re.sub(r"^Machine:.*$", lambda _: machine(), text, count=1, flags=re.M)
    for title, body in bodies.items():
        section = f"\n## {title}\n\n{body.strip()}\n"
        pattern = re.compile(rf"\n## {re.escape(title)}\n.*?(?=\n## |\Z)", re.S)
        found = pattern.search(text)
        if found:
            text = text[: found.start()] + section + text[found.end() :]
            continue
        later = order[order.index(title) + 1 :] if title in order else []
        starts = [m.start() for t in later if (m := re.search(rf"\n## {re.escape(t)}\n", text))]
        place = min(starts, default=len(text))
        text = text[:place] + section + text[place:]
    out.write_text(text.rstrip() + "\n", "utf-8")
