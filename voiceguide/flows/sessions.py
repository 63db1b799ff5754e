"""Sessions that listen: prepare, reflect and integrate. A script is run live: its lines said,
its questions asked and patiently listened to, the mood asked, an intention offered, and the
answers filed as one journal entry the moment the last one is in."""

from __future__ import annotations

import contextlib
import uuid
from collections.abc import Callable
from typing import Any

from voiceguide.conversation import content
from voiceguide.conversation.answers import says_little, says_yes
from voiceguide.conversation.listening import Capture
from voiceguide.errors import VoiceguideError, check_infusion
from voiceguide.flows import EARLY_DAYS, JourneyKit
from voiceguide.flows.intention import set_intention
from voiceguide.guidance.render import Voice
from voiceguide.guidance.script import ASKING, IfLittle, Listen, Mood, Offer, Step
from voiceguide.journal.entry import Entry


def integrate(kit: JourneyKit) -> Entry | None:
    """The daily integration check-in; in the days right after an infusion, it offers (once)
    to set a daily reminder."""
    from voiceguide.flows.care import offer_reminder

    entry = run_session(kit, "integrate")
    days = kit.journal.days_since_infusion()
    if entry is not None and days is not None and days <= EARLY_DAYS:
        offer_reminder(kit)
    return entry


def run_session(kit: JourneyKit, name: str, *, infusion: int | None = None) -> Entry | None:
    """Run a script live: speak, listen, ask the mood, offer; file the answers as an entry."""
    check_infusion(infusion)
    return LiveSession(kit, name, infusion=infusion).run()


def offer(kit: JourneyKit, step: Offer) -> Entry | None:
    """Offer, by voice, to set an intention (or keep a note for the therapist) now; do it when
    the answer is yes."""
    capture = kit.talk.reply(step.question, label="offer", hint=content.YES_NO_HINT)
    if says_yes(capture.text) and step.what == "therapist":
        return run_session(kit, "note")
    if says_yes(capture.text):
        scope = "going-forward" if step.what == "going-forward" else "infusion"
        return set_intention(kit, scope=scope)
    kit.talk.say(content.OFFER_LATER[step.what])
    return None


#: The kinds of entry whose words are read back to the person before they are kept.
READ_BACK = ("therapist",)


class _Stop(Exception):
    """The person said stop (keep what was said) or cancel (keep nothing)."""

    def __init__(self, keep: bool) -> None:
        self.keep = keep


