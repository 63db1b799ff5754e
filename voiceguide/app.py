"""The composition root: one person's voiceguide, built from their settings.

It wires the rooms together and holds no journey itself:

- `Engines` (voiceguide.engines): the synthesizer, player, recorder, transcriber and speech
  detector, built lazily from the settings unless passed in, and the session voice;
- `Conversation` (voiceguide.conversation): saying, playing, asking, understanding replies;
- `Journal` (voiceguide.journal): entries, intentions, the series of infusions, nothing lost;
- the journeys (voiceguide.flows), each a module of functions over those `JourneyKit`.

Its methods are the Python API of the journeys, each one line handing over to the room that
does the work; `Voiceguide.journal` is the journal's API (entries, filters, search, intentions,
the series, recover, retry, encrypt).
"""

from __future__ import annotations

import functools
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide import flows
from voiceguide.clock import Clock, SystemClock
from voiceguide.engines import Engines
from voiceguide.flows import JourneyKit
from voiceguide.guidance.library import Library
from voiceguide.journal.api import Journal

if TYPE_CHECKING:
    from voiceguide.conversation.dialogue import Conversation
    from voiceguide.conversation.miccheck import MicReport
    from voiceguide.flows.menu import InfusionPhase
    from voiceguide.guidance.script import Script
    from voiceguide.interfaces import NewDetector, Player, Recorder, Synthesizer, Transcriber
    from voiceguide.journal.entry import Entry
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
        from voiceguide.conversation.dialogue import Conversation

        return Conversation(
            self.settings,
            self.engines,
            self.journal.store,
            self.library,
            clock=self.clock,
            context=lambda: self.kit.context(),
            stop=self._stop,
            show=self._show,
            inform=self._inform,
        )

    @functools.cached_property
    def kit(self) -> JourneyKit:
        """What the journeys are built from."""
        return JourneyKit(
            self.settings, self.engines, self.talk, self.journal, self.library, self.clock,
            show=self._show, inform=self._inform,
        )  # fmt: skip

    # What is shown and told goes through these, so that either can be replaced at any time.
    def _show(self, text: str) -> None:
        self.show(text)

    def _inform(self, text: str) -> None:
        self.inform(text)

    # -- what every start does ---------------------------------------------------------------
    def start(self, *, journey: bool = True, speak_notice: bool = True) -> None:
        """On every start: quietly file what a crash left behind; before a journey, the
        notice, once (spoken, unless the session is being written to a file), and what is new
        in the inbox folder."""
        self.journal.recover(quiet=True)
        if journey:
            self.first_run_notice(speak=speak_notice)
            flows.care.file_inbox(self.kit, speak=speak_notice)

    def first_run_notice(self, *, speak: bool = True) -> bool:
        """The notice at first use (not a medical device; in a crisis, call), once; True
        when it was given now."""
        return flows.care.first_run_notice(self.kit, speak=speak)

    # -- the journeys --------------------------------------------------------------------------
    def menu(self) -> None:
        """The spoken menu: what fits this moment of the infusion, chosen by voice."""
        flows.menu.menu(self.kit)

    def infusion_phase(self) -> InfusionPhase:
        """Where the person is in the infusion ("before", "day", "after", "following"), and
        the days since it."""
        return flows.menu.infusion_phase(self.kit)

    def meditate(
        self,
        *,
        minutes: float | None = None,
        out: Path | None = None,
        script: str = "grounding",
        ambient: str | None = None,
        remember: bool = False,
    ) -> Path | None:
        """Play a guided meditation (or write it to `out`, returned); `remember` keeps the
        ambient bed asked for as the setting."""
        return flows.meditation.meditate(
            self.kit, minutes=minutes, out=out, script=script, ambient=ambient, remember=remember
        )

    def shortest_minutes(self, session: Script) -> float:
        """The fewest minutes `session` can be played in."""
        return flows.meditation.shortest(self.kit, session)

    def during(self, *, minutes: float | None = None) -> None:
        """During the infusion: the person's own intention, quietly, looping (until Ctrl-C or
        for `minutes`)."""
        flows.meditation.during(self.kit, minutes=minutes)

    def set_intention(self, *, scope: str = "infusion") -> Entry:
        """Listen to an intention (of `scope`: infusion, series, going-forward), read it back,
        and keep it with its recording."""
        return flows.intention.set_intention(self.kit, scope=scope)

    def play_intention(self, *, scope: str = "infusion", tts: bool = False) -> Entry:
        """Play the current intention in the person's own voice (`tts`: said by the voice)."""
        return flows.intention.play_intention(self.kit, scope=scope, tts=tts)

    def prepare(self) -> Entry | None:
        """The days-before talk and questions, filed as a preparation entry."""
        return flows.sessions.run_session(self.kit, "prepare")

    def reflect(self, *, quick: bool = False, infusion: int | None = None) -> Entry | None:
        """The reflection after an infusion (`quick`: one question), filed as an entry."""
        name = "reflect-quick" if quick else "reflect"
        return flows.sessions.run_session(self.kit, name, infusion=infusion)

    def note(self) -> Entry | None:
        """A note to bring to the therapist, read back before it is kept."""
        return flows.sessions.run_session(self.kit, "note")

    def integrate(self) -> Entry | None:
        """The daily integration check-in, filed as an entry."""
        return flows.sessions.integrate(self.kit)

    def questionnaire(self, instrument: str) -> Entry | None:
        """A questionnaire the clinic asks for ("phq9", "gad7"), by voice, in its published
        wording: scored with its own bands and filed (None when nothing was answered)."""
        return flows.questionnaire.questionnaire(self.kit, instrument)

    def brief(
        self,
        out: Path,
        *,
        since: str | None = None,
        until: str | None = None,
        with_audio: bool = False,
        force: bool = False,
    ) -> Path:
        """A one- or two-page brief for the therapist (PDF, HTML or Markdown, from `out`'s
        suffix), of the days from `since` to `until` (the last 30 by default)."""
        return flows.journal_tools.brief(
            self.kit, out, since=since, until=until, with_audio=with_audio, force=force
        )

    def recap(self) -> None:
        """Before the next infusion: the intention going forward and the last reflection."""
        flows.journal_tools.recap(self.kit)

    def remind_now(self) -> None:
        """What the daily reminder does at its time: a chime and a sentence (or a notice)."""
        flows.care.remind_now(self.kit)

    def check_microphone(self) -> MicReport:
        """Ask for a sentence and say how it came through the microphone."""
        return self.talk.check_microphone()

    def script(self, name: str) -> Script:
        """The session script `name` (the person's own copy when there is one)."""
        return self.library.load(name)

    def next_infusion(self) -> int:
        """Begin the next infusion of the series, say so, and return its number."""
        from voiceguide.conversation import content

        number = self.journal.next_infusion()
        self.show(content.INFUSION_NEXT.format(number=number))
        return number

    # -- the journal, played and taken along (reading and keeping it: `self.journal`) ---------
    def play_entries(self, entries: list[Entry]) -> None:
        """Play entries' recordings, every answer in order (space pauses, q stops)."""
        flows.journal_tools.play_entries(self.kit, entries)

    def play_moment(self, entry: Entry, words: str) -> None:
        """Play the moment of `entry` where `words` were said, from a second before."""
        flows.journal_tools.play_moment(self.kit, entry, words)

    def edit(self, ref: str, editor: str | None = None) -> Entry | None:
        """Correct an entry's transcript in an editor; the machine's is kept beside it."""
        return flows.journal_tools.edit(self.kit, ref, editor)

    def export(
        self, entries: list[Entry], fmt: str, out: Path | None, *, force: bool = False
    ) -> str | None:
        """Export entries as md (a folder), json or txt (to `out`, else returned)."""
        return flows.journal_tools.export(self.kit, entries, fmt, out, force=force)

    def chart(self, out: Path, *, force: bool = False) -> int:
        """A picture of the moods over the series; the number of moods drawn."""
        return flows.journal_tools.chart(self.kit, out, force=force)

    def transcribe_file(self, path: Path) -> str:
        """The transcript of an audio file."""
        return flows.journal_tools.transcribe_file(self.kit, path)
