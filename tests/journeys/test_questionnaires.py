"""The PHQ-9 and GAD-7 by voice: the published wording, everyday answers mapped onto the four
choices, the instruments' own scoring and bands, the ninth item met at once, and the scores over
the series in the brief."""

from __future__ import annotations

import json
import threading
import time
from pathlib import Path

import pytest
from conftest import (
    Run,
    Turns,
    fake_app,
    said_by_piper,
    speak_into_microphone,
    wait_for_line,
    wait_until,
)

from voiceguide import instruments
from voiceguide.audio.clip import Audio
from voiceguide.conversation import content
from voiceguide.journal.entry import Answer, Entry, parse_markdown

#: (everyday words, the choice they give): each said by voices in the device test below.
EVERYDAY = [
    ("Not at all.", 0),
    ("Never.", 0),
    ("No, not really.", 0),
    ("Zero.", 0),
    ("Several days.", 1),
    ("A couple of days.", 1),
    ("Sometimes.", 1),
    ("Once or twice.", 1),
    ("More than half the days.", 2),
    ("Most days.", 2),
    ("Quite often.", 2),
    ("Two.", 2),
    ("Nearly every day.", 3),
    ("Every single day.", 3),
    ("All the time.", 3),
    ("Three.", 3),
]
UNCLEAR = ["Purple elephants.", "I don't know.", "Not every day."]


@pytest.mark.parametrize(("said", "value"), EVERYDAY)
def test_everyday_words_map_onto_the_four_choices(said: str, value: int) -> None:
    assert instruments.how_often(said) == value


@pytest.mark.parametrize("said", UNCLEAR)
def test_an_unclear_answer_gives_no_choice(said: str) -> None:
    assert instruments.how_often(said) is None


def test_the_published_wording_scoring_and_bands() -> None:
    phq, gad = instruments.load("phq9"), instruments.load("gad7")
    assert phq.stem.startswith("Over the last 2 weeks, how often have you been bothered by")
    assert len(phq.items) == 9 and len(gad.items) == 7
    assert phq.items[8] == (
        "Thoughts that you would be better off dead or of hurting yourself in some way"
    )
    assert gad.items[0] == "Feeling nervous, anxious, or on edge"
    assert phq.choices == ("Not at all", "Several days", "More than half the days",
                           "Nearly every day")  # fmt: skip
    assert (phq.most, gad.most) == (27, 21)
    assert [phq.band(t) for t in (0, 4, 5, 9, 10, 14, 15, 19, 20, 27)] == [
        "Minimal", "Minimal", "Mild", "Mild", "Moderate", "Moderate", "Moderately severe",
        "Moderately severe", "Severe", "Severe",
    ]  # fmt: skip
    assert [gad.band(t) for t in (4, 5, 10, 15, 21)] == [
        "Minimal",
        "Mild",
        "Moderate",
        "Severe",
        "Severe",
    ]
    assert instruments.score([1, 2, 3]) == 6 and instruments.score([1, None, 3]) is None
    assert "Pfizer" in phq.source and "2006" in gad.version


def _spoken_after(spoken: list[str], first: str) -> list[str]:
    return spoken[spoken.index(first) :]


