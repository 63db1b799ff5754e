"""The kinds of journal entry and the scopes of an intention, named once for the journal, the
session scripts and the themes."""

from __future__ import annotations

#: Every kind of entry the journal keeps.
ENTRY_KINDS = (
    "preparation", "intention", "reflection", "integration", "therapist", "memo", "questionnaire",
)  # fmt: skip
#: The kinds a session script may file its answers as (a memo comes only from `journal import`,
#: a questionnaire only from `voiceguide questionnaire`).
SCRIPTED_KINDS = tuple(k for k in ENTRY_KINDS if k not in ("memo", "questionnaire"))
#: The kinds in which a person speaks freely, whose words the themes gather (an intention is
#: said again on purpose, a note for the therapist is theirs to bring, and a questionnaire's
#: answers are its four choices).
FREELY_SPOKEN_KINDS = tuple(
    k for k in ENTRY_KINDS if k not in ("intention", "therapist", "questionnaire")
)
#: What an intention is for: one infusion, a whole series, or the time after an infusion.
INTENTION_SCOPES = ("infusion", "series", "going-forward")
