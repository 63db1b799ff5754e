"""Intentions: explained, said by the person, read back and kept; played in their own voice."""

from __future__ import annotations

import uuid
from collections.abc import Callable

from voiceguide.conversation import content
from voiceguide.conversation.listening import Capture
from voiceguide.errors import NothingHeard, UsageError
from voiceguide.flows import JourneyKit
from voiceguide.journal.entry import Entry
from voiceguide.kinds import INTENTION_SCOPES


def set_intention(kit: JourneyKit, *, scope: str = "infusion") -> Entry:
    """Explain, listen, read back (and let it be said again) and save the intention of `scope`."""
    if scope not in INTENTION_SCOPES:
        raise UsageError(f"There is no kind of intention called {scope!r}.")
    talk, journal = kit.talk, kit.journal
    with journal.writing():
        question = content.INTENTION_QUESTIONS[scope]
        talk.get_ready_to_listen()
        said = talk.speak_script(content.INTENTION_SCRIPTS[scope], then=question)
        number = journal.current_infusion()
        meta = {"kind": "intention", "scope": scope, "infusion": number}
        meta["session"] = uuid.uuid4().hex

        def hear() -> Capture:
            nonlocal said
            while True:
                capture = talk.ask(question, label=f"intention-{scope}", meta=meta, said=said)
                said = False
                command, capture = talk.command(capture)
                if command != "more" or capture.heard:
                    return capture
                # "Tell me more": the full explanation, then the question again.
                journal.discard(capture.path)
                talk.explain_again(kit.script(content.INTENTION_SCRIPTS[scope]))

        capture, confirmed = heard_and_confirmed(kit, hear)
        if not capture.heard:
            journal.store.mark_unheard(capture.path)
            raise NothingHeard(
                "Nothing was heard, so no intention was saved.",
                hint=f"The recording is kept at {capture.path}.",
            )
        # A new intention replaces the one of its scope (for an infusion: that infusion's).
        existing = journal.intention(scope, number if scope == "infusion" else None)
        if existing is not None and existing.text and capture.text:
            question = content.INTENTION_REPLACE.format(old=existing.text)
            if not talk.confirm(question, default=True):
                journal.discard(capture.path)
                talk.say(content.INTENTION_KEPT.format(old=existing.text))
                return existing
        entry = journal.file(
            "intention",
            [capture.said(content.INTENTION_HEADINGS[scope])],
            infusion=number,
            extra=(("scope", scope), ("confirmed", confirmed)),
        )
    if entry.text and confirmed:
        talk.say(content.INTENTION_SAVED)
    return entry


def heard_and_confirmed(kit: JourneyKit, hear: Callable[[], Capture]) -> tuple[Capture, bool]:
    """Listen (`hear`), read back what was heard and ask whether it is right; on "no", offer
    to say it again (up to three times in all). The capture kept, and whether its words were
    confirmed (words never confirmed are kept, marked as not yet checked)."""
    talk = kit.talk
    for attempt in range(3):
        capture = hear().settled()
        if not capture.heard or not capture.text:
            return capture, False
        right = talk.read_back(capture.text)
        if right:
            return capture, True
        if right is None or attempt == 2 or not talk.confirm(content.SAY_AGAIN):
            break
        kit.journal.discard(capture.path)
    talk.say(content.KEPT_UNSURE)
    return capture, False


def play_intention(kit: JourneyKit, *, scope: str = "infusion", tts: bool = False) -> Entry:
    """Play the intention in the person's own recorded voice (or spoken by the voice); with no
    speaker, its words are shown."""
    entry = kit.journal.current_intention(scope=scope)
    assert entry is not None
    if tts:
        kit.talk.say(entry.text or "Your intention has no words yet.")
        return entry
    return _play(kit, entry)


def play_current(kit: JourneyKit, *, scope: str | None = None) -> Entry:
    """The intention that matters now, said which it is, in the person's own voice: the one
    set most recently of those that apply (after an infusion, the one going forward), or the
    one of `scope`."""
    journal = kit.journal
    if scope is None:
        found = [
            entry
            for kind in ("going-forward", "infusion")
            if (entry := journal.current_intention(scope=kind, required=False)) is not None
        ]
        if not found:
            journal.current_intention(scope="infusion")  # says that there is none yet
        entry = max(found, key=lambda e: e.date)
    else:
        entry = journal.current_intention(scope=scope)
        assert entry is not None
    kind = str(entry.get("scope") or "infusion")
    which = content.INTENTION_WHICH.get(kind, content.INTENTION_WHICH["infusion"])
    kit.talk.say(which.format(number=entry.infusion or journal.current_infusion()))
    return _play(kit, entry)


def _play(kit: JourneyKit, entry: Entry) -> Entry:
    if entry.audio:
        kit.talk.play_own(kit.journal.audio(entry, entry.audio[0]), words=entry.text)
    else:
        kit.talk.say(entry.text or "Your intention has no words yet.")
    return entry
