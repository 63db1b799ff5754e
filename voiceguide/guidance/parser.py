"""The script parser: text in, a `Script` (or every problem, each with its line) out.

Each directive has one handler in `HANDLERS`; its keys are the directives there are, so the
list a person is shown and what the parser knows cannot drift apart.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable

from voiceguide.errors import ScriptError
from voiceguide.guidance.script import (
    FIRST_TIME,
    MAX_INCLUDE_DEPTH,
    MAX_SCRIPT_BYTES,
    MAX_STEPS,
    OFFERS,
    RETURNING,
    Bell,
    Breathe,
    Daily,
    Early,
    IfLittle,
    Intention,
    Listen,
    Mood,
    Offer,
    Problem,
    Say,
    Script,
    Step,
    parse_duration,
)
from voiceguide.kinds import INTENTION_SCOPES, SCRIPTED_KINDS

_DIRECTIVE = re.compile(r"^\[\s*([^\]]*?)\s*\]\s*(.*)$")
_BREATH_WORDS = {"in": "Breathe in", "hold": "Hold", "out": "Breathe out"}
#: Lines that join as a meditation gets longer, by how long it must be before they do.
LEVELS = {"fuller": 1, "longer": 2, "longest": 3}
_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")

#: Finds an included script by name: its text and a name for messages, or None when missing.
Resolver = Callable[[str], "tuple[str, str] | None"]


@dataclasses.dataclass
class _Expansion:
    """One parse's includes: each script parsed once, however often it is included."""

    cache: dict[str, Script | None] = dataclasses.field(default_factory=dict)
    active: set[str] = dataclasses.field(default_factory=set)


def decode_script(raw: bytes) -> tuple[str | None, Problem | None]:
    """A script file's text, or the problem with its bytes (with the line it is on)."""
    if len(raw) > MAX_SCRIPT_BYTES:
        return None, Problem(0, f"it is larger than {MAX_SCRIPT_BYTES // 1024} KiB, too large "
                                "for a script")  # fmt: skip
    try:
        return raw.decode("utf-8-sig"), None
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        column = exc.start - (raw.rfind(b"\n", 0, exc.start) + 1) + 1
        return None, Problem(
            line, f"this line is not UTF-8 text (at character {column}); save the file as UTF-8"
        )


def parse(text: str, name: str = "script", *, include: Resolver | None = None) -> Script:
    """Parse a script; raise ScriptError listing every problem found."""
    problems: list[Problem] = []
    script = _parse(text, name, include, problems, depth=0)
    if problems:
        raise ScriptError(name, problems)
    return script


def check(text: str, name: str = "script", *, include: Resolver | None = None) -> list[Problem]:
    """Every problem in a script (an empty list when it is fine)."""
    problems: list[Problem] = []
    _parse(text, name, include, problems, depth=0)
    return problems


@dataclasses.dataclass
class _Line:
    """One directive line: its number, the directive, the word after it, and the rest."""

    number: int
    word: str
    arg: str
    rest: str


class _Parse:
    """The state of one parse: the steps so far, the header, and the problems found."""

    def __init__(
        self,
        name: str,
        include: Resolver | None,
        problems: list[Problem],
        depth: int,
        expansion: _Expansion,
    ) -> None:
        self.name = name
        self.include = include
        self.problems = problems
        self.depth = depth
        self.expansion = expansion
        self.header: dict[str, object] = {}
        self.steps: list[Step] = []
        self.lead_in = 0.0
        # A pause written right after a step replaces that step's small default gap.
        self.explicit_pause = False

    def problem(self, line: _Line | int, message: str) -> None:
        self.problems.append(Problem(line if isinstance(line, int) else line.number, message))

    def push(self, step: Step) -> None:
        self.steps.append(step)
        self.explicit_pause = False

    def add_pause(self, seconds: float) -> None:
        if not self.steps:
            self.lead_in += seconds
        else:
            last = self.steps[-1]
            self.steps[-1] = dataclasses.replace(last, pause=last.pause + seconds)

    def need_text(self, line: _Line, what: str) -> bool:
        if not line.rest:
            self.problem(line, f"[{line.word}] needs {what} after it")
            return False
        return True

    def run(self, text: str) -> Script:
        for number, raw in enumerate(text.splitlines(), 1):
            line = raw.strip()
            if not line or line.startswith("#"):
                continue
            if not line.startswith("["):
                self.push(Say(line, line=number))
                continue
            match = _DIRECTIVE.match(line)
            if match is None:
                self.problem(number, "a '[' that is never closed with ']'")
                continue
            inside, rest = match.groups()
            word, _, arg = inside.partition(" ")
            directive = _Line(number, word.lower(), arg.strip(), rest)
            handler = HANDLERS.get(directive.word)
            if handler is None:
                known = ", ".join(DIRECTIVES)
                self.problem(number, f"unknown directive [{directive.word}]; known: {known}")
                continue
            handler(self, directive)
        if len(self.steps) > MAX_STEPS:
            self.problem(
                0, f"it has {len(self.steps)} steps; a script may have at most {MAX_STEPS}"
            )
        if not self.steps:
            self.problem(0, "the script has nothing to say")
        header = self.header
        return Script(
            name=self.name,
            title=str(header.get("title") or self.name.replace("-", " ").capitalize()),
            steps=tuple(self.steps),
            about=str(header.get("about", "")),
            minutes=header.get("minutes"),  # type: ignore[arg-type]
            entry=header.get("entry"),  # type: ignore[arg-type]
            volume=float(header.get("volume", 1.0)),  # type: ignore[arg-type]
            lead_in=self.lead_in,
            source=text,
        )


