"""The data folder: every file and folder voiceguide keeps in it, named here and nowhere else.

Like jrnl's path module and llm's `user_dir()`, one value answers "where does voiceguide keep
X?". Every module asks it (`Home(folder).series`), so a name is spelt once, and the README's
picture of the folder is checked against it (tests/unit/test_home.py).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

#: The index's name inside the journal folder (the journal's store finds it from there).
INDEX = ".index.json"


@dataclasses.dataclass(frozen=True, slots=True)
class Home:
    """A person's data folder and the names of what voiceguide keeps in it."""

    root: Path

    # -- what the person keeps -------------------------------------------------------------------
    @property
    def journal(self) -> Path:
        """The entries, one folder a day: journal/2026/11/24/183005-reflection.md and its audio."""
        return self.root / "journal"

    @property
    def index(self) -> Path:
        """What each entry file holds, so that listing stays instant (a cache: deletable)."""
        return self.journal / INDEX

    @property
    def recordings(self) -> Path:
        """Answers being recorded right now, until they are filed."""
        return self.root / "recordings"

    @property
    def scripts(self) -> Path:
        """The person's own session scripts, which add to or replace the built-in ones."""
        return self.root / "scripts"

    @property
    def config(self) -> Path:
        """Optional settings."""
        return self.root / "config.toml"

    @property
    def sessions(self) -> Path:
        """Sessions saved as sound files when there was no speaker."""
        return self.root / "sessions"

    # -- what voiceguide remembers ---------------------------------------------------------------
    @property
    def series(self) -> Path:
        """Which infusion of the series is under way, and when it began."""
        return self.root / "series.json"

    @property
    def explained(self) -> Path:
        """Which explanations were heard in full, and when (names and dates only)."""
        return self.root / "explained.json"

    @property
    def notice_marker(self) -> Path:
        """The notice at first use was heard."""
        return self.root / "notice-acknowledged"

    @property
    def reminder_marker(self) -> Path:
        """A daily reminder was offered once."""
        return self.root / "reminder-offered"

    @property
    def voice_cache(self) -> Path:
        """Each line of a session, synthesized once (levelled) and kept."""
        return self.root / "cache" / "voice"

    # -- keeping it whole ------------------------------------------------------------------------
    @property
    def lock(self) -> Path:
        """Held by the one voiceguide writing to the folder."""
        return self.root / ".lock"

    @property
    def key_file(self) -> Path:
        """Encryption at rest: the salt and check of the passphrase (never the key itself)."""
        return self.root / "encryption.json"

    @property
    def sealing_marker(self) -> Path:
        """An encrypt or decrypt under way, finished by the next start if it was cut short."""
        return self.root / "encryption-change.json"

    @property
    def export_marker(self) -> Path:
        """An export under way, undone by the next start if it was cut short."""
        return self.root / "export-partial.json"

    @property
    def tmp(self) -> Path:
        """The plaintext copy `journal edit` shows the editor, removed when it closes."""
        return self.root / "tmp"

    def everything(self) -> dict[str, Path]:
        """Every name above, by what it is called here."""
        return {
            name: getattr(self, name)
            for name, value in vars(Home).items()
            if isinstance(value, property)
        }
