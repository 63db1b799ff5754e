"""The session script format: parsing (golden files), every error `scripts check` reports,
and a person's own scripts adding to or replacing the built-in ones."""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path

import pytest
from conftest import TESTS, Run

from voiceguide.engines.fakes import ToneSynthesizer
from voiceguide.errors import ScriptError
from voiceguide.guidance.library import Library
from voiceguide.guidance.parser import check, parse
from voiceguide.guidance.render import render_session
from voiceguide.guidance.script import parse_duration

DATA = TESTS / "data" / "scripts"


def _resolver(name: str) -> tuple[str, str] | None:
    path = DATA / f"{name}.txt"
    return (path.read_text("utf-8"), name) if path.is_file() else None


def _as_data(script) -> dict:  # type: ignore[no-untyped-def]
    return {
        "title": script.title,
        "about": script.about,
        "minutes": script.minutes,
        "entry": script.entry,
        "volume": script.volume,
        "lead_in": script.lead_in,
        "steps": [{"step": type(s).__name__, **dataclasses.asdict(s)} for s in script.steps],
    }


def test_sample_script_matches_its_golden_file() -> None:
    script = parse((DATA / "sample.txt").read_text("utf-8"), "sample", include=_resolver)
    expected = json.loads((DATA / "sample.json").read_text("utf-8"))
    assert json.loads(json.dumps(_as_data(script))) == expected
    assert script.asks


def test_every_problem_is_reported_with_its_line_number() -> None:
    problems = check((DATA / "broken.txt").read_text("utf-8"), "broken", include=_resolver)
    expected = (DATA / "broken.expected").read_text("utf-8").splitlines()
    assert [str(p) for p in problems] == expected
    with pytest.raises(ScriptError, match="line 3"):
        parse((DATA / "broken.txt").read_text("utf-8"), "broken", include=_resolver)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("5", 5), ("5s", 5), ("2.5 s", 2.5), ("1m", 60), ("1m30s", 90), ("2 minutes", 120)],
)
def test_durations(text: str, seconds: float) -> None:
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "soon", "5h", "-3", "m"])
def test_bad_durations(text: str) -> None:
    with pytest.raises(ValueError):
        parse_duration(text)


def test_includes_that_loop_are_caught() -> None:
    texts = {"a": "Hello.\n[include] b\n", "b": "Again.\n[include] a\n"}
    problems = check(texts["a"], "a", include=lambda n: (texts[n], n) if n in texts else None)
    assert any("includes itself (a loop)" in str(p) for p in problems)


def test_an_empty_script_is_a_problem() -> None:
    assert [str(p) for p in check("# only a comment\n")] == ["the script has nothing to say"]


def test_every_built_in_script_is_valid(tmp_path: Path) -> None:
    library = Library(tmp_path)
    names = library.names()
    assert {"grounding", "breath", "return-to-intention", "prepare", "reflect"} <= set(names)
    assert {"integrate", "during", "notice", "intention", "intention-going-forward"} <= set(names)
    for name, path in names.items():
        assert library.check_file(path) == [], name


def test_meditations_fit_their_lengths(tmp_path: Path) -> None:
    library = Library(tmp_path)
    synth = ToneSynthesizer(seconds_per_word=0.4)  # a little slower than the real voice
    for name, minutes in (
        ("grounding", 5),
        ("grounding", 20),
        ("breath", 5),
        ("return-to-intention", 2),
    ):
        rendered = render_session(library.load(name), synth, minutes=minutes)
        assert rendered.audio.duration == pytest.approx(minutes * 60, abs=0.01)
        assert rendered.silence_seconds >= rendered.audio.duration / 2


def test_a_persons_own_script_replaces_a_built_in_one_and_adds_new_ones(
    run: Run, tmp_path: Path
) -> None:
    own = run.home / "scripts"
    own.mkdir(parents=True)
    (own / "grounding.txt").write_text(
        "[title] My own grounding\n[minutes] 2\nBreathe, and be here.\n[pause 10s]\n", "utf-8"
    )
    (own / "evening.txt").write_text("[title] Evening wind-down\nGood evening.\n", "utf-8")
    listed = run("scripts", "list")
    assert listed.returncode == 0, listed.stderr
    lines = {line.split()[0]: line for line in listed.stdout.splitlines()}
    assert "yours" in lines["grounding"] and "My own grounding" in lines["grounding"]
    assert "yours" in lines["evening"] and "built-in" in lines["breath"]
    out = tmp_path / "mine.wav"
    result = run("meditate", "--script", "grounding", "--out", str(out))
    assert result.returncode == 0, result.stderr
    import soundfile

    assert soundfile.info(str(out)).duration == pytest.approx(120, abs=0.1)  # its own length
    # Round trip: what `scripts show` prints parses to the same script.
    shown = run("scripts", "show", "grounding")
    assert shown.stdout == (own / "grounding.txt").read_text("utf-8")


def test_scripts_check_reports_every_problem_and_exits_1(run: Run, tmp_path: Path) -> None:
    broken = tmp_path / "broken.txt"
    broken.write_text((DATA / "broken.txt").read_text("utf-8"), "utf-8")
    result = run("scripts", "check", str(broken))
    assert result.returncode == 1
    reported = [line.split(": ", 1)[1] for line in result.stdout.splitlines()]
    expected = (DATA / "broken.expected").read_text("utf-8").splitlines()
    # The last include fails for a different reason here: no sample scripts in this home.
    assert reported == expected
    assert "16 problems" in result.stderr

    latin = tmp_path / "latin.txt"
    latin.write_bytes("Caf\xe9 au lait.\n".encode("latin-1"))
    result = run("scripts", "check", str(latin))
    assert result.returncode == 1 and "not UTF-8" in result.stdout

    fine = run("scripts", "check", "prepare")
    assert fine.returncode == 0 and "fine" in fine.stdout

    missing = run("scripts", "check", str(tmp_path / "nope.txt"))
    assert missing.returncode == 1 and "no script file" in missing.stderr


def test_a_broken_own_script_is_one_clear_error(run: Run, tmp_path: Path) -> None:
    own = run.home / "scripts"
    own.mkdir(parents=True)
    (own / "grounding.txt").write_text("Hello.\n[pause forever]\n", "utf-8")
    result = run("meditate", "--out", str(tmp_path / "x.wav"))
    assert result.returncode == 1
    assert "line 2" in result.stderr and "Traceback" not in result.stderr


def test_a_script_far_too_long_for_the_time_asked_is_refused_before_a_word_is_said(
    tmp_path: Path,
) -> None:
    """A 1,990-line script asked for in one minute was synthesized for more than a minute
    before it was refused: its words alone show it cannot fit, so almost nothing of it is said
    (the one-minute breathing space is played instead, as for a built-in script)."""
    from conftest import Turns, fake_app

    home = tmp_path / "home"
    own = home / "scripts"
    own.mkdir(parents=True)
    lines = "".join(f"Line {i}: let the breath come and go as it will.\n" for i in range(1990))
    (own / "endless.txt").write_text("[title] Endless\n" + lines, "utf-8")
    app, player, synth = fake_app(home, Turns())
    app.meditate(minutes=1, script="endless", out=tmp_path / "one.flac")
    assert not any(text.startswith("Line ") for text in synth.spoken)
    assert player.seconds == 0 and (tmp_path / "one.flac").exists()
