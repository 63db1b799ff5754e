"""The spoken menu, with the shipped fakes: what it offers at each moment, and how it runs a
choice."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from conftest import (
    Turns,
    make_app,
)

from voiceguide.app import Voiceguide
from voiceguide.audio.clip import Audio
from voiceguide.conversation import content
from voiceguide.journal import series
from voiceguide.journal.entry import Answer, Entry

RATE = 16000
QUIET = Audio.silence(1, RATE)


def _reflected(app: Voiceguide, *, days: int, text: str) -> None:
    """A reflection on infusion 1, `days` ago, filed with no recording."""
    reflection = Entry(
        date=dt.datetime.now().astimezone() - dt.timedelta(days=days),
        kind="reflection",
        answers=(Answer(question="How was it?", text=text),),
        infusion=1,
    )
    app.journal.store.add(reflection, [None])


def test_the_menu_offers_what_fits_the_moment(tmp_path: Path) -> None:
    app, _ = make_app(tmp_path, Turns(), [])
    assert app.infusion_phase() == ("before", None)
    series.set_current(app.settings.home, 1)
    assert app.infusion_phase() == ("day", 0)
    _reflected(app, days=3, text="Calm.")
    assert app.infusion_phase() == ("following", 3)
    today = Entry(
        date=dt.datetime.now().astimezone(),
        kind="reflection",
        answers=(Answer(question="Q", text="Calm."),),
        infusion=2,
    )
    series.set_current(app.settings.home, 2)
    app.journal.store.add(today, [None])
    assert app.infusion_phase() == ("after", 0)


def test_the_menu_runs_a_choice_offers_again_and_says_goodbye(
    tmp_path: Path, voice: dict[str, Audio]
) -> None:
    turns = Turns(voice["answer"], voice["answer"], voice["answer"], voice["answer"])
    texts = ["I'd like to set my intention, please.", "To be gentle with myself.", "Yes.", "Stop."]
    app, synth = make_app(tmp_path, turns, texts)
    app.menu()
    # The first time, the menu says what voiceguide is and how to answer; then the greeting.
    explanation = [step.text for step in app.script("menu").explanation()]  # type: ignore[union-attr]
    assert synth.spoken[: len(explanation)] == explanation
    greeting = synth.spoken[len(explanation)]
    assert greeting.startswith(content.MENU_GREETING["before"])
    assert "prepare for your infusion" in greeting
    intention = app.journal.current_intention()
    assert intention is not None and intention.text == "To be gentle with myself."
    assert any(line.startswith("Is there anything else") for line in synth.spoken)
    assert synth.spoken[-1] == content.MENU_GOODBYE and not turns.sources


def test_the_menu_asks_once_more_when_unclear_and_ends_gently_on_silence(
    tmp_path: Path, voice: dict[str, Audio]
) -> None:
    turns = Turns(voice["answer"], QUIET)
    app, synth = make_app(tmp_path, turns, ["Purple elephants."])
    app.menu()
    assert any(line.startswith("I'm sorry, I didn't quite catch that") for line in synth.spoken)
    assert synth.spoken[-1] == content.MENU_SILENT
    assert not list((tmp_path / "home" / "recordings").glob("*.wav"))


@pytest.mark.parametrize(("yes_or_no", "suffix"), [("No, thank you.", ".pdf"), ("Yes.", ".html")])
def test_the_menu_makes_a_page_for_the_therapist(
    tmp_path: Path, voice: dict[str, Audio], monkeypatch: pytest.MonkeyPatch, yes_or_no: str,
    suffix: str,
) -> None:  # fmt: skip
    """Offered in the days after an infusion and asked for by voice: what the page will hold
    is said, then whether to put the person's voice in it (yes: a web page that plays it; no:
    a PDF), and where it was saved, by name, never by path."""
    documents = tmp_path / "Documents"
    documents.mkdir()
    monkeypatch.setenv("XDG_DOCUMENTS_DIR", str(documents))
    turns = Turns(voice["answer"], voice["answer"], voice["answer"])
    said = ["Could you make a page for my therapist?", yes_or_no, "Stop."]
    app, synth = make_app(tmp_path, turns, said)
    _reflected(app, days=3, text="I saw the sea and my grandmother.")
    app.menu()
    greeting = next(line for line in synth.spoken if line.startswith("Hello. It has been"))
    assert content.MENU_LABELS["brief"] in greeting  # offered, in the days after
    holds = next(i for i, line in enumerate(synth.spoken) if "will hold" in line)
    assert synth.spoken[holds + 1] == content.BRIEF_AUDIO_ASK  # said, then asked
    [page] = documents.iterdir()
    assert page.suffix == suffix and page.stat().st_size > 500
    if suffix == ".html":
        assert "I saw the sea and my grandmother." in page.read_text("utf-8")
    written = next(line for line in synth.spoken if line.startswith("Your brief is ready"))
    assert page.name in written and "Documents" in written and "/" not in written
    assert synth.spoken[-1] == content.MENU_GOODBYE


def test_something_else_offers_everything(tmp_path: Path, voice: dict[str, Audio]) -> None:
    turns = Turns(voice["answer"], voice["answer"])
    app, synth = make_app(tmp_path, turns, ["Something else.", "Goodbye."])
    app.menu()
    everything = next(line for line in synth.spoken if line.startswith("Here is everything"))
    for label in content.MENU_LABELS.values():
        assert label in everything
    assert synth.spoken[-1] == content.MENU_GOODBYE
