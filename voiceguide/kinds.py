"""The kinds of journal entry and the scopes of an intention, named once for the journal, the
session scripts and the themes."""

from __future__ import annotations

#: Every kind of entry the journal keeps.
ENTRY_KINDS = ("preparation", "intention", "reflection", "integration", "therapist", "memo")
#: The kinds a session script may file its answers as (a memo comes only from `journal import`).
SCRIPTED_KINDS = tuple(k for k in ENTRY_KINDS if k != "memo")
#: The kinds in which a person speaks freely, whose words the themes gather (an intention is
#: said again on purpose, and a note for the therapist is theirs to bring).
FREELY_SPOKEN_KINDS = tuple(k for k in ENTRY_KINDS if k not in ("intention", "therapist"))
#: What an intention is for: one infusion, a whole series, or the time after an infusion.
INTENTION_SCOPES = ("infusion", "series", "going-forward")
