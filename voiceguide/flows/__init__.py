"""The journeys, one module each, and the kit every one of them is built from.

meditation.py     meditate (played, or written to a file), during
intention.py      set and play an intention
sessions.py       prepare, reflect, integrate: live scripts that listen
menu.py           the spoken menu: where the person is, and what fits
journal_tools.py  play, edit, export, chart, recap, the brief
care.py           the notice at first use, the phone's inbox folder, the daily reminder
questionnaire.py  the PHQ-9 and GAD-7 by voice
"""

from __future__ import annotations

import dataclasses
import importlib
from collections.abc import Callable
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voiceguide.clock import Clock
    from voiceguide.conversation.dialogue import Conversation
    from voiceguide.engines import Engines
    from voiceguide.flows import (
        care,
        intention,
        journal_tools,
        meditation,
        menu,
        questionnaire,
        sessions,
    )  # fmt: skip
    from voiceguide.guidance.library import Library
    from voiceguide.guidance.render import Context
    from voiceguide.guidance.script import Script
    from voiceguide.journal.api import Journal
    from voiceguide.settings import Settings

__all__ = [
    "EARLY_DAYS",
    "JourneyKit",
    "care",
    "intention",
    "journal_tools",
    "meditation",
    "menu",
    "questionnaire",
    "sessions",
]

#: For how many days after an infusion the integration check-in brings the things to avoid.
EARLY_DAYS = 3


@dataclasses.dataclass(frozen=True)
class JourneyKit:
    """What a journey works with: the person's settings, the engines, the conversation, the
    journal, the session scripts and the clock."""

    settings: Settings
    engines: Engines
    talk: Conversation
    journal: Journal
    library: Library
    clock: Clock
    show: Callable[[str], None]
    inform: Callable[[str], None]

    def script(self, name: str) -> Script:
        return self.library.load(name)

    def context(self) -> Context:
        """What sessions need to know today: the person's intentions, the day, early days."""
        from voiceguide.guidance.render import Context

        since = self.journal.days_since_infusion()
        return Context(
            intention=self.journal.intention_audio,
            day=since if since is not None else self.clock.today().toordinal(),
            early=since is None or since <= EARLY_DAYS,
        )


FLOW_MODULES = (
    "care", "intention", "journal_tools", "meditation", "menu", "questionnaire", "sessions",
)  # fmt: skip


def __getattr__(name: str) -> ModuleType:
    """A journey's module, imported when first used (listing the journal needs none of them,
    and they bring the audio code with them)."""
    if name in FLOW_MODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
