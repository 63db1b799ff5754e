"""Every point of GUIDANCE.md is covered by built-in script lines; losing one fails here."""

from __future__ import annotations

import re
from pathlib import Path

import yaml
from conftest import ROOT, TESTS

from voiceguide.cli import build_parser
from voiceguide.guidance.library import builtin_dir
from voiceguide.guidance.parser import parse

GUIDANCE = ROOT.parent / "shared" / "GUIDANCE.md"
COVERAGE = TESTS / "data" / "guidance-coverage.yaml"


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("\u2019", "'")).split())


def _points() -> list[str]:
    """Each bullet of GUIDANCE.md (with its continuation lines)."""
    points: list[str] = []
    for line in GUIDANCE.read_text("utf-8").splitlines():
        stripped = line.strip()
        if stripped.startswith("- "):
            points.append(stripped[2:])
        elif stripped and points and line.startswith("  ") and not stripped.startswith("#"):
            points[-1] += " " + stripped
    return points


def _spoken() -> dict[str, str]:
    """Every built-in script's spoken lines, as plain words (includes resolved)."""
    texts = {p.stem: p.read_text("utf-8") for p in builtin_dir().glob("*.txt")}

    def resolve(name: str) -> tuple[str, str] | None:
        return (texts[name], name) if name in texts else None

    return {
        name: _plain(" ".join(t for _, t in parse(text, name, include=resolve).spoken()))
        for name, text in texts.items()
    }


def test_every_point_of_the_guidance_is_covered_by_script_lines() -> None:
    coverage = yaml.safe_load(COVERAGE.read_text("utf-8"))
    spoken = _spoken()
    commands = set(build_parser()._subparsers._group_actions[0].choices)  # type: ignore[union-attr]
    points = _points()
    assert len(points) >= 30, "GUIDANCE.md was not read"
    missing: list[str] = []
    for point in points:
        mapped = [c for c in coverage if _plain(point).startswith(_plain(c["point"]))]
        if not mapped:
            missing.append(f"no coverage listed for: {point[:70]}")
            continue
        for item in mapped[0]["covered_by"]:
            if "command" in item:
                if item["command"] not in commands:
                    missing.append(f"{point[:50]}: no command {item['command']!r}")
            elif _plain(item["says"]) not in spoken.get(item["script"], ""):
                missing.append(f"{point[:50]}: {item['script']!r} no longer says {item['says']!r}")
    assert not missing, "\n".join(missing)


def test_whenever_substances_come_up_prescribed_medication_is_mentioned() -> None:
    for name, words in _spoken().items():
        if re.search(r"\b(alcohol|cannabis|stimulants|depressants)\b", words):
            assert "physician" in words and "medication" in words, name


# -- say, don't read out -------------------------------------------------------------------------
#: Lines of content.py that are printed, never spoken (they may name a command or a path).
PRINTED = {
    "BRIEF_AUDIO_TYPE",
    "BRIEF_MISSING_GLYPHS",
    "BRIEF_WITHOUT_VOICE",
    "REMINDER_NOTICE",
    "REMINDER_SET",
    "REMINDER_NONE",
    "REMINDER_OFF",
    "SAVED_NO_SPEAKER",
    "SHORTER_INSTEAD",
    "MENU_HINT",
    "MOOD_HINT",
    "YES_NO_HINT",
}
_COMMANDS = (
    "meditate intention during reflect prepare integrate infusion scripts transcribe journal "
    "recap note themes brief recover encrypt decrypt voices config remind devices doctor"
).split()
_READ_OUT = re.compile(
    rf"voiceguide ({'|'.join(_COMMANDS)})\b|--[a-z]|/|\.(pdf|html|md|flac)\b|\b1 minutes\b"
)


def _spoken_constants() -> list[tuple[str, str]]:
    from voiceguide.conversation import content

    found: list[tuple[str, str]] = []
    for name, value in vars(content).items():
        if name.startswith("_") or name in PRINTED:
            continue
        values = value.values() if isinstance(value, dict) else [value]
        found += [(name, v) for v in values if isinstance(v, str)]
    return found


def test_no_spoken_line_reads_out_a_path_or_a_command_line(tmp_path: Path) -> None:
    """Paths and command lines are shown, never said ("slash TMP slash x slash brief dot
    PDF"): every line of every built-in script, and every line said between them."""
    from voiceguide.guidance.library import Library

    library = Library(tmp_path)
    spoken = [
        (f"{name}.txt", text)
        for name in library.names()
        for _, text in library.load(name, builtin=True).spoken()
    ]
    spoken += _spoken_constants()
    assert len(spoken) > 100
    read_out = [(where, text) for where, text in spoken if _READ_OUT.search(text)]
    assert read_out == []


def test_a_minute_is_one_minute() -> None:
    from voiceguide.wording import a_number, minutes_phrase

    assert minutes_phrase(1) == "1 minute" and minutes_phrase(2.5) == "2.5 minutes"
    assert a_number(8) == "An eight" and a_number(6) == "A six"