def test_a_phq9_by_voice_scores_flags_the_ninth_item_at_once_and_is_filed(
    tmp_path: Path, speech: Path
) -> None:
    """Everyday words, one unclear answer asked again with the four choices, the ninth item
    above "not at all": the safety message at once, word for word, with the person's numbers;
    then the questionnaire goes on; the total with its band, and "not a diagnosis"."""
    answer = Audio.load(speech / "one_two_three.wav").for_speech(16000)
    said = [
        "Not at all.", "Several days.", "A couple of days.", "Most days.", "Every single day.",
        "Never.", "Purple.", "Two.", "More than half the days.", "Several days.",
        "Somewhat difficult.",
    ]  # fmt: skip
    app, _, synth = fake_app(
        tmp_path / "home", Turns(*[answer] * len(said)), said, crisis_line="988, or 116 123"
    )
    entry = app.questionnaire("phq9")
    assert entry is not None
    spoken = synth.spoken
    form = instruments.load("phq9")
    assert form.stem in spoken
    assert "Question 1 of 9. Little interest or pleasure in doing things." in spoken
    again = next(line for line in spoken if line.startswith("You can answer not at all, several"))
    assert again.endswith(form.items[6] + ".")
    safety = (
        "Thank you for telling me. That can be hard to say. Please contact your clinic or your "
        "therapist today. If you are in danger right now, call your local emergency number. "
        "The numbers you have set are: 988, or 116 123. When you are ready, we will go on."
    )
    ninth = spoken.index(f"Question 9 of 9. {form.items[8]}.")
    assert spoken[ninth + 1] == safety  # at once, before anything else
    assert spoken[ninth + 2] == form.difficulty  # and then it goes on
    assert spoken[-1] == (
        "Thank you. Your PHQ-9 total is 12 out of 27, which the questionnaire calls moderate. "
        "These are not a diagnosis."
    )
    assert entry.kind == "questionnaire" and len(entry.answers) == 9
    assert [a.question for a in entry.answers] == list(form.items)
    assert entry.get("instrument") == "phq9" and entry.get("total") == 12
    assert entry.get("band") == "Moderate" and entry.get("safety_flag") is True
    assert entry.get("difficulty") == "Somewhat difficult"
    assert [i["score"] for i in entry.get("items")] == [0, 1, 1, 2, 3, 0, 2, 2, 1]
    assert entry.get("items")[6]["said"] == "Two."
    assert all(a.audio for a in entry.answers)  # each answer's own voice is kept


def test_no_crisis_message_when_the_ninth_item_is_not_at_all(tmp_path: Path, speech: Path) -> None:
    answer = Audio.load(speech / "one_two_three.wav").for_speech(16000)
    said = ["Never."] * 9
    app, _, synth = fake_app(tmp_path / "home", Turns(*[answer] * 9), said)
    entry = app.questionnaire("phq9")
    assert entry is not None and entry.get("safety_flag") is False and entry.get("total") == 0
    assert not any("emergency" in line for line in synth.spoken)
    assert synth.spoken[-1].endswith("calls minimal. These are not a diagnosis.")


def test_skip_and_go_back_work_and_a_skipped_item_leaves_it_unscored(
    tmp_path: Path, speech: Path
) -> None:
    answer = Audio.load(speech / "one_two_three.wav").for_speech(16000)
    said = ["Several days.", "Go back.", "Most days.", "Skip.", "Never.", "Never.", "Never.",
            "Never.", "Never."]  # fmt: skip
    app, _, synth = fake_app(tmp_path / "home", Turns(*[answer] * len(said)), said)
    entry = app.questionnaire("gad7")
    assert entry is not None
    assert [i["score"] for i in entry.get("items")] == [2, None, 0, 0, 0, 0, 0]
    assert entry.get("total") is None and entry.get("band") is None
    assert "has no total this time" in synth.spoken[-1]
    first = "Question 1 of 7. Feeling nervous, anxious, or on edge."
    assert synth.spoken.count(first) == 2  # asked again after "go back"


def test_the_menu_asks_once_and_offers_only_after_a_yes(tmp_path: Path, speech: Path) -> None:
    answer = Audio.load(speech / "one_two_three.wav").for_speech(16000)
    home = tmp_path / "home"
    app, _, synth = fake_app(home, Turns(answer, answer), ["No, thank you.", "Stop."])
    app.menu()
    assert content.QUESTIONNAIRE_ASK in synth.spoken
    assert not any("PHQ-9" in line for line in synth.spoken if "Would you like" in line)
    app, _, synth = fake_app(home, Turns(answer), ["Stop."])
    app.menu()
    assert content.QUESTIONNAIRE_ASK not in synth.spoken  # asked once
    app, _, synth = fake_app(home, Turns(answer, answer), ["Something else.", "Stop."])
    app.menu()
    assert not any("PHQ-9" in line for line in synth.spoken)  # nothing offered without a yes

    yes_home = tmp_path / "yes"
    app, _, synth = fake_app(yes_home, Turns(answer, answer), ["Yes, it does.", "Stop."])
    app.menu()
    offer = next(line for line in synth.spoken if "Would you like to" in line)
    assert "answer the PHQ-9" in offer and "answer the GAD-7" in offer