class LiveSession:
    """One run of a script that listens: where it is, and the answers heard so far."""

    def __init__(self, kit: JourneyKit, name: str, *, infusion: int | None = None) -> None:
        self.kit = kit
        self.talk = kit.talk
        self.journal = kit.journal
        self.full = kit.script(name)
        self.script = self.talk.as_heard(self.full)
        self.steps = self.script.steps
        self.kind = self.script.entry or "reflection"
        if infusion is not None:
            self.journal.follow_infusion(infusion)
        self.number = infusion or self.journal.current_infusion()
        self.context = kit.context()
        self.voice = Voice(kit.engines.session_voice())
        self.session = uuid.uuid4().hex
        self.answers: list[tuple[str, Capture]] = []
        self.mood: int | None = None
        self.confirmed: bool | None = None  # for kinds read back: whether the words were right
        self.last: Capture | None = None
        self.entry: Entry | None = None
        self.lock = contextlib.ExitStack()
        self._locked = False
        self.questions = [i for i, s in enumerate(self.steps) if isinstance(s, Listen)]
        self.last_asked = max(
            (i for i, s in enumerate(self.steps) if isinstance(s, Listen | Mood)), default=-1
        )
        self.handlers: dict[type, Callable[[int, Any], int]] = {
            Listen: self._listen,
            Mood: self._mood,
            IfLittle: self._if_little,
            Offer: self._offer,
        }

    def run(self) -> Entry | None:
        """The whole session; the entry filed last (None when nothing was said, or cancelled)."""
        try:
            # The opening, up to the first question: in full the first time, short after that,
            # and in a terminal Enter or space goes straight to the question.
            opening = next(
                (i for i, s in enumerate(self.steps) if isinstance(s, ASKING)), len(self.steps)
            )
            self.talk.get_ready_to_listen()
            self.talk.say_steps(self.steps[:opening], self.voice, self.context, skippable=True)
            self.talk.heard_in_full(self.full)
            index = opening
            while index < len(self.steps):
                index = self._step(index)
            self._file_if_any()
        except _Stop as stop:
            if stop.keep:
                self._file_if_any()
            return self.entry if stop.keep else None
        except (VoiceguideError, KeyboardInterrupt):
            if self.answers:  # keep what was already said, as an entry of its own
                with contextlib.suppress(OSError):  # else recover files it later
                    self._file(partial=True)
            raise
        finally:
            self.lock.close()
        return self.entry

    def _step(self, index: int) -> int:
        """Carry out the step at `index`; the index of the step to go on with."""
        step = self.steps[index]
        if index > self.last_asked:
            # The last answer is in: file it now, before anything more is said, so that "your
            # reflection is saved" is only ever spoken once it is true.
            self._file_if_any()
        if isinstance(step, Listen | Mood) and not self._locked:
            self.lock.enter_context(self.journal.writing())
            self._locked = True
        handler = self.handlers.get(type(step), self._say)
        return handler(index, step)

    def _say(self, index: int, step: Step) -> int:
        self.talk.perform(step, self.voice, self.context)
        return index + 1

    def _next_question(self, index: int, step: Listen | Mood) -> None:
        """The question at `index` is made now, and the next one while it is answered."""
        after = next((s for s in self.steps[index + 1 :] if isinstance(s, Listen | Mood)), None)
        self.talk.prepare(step.question, after.question if after is not None else "")

    def _listen(self, index: int, step: Listen) -> int:
        talk = self.talk
        self._next_question(index, step)
        self.last = talk.ask(step.question, label=self.kind, meta=self._meta(index))
        command, self.last = talk.command(self.last)
        if self.kind in READ_BACK and self.last.heard and command in (None, "next", "stop"):
            # A note for the therapist is read back before it is kept; "no" lets the person
            # say it again, or keep it marked as not yet checked.
            self.last = self.last.settled()
            right = talk.read_back(self.last.text) if self.last.text else None
            if right is False and talk.confirm(content.SAY_AGAIN):
                self.journal.discard(self.last.path)
                return index
            if not right:
                talk.say(content.KEPT_UNSURE)
            self.confirmed = bool(right)
        if command is None or self.last.heard:
            self.answers.append((step.question, self.last))  # words before a command count
        else:
            self.journal.discard(self.last.path)
        if command == "more":
            talk.explain_again(self.full, self.voice)
            return index  # the question again
        if command == "repeat":
            talk.say(content.COMMAND_REPEAT)
            return index
        if command == "back":
            before = [i for i in self.questions if i < index]
            talk.say(content.COMMAND_BACK if before else content.COMMAND_NO_BACK)
            return before[-1] if before else index
        if command == "cancel":
            if talk.confirm(content.CANCEL_CONFIRM, meta=self._meta(index)):
                for _, capture in self.answers:
                    self.journal.discard(capture.path)
                self.answers, self.mood = [], None
                talk.say(content.CANCELLED)
                raise _Stop(keep=False)
            talk.say(content.NOT_CANCELLED)
            return index
        if command == "skip" or (command == "next" and not self.last.heard):
            talk.say(content.COMMAND_SKIP)
        elif command == "stop":
            talk.say(content.COMMAND_STOP)
            raise _Stop(keep=True)
        return index + 1

    def _mood(self, index: int, step: Mood) -> int:
        self._next_question(index, step)
        self.mood = self.talk.ask_mood(step.question, meta=self._meta(index))
        return index + 1

    def _if_little(self, index: int, step: IfLittle) -> int:
        if self.last is not None and says_little(self.last.text):
            self.talk.perform(step, self.voice, self.context)
        return index + 1

    def _offer(self, index: int, step: Offer) -> int:
        self._file_if_any()
        self.lock.close()
        self._locked = False
        offer(self.kit, step)
        return index + 1

    def _meta(self, index: int) -> dict[str, Any]:
        return {"kind": self.kind, "infusion": self.number, "session": self.session, "index": index}

    def _file_if_any(self) -> None:
        if self.answers or self.mood is not None:
            self.entry = self._file()
            self.answers, self.mood = [], None
            self.lock.close()
            self._locked = False

    def _file(self, partial: bool = False) -> Entry:
        extra: list[tuple[str, object]] = []
        if self.mood is not None:
            extra.append(("mood", self.mood))
        if partial:
            extra.append(("partial", True))
        if self.confirmed is not None:
            extra.append(("confirmed", self.confirmed))
        said = [capture.said(question) for question, capture in self.answers]
        return self.journal.file(self.kind, said, infusion=self.number, extra=tuple(extra))