def _parse(
    text: str,
    name: str,
    include: Resolver | None,
    problems: list[Problem],
    *,
    depth: int,
    expansion: _Expansion | None = None,
) -> Script:
    expansion = expansion or _Expansion(active={name})
    return _Parse(name, include, problems, depth, expansion).run(text)


# -- one handler per directive -----------------------------------------------------------------
def _audience(p: _Parse, line: _Line) -> None:
    """[first-time] / [returning]: the rest of the line is words, or an [include], for this
    audience only."""
    inner: list[Problem] = []
    held = _parse(line.rest, p.name, p.include, inner, depth=p.depth, expansion=p.expansion).steps
    empty = f"[{line.word}] needs words, or an [include], after it"
    real = [q for q in inner if not q.message.endswith("nothing to say")]
    p.problems.extend(Problem(line.number, q.message) for q in real or inner[:1])
    if inner and not real:
        p.problems[-1] = Problem(line.number, empty)
    if inner:
        return
    says = [step for step in held if isinstance(step, Say) and not step.audience]
    if len(says) != len(held):
        p.problem(line, f"[{line.word}] can only hold spoken lines")
        return
    included = line.rest.lower().lstrip("[ ").startswith("include")
    for step in says:
        where = step.line if included else line.number
        p.push(dataclasses.replace(step, audience=line.word, line=where))


def _words(p: _Parse, line: _Line) -> None:
    """[title] and [about]."""
    if p.need_text(line, "some words"):
        p.header[line.word] = line.rest


def _minutes(p: _Parse, line: _Line) -> None:
    try:
        value = float(line.arg or line.rest)
        if not 1 <= value <= 180:
            raise ValueError
        p.header["minutes"] = value
    except ValueError:
        p.problem(line, "[minutes] needs a number from 1 to 180")


def _entry(p: _Parse, line: _Line) -> None:
    kind = (line.arg or line.rest).lower()
    if kind not in SCRIPTED_KINDS:
        p.problem(line, f"[entry] must be one of: {', '.join(SCRIPTED_KINDS)}")
    else:
        p.header["entry"] = kind


def _volume(p: _Parse, line: _Line) -> None:
    try:
        value = float((line.arg or line.rest).rstrip("%")) / 100
        if not 0 < value <= 1:
            raise ValueError
        p.header["volume"] = value
    except ValueError:
        p.problem(line, "[volume] needs a percentage from 1% to 100%")


def _pause(p: _Parse, line: _Line) -> None:
    try:
        seconds = parse_duration(line.arg or line.rest)
        if seconds > 3600:
            raise ValueError(f"{line.arg or line.rest!r} is longer than an hour")
    except ValueError as exc:
        p.problem(line, f"bad duration in [pause]: {exc}")
        return
    if p.steps and not p.explicit_pause:
        p.steps[-1] = dataclasses.replace(p.steps[-1], pause=0.0)
    p.add_pause(seconds)
    p.explicit_pause = True


def _level(p: _Parse, line: _Line) -> None:
    """[fuller], [longer], [longest]: lines that join as a meditation gets longer."""
    if p.need_text(line, "the words to speak"):
        p.push(Say(line.rest, level=LEVELS[line.word], line=line.number))


def _bell(p: _Parse, line: _Line) -> None:
    p.push(Bell(line=line.number))


def _breathe(p: _Parse, line: _Line) -> None:
    try:
        phases, rounds = _parse_breath(line.arg or line.rest)
        p.push(Breathe(phases, rounds, line=line.number))
    except ValueError as exc:
        p.problem(line, f"bad [breathe]: {exc}")


def _listen(p: _Parse, line: _Line) -> None:
    if p.need_text(line, "the question"):
        p.push(Listen(line.rest, line=line.number))


def _mood(p: _Parse, line: _Line) -> None:
    if p.need_text(line, "the question"):
        p.push(Mood(line.rest, line=line.number))


def _intention(p: _Parse, line: _Line) -> None:
    scope = line.arg.lower() or "infusion"
    if scope not in INTENTION_SCOPES:
        p.problem(line, f"[intention] takes one of: {', '.join(INTENTION_SCOPES)}")
    else:
        p.push(Intention(scope, line.rest, line=line.number))


def _offer(p: _Parse, line: _Line) -> None:
    what = line.arg.lower()
    if what not in OFFERS:
        p.problem(line, f"[offer] takes one of: {', '.join(OFFERS)}")
    elif p.need_text(line, "the question"):
        p.push(Offer(what, line.rest, line=line.number))