@pytest.mark.devices
def test_a_whole_phq9_by_voice_on_the_virtual_devices(
    run: Run, virtual_audio: None, tmp_path: Path
) -> None:
    """Nine answers and the closing question said by the natural voice into the microphone,
    every one in everyday words; filed, scored and listed. Asked again with the choices (the
    questionnaire's way with an answer it did not understand), the person says it again, as
    anyone would; at most once in the ten (through the virtual microphone of a busy machine,
    one answer of ten was seen asked again in CI; the tests then answered the next question
    instead, and every answer after it went to the question before)."""
    run.returning_user()
    run.extra["PYTHONUNBUFFERED"] = "1"  # each line shown as it is said
    said = [
        "Never.", "Several days.", "A couple of days.", "Most days.", "Not at all.",
        "Sometimes.", "Every single day.", "Never.", "Not at all.", "Somewhat difficult.",
    ]  # fmt: skip
    replies = [said_by_piper(text, tmp_path) for text in said]
    proc = run.start("questionnaire", "phq9")
    shown: list[str] = []
    reader = threading.Thread(target=lambda: shown.extend(iter(proc.stdout.readline, "")))
    reader.start()
    asked_again, index, seen = 0, 0, 0
    while index < len(replies):
        wait_for_line(proc.stderr, "Listening", timeout=120)
        wait_until(lambda n=seen: len(shown) > n, 10, "the question said before listening")
        if any(line.startswith("You can answer") for line in shown[seen:]):
            asked_again += 1
            index -= 1  # the answer before, said again
        seen = len(shown)
        time.sleep(0.3)
        speak_into_microphone(replies[index], tmp_path)
        index += 1
    reader.join(timeout=120)  # the questionnaire said all it had to say, and ended
    err = proc.stderr.read()
    proc.wait(timeout=30)
    out = "".join(shown)
    assert proc.returncode == 0, err
    assert "PHQ-9 total is 8 out of 27, which the questionnaire calls mild" in out, out + err
    assert asked_again <= 1, out
    assert "These are not a diagnosis." in out and "emergency" not in out
    [md] = list(run.home.glob("journal/*/*/*/*.md"))
    entry = parse_markdown(md.read_text("utf-8"))
    assert [i["score"] for i in entry.get("items")] == [0, 1, 1, 2, 0, 1, 3, 0, 0]
    listed = run("journal", "list", "--kind", "questionnaire")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 1
    exported = json.loads(run("journal", "export", "--format", "json").stdout)
    assert exported[0]["items"][6] == {"item": 7, "said": "Every single day.", "score": 3}


