"""The composition root: one person's voiceguide, built from their settings.

It wires the rooms together and holds no journey itself:

- `Engines` (voiceguide.engines): the synthesizer, player, recorder and transcriber, built
  lazily from the settings unless passed in, and the session voice;
- `Conversation` (voiceguide.conversation): saying, playing, asking, understanding replies;
- `Journal` (voiceguide.journal): entries, intentions, the series of infusions, nothing lost;
- the journeys (voiceguide.flows), each a module of functions over those `Parts`.

Its methods are the Python API, each one line handing over to the room that does the work.
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voiceguide import flows
from voiceguide.clock import Clock, SystemClock
from voiceguide.engines import Engines
from voiceguide.flows import Parts
from voiceguide.guidance.library import Library
from voiceguide.journal.journal import Journal

if TYPE_CHECKING:
    from voiceguide.conversation.conversation import Conversation
    from voiceguide.conversation.miccheck import MicReport
    from voiceguide.guidance.script import Script
    from voiceguide.interfaces import NewDetector, Player, Recorder, Synthesizer, Transcriber
    from voiceguide.journal.entry import Entry
    from voiceguide.journal.search import Hit
    from voiceguide.journal.store import JournalStore
    from voiceguide.settings import Settings


def _stderr(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


class Voiceguide:
    """One person's voiceguide: their settings, their journal, and the engines it speaks through.

    Engines are passed in; any that are not are built from the settings when first needed, and
    either way they are used the same way.
    """

    def __init__(
        self,
        settings: Settings,
        *,
        synthesizer: Synthesizer | None = None,
        player: Player | None = None,
        recorder: Recorder | None = None,
        transcriber: Transcriber | None = None,
        detector: NewDetector | None = None,
        stop: threading.Event | None = None,
        clock: Clock | None = None,
        show: Callable[[str], None] = print,
        inform: Callable[[str], None] = _stderr,
    ) -> None:
        self.settings = settings
        self.show = show
        self.inform = inform
        self.clock = clock or SystemClock()
        self.engines = Engines(
            settings,
            synthesizer=synthesizer,
            player=player,
            recorder=recorder,
            transcriber=transcriber,
            detector=detector,
        )
        self.library = Library(settings.home)  # built-in session scripts, and the person's own
        self.journal = Journal(
            settings.home,
            clock=self.clock,
            transcriber=lambda: self.engines.transcriber,
            detector=self.engines.speech_detector,
            inform=self._inform,
        )
        self._stop = stop

    @functools.cached_property
    def talk(self) -> Conversation:
        """The conversation every journey speaks through (built when first needed: the journal
        tools need none of the audio code it brings)."""
        from voiceguide.conversation.conversation import Conversation

        return Conversation(
            self.settings,
            self.engines,
            self.journal.store,
            self.library,
            clock=self.clock,
            context=lambda: self.parts.context(),
            stop=self._stop,
            show=self._show,
            inform=self._inform,
        )

    @functools.cached_property
    def parts(self) -> Parts:
        """What the journeys are built from."""
        return Parts(
            self.settings, self.engines, self.talk, self.journal, self.library, self.clock,
            show=self._show, inform=self._inform,
        )  # fmt: skip

    # What is shown and told goes through these, so that either can be replaced at any time.
    def _show(self, text: str) -> None:
        self.show(text)

    def _inform(self, text: str) -> None:
        self.inform(text)

    @property
    def store(self) -> JournalStore:
        return self.journal.store

    # -- what every start does ---------------------------------------------------------------
    def start(self, *, journey: bool = True, speak_notice: bool = True) -> None:
        """On every start: quietly file what a crash left behind; before a journey, the
        notice, once (spoken, unless the session is being written to a file)."""
        self.recover(quiet=True)
        if journey:
            self.first_run_notice(speak=speak_notice)

    def first_run_notice(self, *, speak: bool = True) -> bool:
        return flows.care.first_run_notice(self.parts, speak=speak)

    # -- the journeys --------------------------------------------------------------------------
    def menu(self) -> None:
        flows.menu.menu(self.parts)

    def moment(self) -> tuple[str, int | None]:
        return flows.menu.moment(self.parts)

    def meditate(
        self,
        *,
        minutes: float | None = None,
        out: Path | None = None,
        script: str = "grounding",
        ambient: str | None = None,
        remember: bool = False,
    ) -> Path | None:
        return flows.meditation.meditate(
            self.parts, minutes=minutes, out=out, script=script, ambient=ambient, remember=remember
        )

    def shortest_minutes(self, session: Script) -> float:
        return flows.meditation.shortest(self.parts, session)

    def during(self, *, minutes: float | None = None) -> None:
        flows.meditation.during(self.parts, minutes=minutes)

    def set_intention(self, *, scope: str = "infusion") -> Entry:
        return flows.intention.set_intention(self.parts, scope=scope)

    def play_intention(self, *, scope: str = "infusion", tts: bool = False) -> Entry:
        return flows.intention.play_intention(self.parts, scope=scope, tts=tts)

    def current_intention(self, *, scope: str = "infusion", required: bool = True) -> Entry | None:
        return self.journal.current_intention(scope=scope, required=required)

    def prepare(self) -> Entry | None:
        return flows.sessions.run_session(self.parts, "prepare")

    def reflect(self, *, quick: bool = False, infusion: int | None = None) -> Entry | None:
        name = "reflect-quick" if quick else "reflect"
        return flows.sessions.run_session(self.parts, name, infusion=infusion)

    def note(self) -> Entry | None:
        return flows.sessions.run_session(self.parts, "note")

    def integrate(self) -> Entry | None:
        return flows.sessions.integrate(self.parts)

    def brief(self, out: Path, **options: Any) -> Path:
        """A brief for the therapist (see flows.journal_tools.brief for the options)."""
        return flows.journal_tools.brief(self.parts, out, **options)

    def recap(self) -> None:
        flows.journal_tools.recap(self.parts)

    def remind_now(self) -> None:
        flows.care.remind_now(self.parts)

    def check_microphone(self) -> MicReport:
        return self.talk.check_microphone()

    def script(self, name: str) -> Script:
        return self.library.load(name)

    # -- the series of infusions -------------------------------------------------------------
    def current_infusion(self) -> int:
        return self.journal.current_infusion()

    def next_infusion(self) -> int:
        from voiceguide.conversation import content

        number = self.journal.next_infusion()
        self.show(content.INFUSION_NEXT.format(number=number))
        return number

    def days_since_infusion(self) -> int | None:
        return self.journal.days_since_infusion()

    # -- the journal ---------------------------------------------------------------------------
    def find(self, **filters: object) -> list[Entry]:
        """Entries, newest first, filtered (kind, infusion, since, until, limit; dates as
        people say them, "last week")."""
        return self.journal.entries(self.journal.filters(**filters))

    def resolve(self, ref: str) -> list[Entry]:
        return self.journal.resolve(ref)

    def search(self, query: str, *, limit: int | None = None) -> list[Hit]:
        return self.journal.search(query, limit=limit)

    def play_entries(self, entries: list[Entry]) -> None:
        flows.journal_tools.play_entries(self.parts, entries)

    def play_moment(self, entry: Entry, words: str) -> None:
        flows.journal_tools.play_moment(self.parts, entry, words)

    def edit(self, ref: str, editor: str | None = None) -> Entry | None:
        return flows.journal_tools.edit(self.parts, ref, editor)

    def export(
        self, entries: list[Entry], fmt: str, out: Path | None, *, force: bool = False
    ) -> str | None:
        return flows.journal_tools.export(self.parts, entries, fmt, out, force=force)

    def chart(self, out: Path, *, force: bool = False) -> int:
        return flows.journal_tools.chart(self.parts, out, force=force)

    def transcribe_file(self, path: Path) -> str:
        return flows.journal_tools.transcribe_file(self.parts, path)

    def import_recording(self, path: Path, *, kind: str = "memo") -> Entry:
        return self.journal.import_audio(path, kind=kind)

    # -- nothing lost ----------------------------------------------------------------------------
    def recover(self, *, quiet: bool = False) -> list[Entry]:
        return self.journal.recover(quiet=quiet)

    def retry(self) -> list[Entry]:
        return self.journal.retry()

    def encrypt(self) -> int:
        return self.journal.encrypt()

    def decrypt(self) -> int:
        return self.journal.decrypt()
