"""`voiceguide journal list` and `journal search` over a large generated journal, each a new
process, as a person runs them."""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import time
from pathlib import Path

from benchmarks.common import VOICEGUIDE, bare_python

TITLE = "A large journal"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """--journal-entries."""
    parser.add_argument(
        "--journal-entries",
        type=int,
        default=10000,
        help="entries in the generated journal for list and search (default 10000)",
    )


def run(opts: argparse.Namespace) -> str:
    """The large-journal table."""
    return "\n".join(journal_scale_rows(opts.journal_entries, bare_python()))


def generate_journal(home: Path, n: int, seed: int = 1) -> None:
    """`n` entries written straight as Markdown: two answers of 60 words each, drawn from a small
    vocabulary (so common words are in nearly every entry: the hardest case for search), and a
    rare word ("lighthouse") in one entry of a hundred."""
    import datetime as dt
    import random

    from voiceguide.fsutil import private_dir
    from voiceguide.journal.entry import Answer, Entry, render_markdown

    rng = random.Random(seed)
    words = (
        "the sea light breath calm fear garden mother walk felt saw heavy open warm quiet music "
        "colours body family grief hope tired rest kind gentle river"
    ).split()
    start = dt.datetime(2020, 1, 1, 9, 0)
    for i in range(n):
        when = start + dt.timedelta(hours=5 * i)
        kind = ("preparation", "reflection", "integration", "intention")[i % 4]
        texts = [" ".join(rng.choice(words) for _ in range(60)) + "." for _ in range(2)]
        if i % 100 == 7:
            texts[1] = "I saw a lighthouse. " + texts[1]
        entry = Entry(
            date=when,
            kind=kind,
            answers=tuple(
                Answer(question=f"Question {k + 1}?", text=t) for k, t in enumerate(texts)
            ),
            infusion=i // 40 + 1,
            extra=(("mood", rng.randint(0, 10)),),
        )
        folder = private_dir(home / "journal" / f"{when:%Y}" / f"{when:%m}" / f"{when:%d}")
        (folder / f"{when:%H%M%S}-{kind}.md").write_text(render_markdown(entry), "utf-8")


def journal_scale_rows(n: int, bare: float) -> list[str]:
    """Seconds for `voiceguide journal list/search` over `n` entries, as a new process each time."""
    import tempfile

    exe = str(VOICEGUIDE)
    rows = [
        f"{n:,} generated entries (two 60-word answers each, from a 25-word vocabulary, so the "
        "common words are in nearly every entry; 'lighthouse' is in one entry of a hundred). "
        "Each command is a new process (Python start-up included, "
        f"{bare:.3f} s of it), printing to a pipe; median of 5. Cold: the first run, which builds "
        "the index beside the files from the Markdown.",
        "",
        "| command | result | seconds (target < 0.5 s) |",
        "| --- | --- | --- |",
    ]
    commands = [
        (["journal", "list"], "every entry"),
        (
            [
                "journal",
                "list",
                "--kind",
                "reflection",
                "--since",
                "2023-01-01",
                "--until",
                "2023-06-30",
            ],
            "",
        ),
        (["journal", "search", "lighthouse"], ""),
        (["journal", "search", "sea", "garden"], ""),
        (["journal", "search", "grief", "hope", "music"], ""),
    ]
    with tempfile.TemporaryDirectory() as home:
        generate_journal(Path(home), n)
        env = {**os.environ, "VOICEGUIDE_HOME": home}

        def once(args: list[str]) -> tuple[float, str]:
            began = time.perf_counter()
            done = subprocess.run([exe, *args], env=env, capture_output=True, text=True, check=True)
            return time.perf_counter() - began, done.stdout

        cold, _ = once(["journal", "list"])
        rows.append(
            f"| `voiceguide journal list` (cold: no index yet) | {n:,} lines | {cold:.2f} s |"
        )
        for args, _what in commands:
            runs = [once(args) for _ in range(5)]
            seconds = statistics.median(r[0] for r in runs)
            found = len(runs[0][1].splitlines())
            result = f"{found:,} lines" if args[1] == "list" else f"{found} shown (best 20)"
            rows.append(f"| `voiceguide {' '.join(args)}` | {result} | {seconds:.2f} s |")
    return rows