#: The voices every everyday answer is said in: piper, espeak-ng accents, slow, and soft.
ANSWER_VOICES = [
    "piper", "espeak en-us", "espeak en-gb-x-rp", "espeak en-us 110 wpm", "piper 14 dB softer",
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("voice", ANSWER_VOICES)
def test_everyday_answers_are_heard_and_mapped_right_in_every_voice(voice: str) -> None:
    """Each answer of EVERYDAY said in `voice`, heard by Whisper as an answer is, gives its
    choice, never another: in the natural voice (also slow and soft) every one; in espeak-ng's
    robotic voices a few one- or two-word answers are not understood, and are asked again with
    the four choices (measured: espeak's "Never." is heard as "Lambda!" or "than ever.", "Not
    at all." as "Y'all tend to hold.")."""
    from battery import said_in

    from voiceguide.engines.whisper import WhisperTranscriber
    from voiceguide.flows.questionnaire import choice_from

    whisper = WhisperTranscriber.bundled()

    def choice(text: str) -> int | None:
        audio = said_in(text, voice)
        heard = whisper.transcribe(audio)
        phrases = instruments.HOW_OFTEN_PHRASES
        return choice_from(heard, audio, whisper, instruments.how_often, phrases)

    got = {text: choice(text) for text, _ in EVERYDAY}
    wrong = [(t, got[t]) for t, value in EVERYDAY if got[t] is not None and got[t] != value]
    wrong += [(t, choice(t)) for t in UNCLEAR[:1] if choice(t) is not None]
    assert not wrong, wrong  # never the wrong choice
    asked_again = [t for t, value in EVERYDAY if got[t] is None]
    assert len(asked_again) <= (0 if voice.startswith("piper") else 3), asked_again


def _filed(day: int, key: str, scores: list[int], flag: bool | None = None) -> Entry:
    import datetime as dt

    form = instruments.load(key)
    extra: list[tuple[str, object]] = [
        ("instrument", key),
        ("version", form.version),
        ("items", [{"item": n, "said": form.choices[v], "score": v}
                   for n, v in enumerate(scores, start=1)]),
        ("total", sum(scores)),
        ("band", form.band(sum(scores))),
    ]  # fmt: skip
    if flag is not None:
        extra.append(("safety_flag", flag))
    return Entry(
        date=dt.datetime.now().astimezone() - dt.timedelta(days=day),
        kind="questionnaire",
        answers=tuple(
            Answer(question=q, text=form.choices[v])
            for q, v in zip(form.items, scores, strict=True)
        ),
        infusion=1,
        extra=tuple(extra),
    )


def test_the_brief_and_the_chart_show_the_scores_over_the_series_and_the_flag(
    tmp_path: Path,
) -> None:
    """Totals with their bands, the latest answers item by item beside the ones before, the
    ninth item's flag, "not a diagnosis": in the PDF, the HTML and the Markdown; and the totals
    drawn under the moods in `journal chart`."""
    from pypdf import PdfReader

    from voiceguide.journal.store import JournalStore

    home = tmp_path / "home"
    store = JournalStore(home)
    store.add(_filed(12, "phq9", [1, 1, 1, 1, 1, 0, 0, 0, 0], flag=False), [None] * 9)
    store.add(_filed(5, "phq9", [2, 1, 2, 1, 1, 0, 1, 0, 1], flag=True), [None] * 9)
    store.add(_filed(5, "gad7", [1, 1, 1, 0, 0, 0, 0]), [None] * 7)
    from voiceguide.app import Voiceguide
    from voiceguide.engines.fakes import CollectingPlayer, ToneSynthesizer
    from voiceguide.settings import load_settings

    app = Voiceguide(
        load_settings(home=home),
        synthesizer=ToneSynthesizer(),
        player=CollectingPlayer(),
        show=lambda _: None,
        inform=lambda _: None,
    )
    for name in ("b.pdf", "b.md", "b.html"):
        app.brief(tmp_path / name, with_audio=True)
    text = " ".join(p.extract_text() for p in PdfReader(tmp_path / "b.pdf").pages)
    text = " ".join(text.split())
    markdown = (tmp_path / "b.md").read_text("utf-8")
    page = (tmp_path / "b.html").read_text("utf-8")
    for shown in (text, markdown, page):
        assert "PHQ-9" in shown and "GAD-7" in shown
        assert "These are not a diagnosis." in shown
        assert "5 (Mild)" in shown and "9 (Mild)" in shown and "3 (Minimal)" in shown
        assert "Thoughts that you would be better off dead" in shown
        assert "was answered \u201cSeveral days\u201d. Please ask about it." in shown
    assert "1. Little interest or pleasure in doing things: 2 (on " in markdown
    chart = Run(home)("journal", "chart", "--out", str(tmp_path / "c.png"))
    assert chart.returncode == 0, chart.stderr
    assert (tmp_path / "c.png").stat().st_size > 10_000
