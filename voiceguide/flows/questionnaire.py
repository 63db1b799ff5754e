"""The questionnaires a clinic asks for (PHQ-9, GAD-7), by voice, in their published wording.

Each item is read exactly as written, answered in the person's own words ("a couple of days",
"most days", "every single day", or a number), and mapped onto the instrument's four choices;
an unclear answer brings the four choices and the item again. "Repeat", "go back" and "skip"
work as everywhere; "stop" keeps what was said, unscored. The PHQ-9's ninth item is never
scored silently: any answer above "not at all" is met at once with a calm message and the
numbers the person has set, and is flagged for the clinician in the brief. The total comes with
the instrument's own band and the words "these are not a diagnosis", and nothing more.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from voiceguide import instruments
from voiceguide.audio.clip import Audio
from voiceguide.conversation import content
from voiceguide.conversation.commands import match_command
from voiceguide.conversation.listening import Capture
from voiceguide.flows import JourneyKit
from voiceguide.instruments import Instrument
from voiceguide.interfaces import Transcriber
from voiceguide.journal.entry import Entry
from voiceguide.wording import number_word

#: How often an unclear answer is asked again (with the four choices read) before it is left
#: unanswered.
ASKED_AGAIN = 2


@dataclasses.dataclass
class _Item:
    capture: Capture | None = None
    value: int | None = None


def questionnaire(kit: JourneyKit, key: str) -> Entry | None:
    """Ask the questionnaire `key` ("phq9", "gad7") by voice, score it and file it; None when
    nothing was answered."""
    form = instruments.load(key)
    talk = kit.talk
    talk.get_ready_to_listen()
    talk.say(
        content.QUESTIONNAIRE_INTRO.format(title=form.title, count=number_word(len(form.items)))
    )
    talk.say(form.stem)
    items = [_Item() for _ in form.items]
    flagged = _ask_items(kit, form, items)
    answered = [i for i in items if i.capture is not None]
    if not answered:
        talk.say(content.QUESTIONNAIRE_NOTHING)
        return None
    values = [i.value for i in items]
    total = instruments.score(values)
    hard = _difficulty(kit, form, values) if total is not None else None
    entry = _file(kit, form, items, total, hard, flagged)
    if total is None:
        talk.say(content.QUESTIONNAIRE_UNSCORED.format(title=form.title))
    else:
        talk.say(
            content.QUESTIONNAIRE_SCORE.format(
                title=form.title, total=total, most=form.most, band=form.band(total).lower()
            )
            + " "
            + instruments.NOT_A_DIAGNOSIS
        )
    return entry


def _ask_items(kit: JourneyKit, form: Instrument, items: list[_Item]) -> bool:
    """Ask every item in turn (repeat, go back, skip, stop); whether the safety item was
    answered above its first choice."""
    talk, flagged = kit.talk, False
    index = 0
    while index < len(items):
        question = content.QUESTIONNAIRE_ITEM.format(
            n=index + 1, count=len(items), item=form.items[index]
        )
        capture, value, command = _answer(kit, form, question, index)
        if command == "repeat":
            continue
        if command == "back":
            index = max(0, index - 1)
            continue
        if command == "stop":
            talk.say(content.COMMAND_STOP)
            break
        if command != "skip":
            items[index] = _Item(capture, value)
            if index + 1 == form.safety_item and value:
                flagged = True
                safety_message(kit)
        index += 1
    return flagged


def _answer(
    kit: JourneyKit, form: Instrument, question: str, index: int
) -> tuple[Capture | None, int | None, str | None]:
    """One item's answer: (what was said, its choice, or the command said instead)."""
    talk = kit.talk
    asked = question
    for attempt in range(ASKED_AGAIN + 1):
        capture = talk.ask(
            asked,
            label="questionnaire",
            meta={"kind": "questionnaire", "transient": True, "index": index},
            wait_seconds=min(kit.settings.wait_seconds, 30.0),
            hint=content.QUESTIONNAIRE_HINT,
            reply=True,
        )
        command = match_command(capture.text) if capture.text else None
        if command in ("repeat", "back", "skip", "stop", "cancel"):
            kit.journal.discard(capture.path)
            return None, None, "stop" if command == "cancel" else command
        value = understood(kit, capture, instruments.how_often, instruments.HOW_OFTEN_PHRASES)
        if value is not None:
            return capture, value, None
        kit.journal.discard(capture.path)
        if attempt < ASKED_AGAIN:
            asked = content.QUESTIONNAIRE_CHOICES.format(
                choices=_or_list(form.choices), item=form.items[index]
            )
    talk.say(content.QUESTIONNAIRE_LEFT)
    return None, None, "skip"


