"""voiceguide's benchmarks: one module per section of BENCHMARKS.md.

Each section module has `TITLE` (its heading in BENCHMARKS.md), `add_arguments(parser)` for its
own options, and `run(opts) -> str`, the section's text under the heading. `scripts/benchmark`
runs the sections asked for and rewrites only those (`document.write_sections`), so a section
measured on its own, or on another day, is never erased by another run.
"""

#: Every section, in the order BENCHMARKS.md shows them.
SECTIONS: tuple[str, ...] = (
    "startup",
    "transcription",
    "time_to_journal",
    "large_journal",
    "journal_trees",
    "voices",
    "rendering",
    "first_sound",
    "long_recording",
    "listening",
    "until_listening",
    "playback",
    "held_up",
    "hearing",
    "merging",
)
#: What `scripts/benchmark` runs when no section is named: the ones that need neither another
#: tree to compare with nor long runs in real time (about 10 minutes on 2 cores).
DEFAULT: tuple[str, ...] = (
    "startup",
    "transcription",
    "time_to_journal",
    "large_journal",
    "voices",
    "rendering",
    "first_sound",
    "long_recording",
)
