"""Intentions: explained, said by the person, read back and kept; played in their own voice."""

from __future__ import annotations

import uuid

from voiceguide.conversation import content
from voiceguide.errors import NothingHeard, UsageError
from voiceguide.flows import Parts
from voiceguide.journal.entry import Entry
from voiceguide.journal.journal import INTENTION_SCOPES


def set_intention(parts: Parts, *, scope: str = "infusion") -> Entry:
    """Explain, listen, read back and save the intention of `scope`."""
    if scope not in INTENTION_SCOPES:
        raise UsageError(f"There is no kind of intention called {scope!r}.")
    talk, journal = parts.talk, parts.journal
    with journal.writing():
        question = content.INTENTION_QUESTIONS[scope]
        said = talk.speak_script(content.INTENTION_SCRIPTS[scope], then=question)
        number = journal.current_infusion()
        meta = {"kind": "intention", "scope": scope, "infusion": number}
        meta["session"] = uuid.uuid4().hex
        while True:
            capture = talk.ask(question, label=f"intention-{scope}", meta=meta, said=said)
            command, capture = talk.command(capture)
            if command != "more" or capture.heard:
                break
            # "Tell me more": the full explanation, then the question again.
            journal.discard(capture)
            talk.explain_again(parts.script(content.INTENTION_SCRIPTS[scope]))
            said = False
        capture = capture.settled()
        if not capture.heard:
            journal.store.mark_unheard(capture.path)
            raise NothingHeard(
                "Nothing was heard, so no intention was saved.",
                hint=f"The recording is kept at {capture.path}.",
            )
        # A new intention replaces the one of its scope (for an infusion: that infusion's).
        existing = journal.intention(scope, number if scope == "infusion" else None)
        replacing = existing is not None and bool(existing.text and capture.text)
        if existing is not None and replacing:
            question = content.INTENTION_REPLACE.format(new=capture.text, old=existing.text)
            if not talk.confirm(question, default=True):
                journal.discard(capture)
                talk.say(content.INTENTION_KEPT.format(old=existing.text))
                return existing
        entry = journal.file(
            "intention",
            [(content.INTENTION_HEADINGS[scope], capture)],
            infusion=number,
            extra=(("scope", scope),),
        )
    if entry.text:
        talk.say(
            content.INTENTION_SAVED
            if replacing
            else content.INTENTION_READBACK.format(text=entry.text)
        )
    return entry


def play_intention(parts: Parts, *, scope: str = "infusion", tts: bool = False) -> Entry:
    """Play the intention in the person's own recorded voice (or spoken by the voice); with no
    speaker, its words are shown."""
    entry = parts.journal.current_intention(scope=scope)
    assert entry is not None
    if tts or not entry.audio:
        parts.talk.say(entry.text or "Your intention has no words yet.")
    else:
        parts.talk.play(parts.journal.audio(entry, entry.audio[0]), words=entry.text)
    return entry