def understood(
    kit: JourneyKit,
    capture: Capture,
    choice: Callable[[str], int | None],
    phrases: tuple[str, ...],
) -> int | None:
    """The choice a reply gives (see `choice_from`), from its words or its sound."""
    value = choice(capture.text)
    if value is not None or not capture.heard:
        return value
    from voiceguide.audio.clip import Audio
    from voiceguide.errors import VoiceguideError

    try:
        audio = Audio.load(capture.path)
    except (VoiceguideError, OSError):
        return None
    return choice_from(capture.text, audio, kit.engines.transcriber, choice, phrases)


def choice_from(
    text: str,
    audio: Audio,
    transcriber: Transcriber,
    choice: Callable[[str], int | None],
    phrases: tuple[str, ...],
) -> int | None:
    """The choice a reply gives: from its words (`text`); else, when the transcriber can, from
    hearing it again with the usual answers as hotwords (a short answer in an unusual voice:
    "several days" first heard as "several bays", "most days" as "no stays"). Nothing is
    guessed beyond that: taking the best-scoring usual answer too would have heard an espeak
    "never" as "all the time" (0.34 from what was heard); an unclear answer is asked again."""
    value = choice(text)
    if value is not None:
        return value
    from voiceguide.errors import VoiceguideError
    from voiceguide.interfaces import CommandScorer, as_hotwords

    if not isinstance(transcriber, CommandScorer):  # an engine that cannot expect words
        return None
    try:
        # Heard with the usual answers as hotwords, as a command is, but not scored against
        # each of them (which only the commands use: 40% of this hearing's time).
        heard = transcriber.transcribe(audio, hotwords=as_hotwords(phrases))
    except VoiceguideError:
        return None
    return choice(heard)


def safety_message(kit: JourneyKit) -> None:
    """Said and shown at once when the PHQ-9's ninth item is answered above "not at all":
    thanks for saying it, the clinic today, the emergency number, and the person's own numbers
    (`config set crisis-line`), if set."""
    line = kit.settings.crisis_line
    numbers = content.SAFETY_NUMBERS.format(numbers=line) if line else ""
    kit.talk.say(" ".join(t for t in (content.SAFETY_MESSAGE, numbers, content.SAFETY_GO_ON) if t))


def _difficulty(kit: JourneyKit, form: Instrument, values: list[int | None]) -> int | None:
    """The PHQ-9's closing question, asked when any problem was answered above "not at all"."""
    if form.difficulty is None or not any(values):
        return None
    for attempt in range(ASKED_AGAIN):
        asked = form.difficulty
        if attempt:
            asked = content.QUESTIONNAIRE_CHOICES.format(
                choices=_or_list(form.difficulty_choices), item=form.difficulty
            )
        capture = kit.talk.ask(
            asked,
            label="questionnaire",
            meta={"kind": "questionnaire", "transient": True},
            hint=content.QUESTIONNAIRE_HINT,
            reply=True,
        )
        value = understood(kit, capture, instruments.difficulty, instruments.DIFFICULTY_PHRASES)
        kit.journal.discard(capture.path)
        if value is not None:
            return value
    return None


def _file(
    kit: JourneyKit,
    form: Instrument,
    items: list[_Item],
    total: int | None,
    hard: int | None,
    flagged: bool,
) -> Entry:
    """File the answers, each item's recording and words with its choice, the total and band,
    and the safety flag."""
    said, scored = [], []
    for n, (item, answer) in enumerate(zip(form.items, items, strict=True), start=1):
        text = answer.capture.text if answer.capture is not None else ""
        scored.append({"item": n, "said": text, "score": answer.value})
        if answer.capture is not None:
            said.append(answer.capture.said(item))
    extra: list[tuple[str, Any]] = [
        ("instrument", form.key),
        ("version", form.version),
        ("items", scored),
        ("total", total),
        ("band", form.band(total) if total is not None else None),
    ]
    if hard is not None:
        extra.append(("difficulty", form.difficulty_choices[hard]))
    if form.safety_item is not None:
        extra.append(("safety_flag", flagged))
    journal = kit.journal
    with journal.writing():
        return journal.file(
            "questionnaire", said, infusion=journal.current_infusion(), extra=tuple(extra)
        )


#: A questionnaire is due again after this many days (weekly), and before each infusion.
DUE_AFTER_DAYS = 7


def due(kit: JourneyKit, key: str) -> bool:
    """Whether the questionnaire `key` is due: never answered, answered a week ago or more, or
    not since the last infusion (so one comes before the next)."""
    import datetime as dt

    journal = kit.journal
    answered = [
        e.date
        for e in journal.entries(journal.filters(kind="questionnaire"))
        if e.get("instrument") == key
    ]
    if not answered:
        return True
    latest, now = max(answered), kit.clock.now()
    if now - latest >= dt.timedelta(days=DUE_AFTER_DAYS):
        return True
    since = journal.days_since_infusion()
    return since is not None and latest.date() < now.date() - dt.timedelta(days=since)


def _or_list(choices: tuple[str, ...]) -> str:
    lowered = [c.lower() for c in choices]
    return ", ".join(lowered[:-1]) + ", or " + lowered[-1]