def _daily(p: _Parse, line: _Line) -> None:
    if p.need_text(line, "the words to speak"):
        if p.steps and isinstance(p.steps[-1], Daily) and not p.explicit_pause:
            last = p.steps[-1]
            p.steps[-1] = dataclasses.replace(last, texts=(*last.texts, line.rest))
        else:
            p.push(Daily((line.rest,), line=line.number))


def _early(p: _Parse, line: _Line) -> None:
    if p.need_text(line, "the words to speak"):
        p.push(Early(line.rest, line=line.number))


def _if_little(p: _Parse, line: _Line) -> None:
    if p.need_text(line, "the words to speak"):
        if not p.steps or not isinstance(p.steps[-1], Listen | IfLittle):
            p.problem(line, "[if-little] must follow a [listen] step")
        else:
            p.push(IfLittle(line.rest, line=line.number))


def _include_step(p: _Parse, line: _Line) -> None:
    target = (line.arg or line.rest).strip()
    included = _include(target, p.include, p.problems, line.number, p.depth, p.expansion)
    if included is None:
        return
    if len(p.steps) + len(included.steps) > MAX_STEPS:
        p.problem(line, f"[include] {target!r} makes the script longer than {MAX_STEPS} steps")
        return
    if included.lead_in:
        p.add_pause(included.lead_in)
    for step in included.steps:
        p.push(step)


HANDLERS: dict[str, Callable[[_Parse, _Line], None]] = {
    "title": _words,
    "about": _words,
    "minutes": _minutes,
    "entry": _entry,
    "volume": _volume,
    "pause": _pause,
    "fuller": _level,
    "longer": _level,
    "longest": _level,
    "bell": _bell,
    "breathe": _breathe,
    "listen": _listen,
    "mood": _mood,
    "intention": _intention,
    "offer": _offer,
    "daily": _daily,
    "early": _early,
    "if-little": _if_little,
    "include": _include_step,
    FIRST_TIME: _audience,
    RETURNING: _audience,
}
#: Every directive a script may use.
DIRECTIVES = tuple(HANDLERS)


def _parse_breath(arg: str) -> tuple[tuple[tuple[str, int], ...], int]:
    """ "in 4, hold 4, out 6, 3 times" -> ((("Breathe in", 4), ...), 3)."""
    words = arg.lower().replace(",", " ").split()
    phases: list[tuple[str, int]] = []
    rounds = 1
    i = 0
    while i < len(words):
        word = words[i]
        if word in _BREATH_WORDS and i + 1 < len(words) and words[i + 1].isdigit():
            count = int(words[i + 1])
            if not 1 <= count <= 20:
                raise ValueError(f"a count of {count} (use 1 to 20)")
            phases.append((_BREATH_WORDS[word], count))
            i += 2
        elif word in _BREATH_WORDS:
            raise ValueError(f"{word!r} needs a count in digits after it, like '{word} 4'")
        elif word.isdigit() and i + 1 < len(words) and words[i + 1] in ("times", "rounds", "x"):
            rounds = int(word)
            i += 2
        elif word.startswith("x") and word[1:].isdigit():
            rounds = int(word[1:])
            i += 1
        else:
            raise ValueError(f"{word!r} (write it like: in 4, hold 4, out 6, 3 times)")
    if not phases:
        raise ValueError("no phases (write it like: in 4, hold 4, out 6, 3 times)")
    if not 1 <= rounds <= 50:
        raise ValueError(f"{rounds} rounds (use 1 to 50)")
    return tuple(phases), rounds


def _include(
    target: str,
    include: Resolver | None,
    problems: list[Problem],
    number: int,
    depth: int,
    expansion: _Expansion,
) -> Script | None:
    if not _NAME.match(target):
        problems.append(
            Problem(
                number,
                f"[include] {target!r} must name a script in the scripts folder "
                "(letters, digits, - and _; no paths)",
            )
        )
        return None
    if target in expansion.active:
        problems.append(Problem(number, f"[include] {target!r} includes itself (a loop)"))
        return None
    if target in expansion.cache:  # parsed once; its problems were reported the first time
        return expansion.cache[target]
    if depth >= MAX_INCLUDE_DEPTH:
        problems.append(Problem(number, f"[include] {target!r} goes too deep"))
        return None
    try:
        found = include(target) if include else None
    except ScriptError as exc:  # there, but unreadable (not UTF-8, too large)
        for p in exc.problems:
            problems.append(Problem(number, f"in included {target!r}, {p}"))
        expansion.cache[target] = None
        return None
    if found is None:
        problems.append(Problem(number, f"[include] there is no script called {target!r}"))
        expansion.cache[target] = None
        return None
    text, label = found
    inner: list[Problem] = []
    expansion.active.add(target)
    script = _parse(text, target, include, inner, depth=depth + 1, expansion=expansion)
    expansion.active.discard(target)
    for p in inner:
        problems.append(Problem(number, f"in included {label!r}, {p}"))
    expansion.cache[target] = script
    return script
