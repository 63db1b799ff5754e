"""The questionnaires clinics ask for (PHQ-9, GAD-7): their published wording, read from
instruments.toml, how an answer in everyday words maps onto their four choices, and their
scoring with the instrument's own band names. Nothing is interpreted beyond those bands.
"""

from __future__ import annotations

import dataclasses
import functools
import re
import tomllib
from importlib import resources

#: The questionnaires voiceguide can ask, by the name used on the command line.
INSTRUMENTS = ("phq9", "gad7")
#: Said (and printed) with every score: the instruments screen, they do not diagnose.
NOT_A_DIAGNOSIS = "These are not a diagnosis."


@dataclasses.dataclass(frozen=True, slots=True)
class Instrument:
    """One questionnaire, exactly as published."""

    key: str
    title: str
    name: str
    version: str
    source: str
    stem: str
    items: tuple[str, ...]
    choices: tuple[str, ...]
    bands: tuple[tuple[int, str], ...]
    #: The item (1-based) whose every answer above the first choice is met at once, if any.
    safety_item: int | None = None
    difficulty: str | None = None
    difficulty_choices: tuple[str, ...] = ()

    @property
    def most(self) -> int:
        """The highest total: 27 for the PHQ-9, 21 for the GAD-7."""
        return (len(self.choices) - 1) * len(self.items)

    def band(self, total: int) -> str:
        """The instrument's own name for a total."""
        if not 0 <= total <= self.most:
            raise ValueError(f"{self.title} totals run from 0 to {self.most}, not {total}")
        return [name for lowest, name in self.bands if total >= lowest][-1]


@functools.cache
def load(key: str) -> Instrument:
    """The questionnaire called `key` ("phq9" or "gad7")."""
    if key not in INSTRUMENTS:
        raise KeyError(key)
    data = tomllib.loads(
        resources.files("voiceguide").joinpath("instruments.toml").read_text("utf-8")
    )[key]
    return Instrument(
        key=key,
        title=data["title"],
        name=data["name"],
        version=data["version"],
        source=data["source"],
        stem=data["stem"],
        items=tuple(data["items"]),
        choices=tuple(data["choices"]),
        bands=tuple((int(lowest), str(name)) for lowest, name in data["bands"]),
        safety_item=data.get("safety_item"),
        difficulty=data.get("difficulty"),
        difficulty_choices=tuple(data.get("difficulty_choices", ())),
    )


def score(values: list[int | None]) -> int | None:
    """The total, as the instruments define it (the sum of the items, 0 to 3 each); None when
    an item was left unanswered (a total of fewer items would read lower than it is)."""
    if any(v is None for v in values):
        return None
    return sum(v for v in values if v is not None)


# How often, in the words people use. Checked in this order: the first that is said wins, so
# "not often" is met before "often", and "more than half" before "half".
_HOW_OFTEN: tuple[tuple[str, int | None], ...] = (
    (r"not every day|not always|not all the time", None),  # not a choice: asked again
    (r"more than half", 2),
    (r"(nearly|almost|practically|pretty much) every ?day|every single day|every ?day|"
     r"all the time|always|daily|constantly|all day|each day|every night", 3),
    (r"not (very )?often|not much|rarely|hardly|seldom|once or twice|a day or two|"
     r"(a )?(few|couple( of)?|handful of|several|some|two or three) (days|times|nights)|"
     r"sometimes|occasionally|now and then|once in a while|a little|a bit|few times", 1),
    (r"most (of the )?(days|time|nights)|often|a lot|many days|frequently|"
     r"half the (days|time)|usually|most days", 2),
    (r"not at all|never|none|not really|nope|not once|nothing", 0),
)  # fmt: skip
_DIFFICULTY: tuple[tuple[str, int], ...] = (
    (r"not (difficult|hard)( at all)?|not at all|none|never|easy|fine", 0),
    (r"extremely|impossible|unbearable|really (hard|difficult)", 3),
    (r"very", 2),
    (r"somewhat|a (little|bit)|slightly|a little|kind of|some|sometimes", 1),
)
_NUMBERS = {"zero": 0, "0": 0, "one": 1, "1": 1, "two": 2, "2": 2, "three": 3, "3": 3}
_FILLERS = frozenset("um umm uh er erm hmm ok okay so well i'd i say maybe probably it's".split())


def _plain(text: str) -> str:
    return " ".join(re.sub(r"[^a-z0-9' ]+", " ", text.lower().replace("-", " ")).split())


#: The usual ways of giving each choice, for a speech recognizer to weigh a reply against when
#: its first hearing gives no choice (a short answer in an unusual voice is often misheard).
HOW_OFTEN_PHRASES = (
    "Not at all.", "Never.", "Zero.", "Several days.", "A couple of days.", "Sometimes.",
    "Once or twice.", "One.", "More than half the days.", "Most days.", "Often.", "Two.",
    "Nearly every day.", "Every day.", "Every single day.", "All the time.", "Three.",
)  # fmt: skip
DIFFICULTY_PHRASES = (
    "Not difficult at all.", "Not at all.", "Somewhat difficult.", "A little.",
    "Very difficult.", "Extremely difficult.",
)  # fmt: skip


def how_often(text: str) -> int | None:
    """The choice (0 to 3) an answer in everyday words gives ("a couple of days" is 1, "most
    days" 2, "every single day" 3, "never" 0, or the number itself); None when it gives none
    clearly, so that the four choices are read and asked again."""
    return _matched(text, _HOW_OFTEN)


def difficulty(text: str) -> int | None:
    """The PHQ-9's closing question, 0 (not difficult at all) to 3 (extremely difficult)."""
    return _matched(text, _DIFFICULTY)


def _matched(text: str, table: tuple[tuple[str, int | None], ...]) -> int | None:
    plain = _plain(text)
    said = [w for w in plain.split() if w not in _FILLERS]
    if len(said) == 1 and said[0] in _NUMBERS:  # a number on its own: "two"
        return _NUMBERS[said[0]]
    if said == ["no"]:  # "no" on its own (in a sentence it may be "no, most days")
        return 0
    for pattern, value in table:
        if re.search(rf"\b(?:{pattern})\b", plain):
            return value
    return None
