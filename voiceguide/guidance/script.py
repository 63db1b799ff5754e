"""Spoken sessions as plain-text scripts: the format, its parser and where scripts are found.

A script is a UTF-8 text file. Every line that does not start with ``[`` or ``#`` is spoken.
A line starting with ``[name ...]`` is a directive; ``#`` starts a comment. The full grammar is in
the README ("Writing your own sessions"). Parsing is a pure function from text to a `Script`;
finding scripts (built-in ones inside the package, a person's own in ``<home>/scripts``) is
separate, and so is playing them (`voiceguide.guidance.render`).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path

from voiceguide.errors import UsageError, VoiceguideError

SUFFIX = ".txt"
INTENTION_SCOPES = ("infusion", "series", "going-forward")
OFFERS = ("intention", "going-forward")
ENTRY_KINDS = ("preparation", "intention", "reflection", "integration")
MAX_INCLUDE_DEPTH = 8
#: The most steps a script may expand to, and the largest script file read (a session of hours
#: is a few hundred steps; anything near these is a mistake, or /dev/zero).
MAX_STEPS = 2000
MAX_SCRIPT_BYTES = 256 * 1024


# -- steps ---------------------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True, slots=True)
class Say:
    """A line to speak, then a pause of `pause` seconds (before a meditation's length scales it).

    `level` 0 lines are always spoken, even in the shortest session; higher levels join when
    the session is long enough: 1 `[fuller]` (left out only of the shortest), 2 `[longer]`,
    3 `[longest]`.
    """

    text: str
    pause: float = 1.0
    level: int = 0
    line: int = 0
    #: Who hears it: everyone (""), only someone hearing the session for the first time (or
    #: asking to hear it all again), or only someone who has heard it before.
    audience: str = ""


#: Say.audience values: the full explanation, and the short one that replaces it.
FIRST_TIME, RETURNING = "first-time", "returning"


@dataclasses.dataclass(frozen=True, slots=True)
class Bell:
    """The bell, then a pause."""

    pause: float = 1.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Breathe:
    """Paced breathing: phases of (word, seconds), `rounds` times; the first round is counted aloud.

    Its timing is fixed: a session's length scales the pauses around it, never the breath.
    """

    phases: tuple[tuple[str, int], ...]
    rounds: int = 1
    pause: float = 1.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Listen:
    """Ask `question` and record the answer under it in the journal."""

    question: str
    pause: float = 0.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Mood:
    """Ask for a mood from 0 to 10 and keep it as a number in the entry."""

    question: str
    pause: float = 0.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Intention:
    """Play the person's own recorded intention of `scope` (or `fallback` spoken, if none)."""

    scope: str = "infusion"
    fallback: str = ""
    pause: float = 1.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Offer:
    """Offer, by voice, to set an intention (`what`: intention or going-forward) now."""

    what: str
    question: str
    pause: float = 0.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Daily:
    """One of these lines is spoken each day, in turn."""

    texts: tuple[str, ...]
    pause: float = 1.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class Early:
    """Spoken only in the first days after an infusion."""

    text: str
    pause: float = 1.0
    line: int = 0


@dataclasses.dataclass(frozen=True, slots=True)
class IfLittle:
    """Spoken after the answer before it, when that answer says little or nothing came up."""

    text: str
    pause: float = 1.0
    line: int = 0


Step = Say | Bell | Breathe | Listen | Mood | Intention | Offer | Daily | Early | IfLittle
ASKING = (Listen, Mood, Offer)


@dataclasses.dataclass(frozen=True, slots=True)
class Script:
    """A parsed session."""

    name: str
    title: str
    steps: tuple[Step, ...]
    about: str = ""
    minutes: float | None = None
    entry: str | None = None
    volume: float = 1.0
    lead_in: float = 0.0
    source: str = ""

    @property
    def asks(self) -> bool:
        """True when the session listens to the person (so it runs live, step by step)."""
        return any(isinstance(s, ASKING) for s in self.steps)

    @property
    def explains(self) -> bool:
        """True when it has lines for the first time only (a fuller explanation)."""
        return any(isinstance(s, Say) and s.audience == FIRST_TIME for s in self.steps)

    def for_listener(self, *, first_time: bool) -> Script:
        """The session as someone hears it for the first time (every [first-time] line, no
        [returning] line), or again (the other way round)."""
        left_out = RETURNING if first_time else FIRST_TIME
        steps = tuple(s for s in self.steps if not (isinstance(s, Say) and s.audience == left_out))
        return dataclasses.replace(self, steps=steps)

    def explanation(self) -> tuple[Step, ...]:
        """Its [first-time] lines: what "tell me more" says again."""
        return tuple(s for s in self.steps if isinstance(s, Say) and s.audience == FIRST_TIME)

    def spoken(self) -> list[tuple[int, str]]:
        """Every line the session can speak, with its line number (for coverage and checks)."""
        out: list[tuple[int, str]] = []
        for s in self.steps:
            if isinstance(s, Say | Early | IfLittle):
                out.append((s.line, s.text))
            elif isinstance(s, Listen | Mood | Offer):
                out.append((s.line, s.question))
            elif isinstance(s, Daily):
                out += [(s.line, t) for t in s.texts]
            elif isinstance(s, Intention) and s.fallback:
                out.append((s.line, s.fallback))
        return out


@dataclasses.dataclass(frozen=True, slots=True)
class Problem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class ScriptError(VoiceguideError):
    """A script that cannot be used; `problems` lists every one found."""

    def __init__(self, name: str, problems: list[Problem]) -> None:
        self.problems = problems
        first = problems[0]
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        super().__init__(
            f"The script {name!r} has a problem: {first}{more}.",
            hint=f"See them all with: voiceguide scripts check {name}",
        )


# -- durations -----------------------------------------------------------------------------------
_DURATION = re.compile(
    r"^(?:(\d+(?:\.\d+)?)\s*m(?:in(?:utes?)?)?)?\s*(?:(\d+(?:\.\d+)?)\s*s?(?:ec(?:onds?)?)?)?$"
)


def parse_duration(text: str) -> float:
    """Seconds in "5", "5s", "2.5 s", "1m", "1m30s", "2 minutes"; ValueError otherwise."""
    text = text.strip().lower()
    match = _DURATION.match(text)
    if not text or not match or not any(match.groups()):
        raise ValueError(f"{text!r} is not a duration (write it like 5s, 1m or 1m30s)")
    minutes, seconds = match.groups()
    return float(minutes or 0) * 60 + float(seconds or 0)


# -- parsing -------------------------------------------------------------------------------------
_DIRECTIVE = re.compile(r"^\[\s*([^\]]*?)\s*\]\s*(.*)$")
_BREATH_WORDS = {"in": "Breathe in", "hold": "Hold", "out": "Breathe out"}
#: Lines that join as a meditation gets longer, by how long it must be before they do.
LEVELS = {"fuller": 1, "longer": 2, "longest": 3}
DIRECTIVES = (
    "title", "about", "minutes", "entry", "volume", "pause", "fuller", "longer", "longest", "bell",
    "breathe", "listen", "mood", "intention", "offer", "daily", "early", "if-little", "include",
    FIRST_TIME, RETURNING,
)  # fmt: skip

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


def read_script_file(path: Path) -> bytes:
    """At most MAX_SCRIPT_BYTES + 1 bytes of a regular file (never a device or a pipe)."""
    import stat

    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(0, "it is not a regular file")
    with open(path, "rb") as handle:
        return handle.read(MAX_SCRIPT_BYTES + 1)


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
    header: dict[str, object] = {}
    steps: list[Step] = []
    lead_in = 0.0

    def add_pause(seconds: float) -> None:
        nonlocal lead_in
        if not steps:
            lead_in += seconds
        else:
            steps[-1] = dataclasses.replace(steps[-1], pause=steps[-1].pause + seconds)

    # A pause written right after a step replaces that step's small default gap.
    explicit_pause = False

    def push(step: Step) -> None:
        nonlocal explicit_pause
        steps.append(step)
        explicit_pause = False

    for number, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        match = _DIRECTIVE.match(line)
        if not line.startswith("["):
            push(Say(line, line=number))
            continue
        if match is None:
            problems.append(Problem(number, "a '[' that is never closed with ']'"))
            continue
        inside, rest = match.groups()
        word, _, arg = inside.partition(" ")
        word, arg = word.lower(), arg.strip()
        if word in (FIRST_TIME, RETURNING):
            # The rest of the line is words, or an [include], for this audience only.
            inner: list[Problem] = []
            held = _parse(rest, name, include, inner, depth=depth, expansion=expansion).steps
            empty = f"[{word}] needs words, or an [include], after it"
            real = [p for p in inner if not p.message.endswith("nothing to say")]
            problems.extend(Problem(number, p.message) for p in real or inner[:1])
            if inner and not real:
                problems[-1] = Problem(number, empty)
            if inner:
                continue
            if not all(isinstance(step, Say) and not step.audience for step in held):
                problems.append(Problem(number, f"[{word}] can only hold spoken lines"))
                continue
            for step in held:
                included = rest.lower().lstrip("[ ").startswith("include")
                push(
                    dataclasses.replace(step, audience=word, line=step.line if included else number)
                )
            continue

        def need_text(what: str, rest: str = rest, word: str = word, number: int = number) -> bool:
            if not rest:
                problems.append(Problem(number, f"[{word}] needs {what} after it"))
                return False
            return True

        if word in ("title", "about"):
            if need_text("some words"):
                header[word] = rest
        elif word == "minutes":
            try:
                value = float(arg or rest)
                if not 1 <= value <= 180:
                    raise ValueError
                header["minutes"] = value
            except ValueError:
                problems.append(Problem(number, "[minutes] needs a number from 1 to 180"))
        elif word == "entry":
            kind = (arg or rest).lower()
            if kind not in ENTRY_KINDS:
                problems.append(
                    Problem(number, f"[entry] must be one of: {', '.join(ENTRY_KINDS)}")
                )
            else:
                header["entry"] = kind
        elif word == "volume":
            try:
                value = float((arg or rest).rstrip("%")) / 100
                if not 0 < value <= 1:
                    raise ValueError
                header["volume"] = value
            except ValueError:
                problems.append(Problem(number, "[volume] needs a percentage from 1% to 100%"))
        elif word == "pause":
            try:
                seconds = parse_duration(arg or rest)
                if seconds > 3600:
                    raise ValueError(f"{arg or rest!r} is longer than an hour")
            except ValueError as exc:
                problems.append(Problem(number, f"bad duration in [pause]: {exc}"))
                continue
            if steps and not explicit_pause:
                steps[-1] = dataclasses.replace(steps[-1], pause=0.0)
            add_pause(seconds)
            explicit_pause = True
        elif word in LEVELS:
            if need_text("the words to speak"):
                push(Say(rest, level=LEVELS[word], line=number))
        elif word == "bell":
            push(Bell(line=number))
        elif word == "breathe":
            try:
                phases, rounds = _parse_breath(arg or rest)
                push(Breathe(phases, rounds, line=number))
            except ValueError as exc:
                problems.append(Problem(number, f"bad [breathe]: {exc}"))
        elif word == "listen":
            if need_text("the question"):
                push(Listen(rest, line=number))
        elif word == "mood":
            if need_text("the question"):
                push(Mood(rest, line=number))
        elif word == "intention":
            scope = arg.lower() or "infusion"
            if scope not in INTENTION_SCOPES:
                problems.append(
                    Problem(number, f"[intention] takes one of: {', '.join(INTENTION_SCOPES)}")
                )
            else:
                push(Intention(scope, rest, line=number))
        elif word == "offer":
            what = arg.lower()
            if what not in OFFERS:
                problems.append(Problem(number, f"[offer] takes one of: {', '.join(OFFERS)}"))
            elif need_text("the question"):
                push(Offer(what, rest, line=number))
        elif word == "daily":
            if need_text("the words to speak"):
                if steps and isinstance(steps[-1], Daily) and not explicit_pause:
                    last = steps[-1]
                    steps[-1] = dataclasses.replace(last, texts=(*last.texts, rest))
                else:
                    push(Daily((rest,), line=number))
        elif word == "early":
            if need_text("the words to speak"):
                push(Early(rest, line=number))
        elif word == "if-little":
            if need_text("the words to speak"):
                if not steps or not isinstance(steps[-1], Listen | IfLittle):
                    problems.append(Problem(number, "[if-little] must follow a [listen] step"))
                else:
                    push(IfLittle(rest, line=number))
        elif word == "include":
            target = (arg or rest).strip()
            included = _include(target, include, problems, number, depth, expansion)
            if included is not None:
                if len(steps) + len(included.steps) > MAX_STEPS:
                    problems.append(
                        Problem(
                            number,
                            f"[include] {target!r} makes the script longer than {MAX_STEPS} steps",
                        )  # fmt: skip
                    )
                    continue
                if included.lead_in:
                    add_pause(included.lead_in)
                for step in included.steps:
                    push(step)
        else:
            problems.append(
                Problem(number, f"unknown directive [{word}]; known: {', '.join(DIRECTIVES)}")
            )
    if len(steps) > MAX_STEPS:
        problems.append(
            Problem(0, f"it has {len(steps)} steps; a script may have at most {MAX_STEPS}")
        )
    if not steps:
        problems.append(Problem(0, "the script has nothing to say"))
    title = str(header.get("title") or name.replace("-", " ").capitalize())
    return Script(
        name=name,
        title=title,
        steps=tuple(steps),
        about=str(header.get("about", "")),
        minutes=header.get("minutes"),  # type: ignore[arg-type]
        entry=header.get("entry"),  # type: ignore[arg-type]
        volume=float(header.get("volume", 1.0)),  # type: ignore[arg-type]
        lead_in=lead_in,
        source=text,
    )


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


_NAME = re.compile(r"^[a-z0-9][a-z0-9_-]*$")


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


# -- where scripts live --------------------------------------------------------------------------
def builtin_dir() -> Path:
    """The folder of scripts that ship with voiceguide."""
    return Path(str(resources.files("voiceguide.guidance") / "scripts"))


class Library:
    """Built-in scripts, plus a person's own in `<home>/scripts` that add to or replace them."""

    def __init__(self, home: Path) -> None:
        self.user_dir = home / "scripts"

    def names(self) -> dict[str, Path]:
        """Every script by name; a person's own script wins over a built-in one."""
        found = {p.stem: p for p in sorted(builtin_dir().glob(f"*{SUFFIX}"))}
        if self.user_dir.is_dir():
            found |= {
                p.stem: p for p in sorted(self.user_dir.glob(f"*{SUFFIX}")) if _NAME.match(p.stem)
            }
        return found

    def is_own(self, path: Path) -> bool:
        return path.parent == self.user_dir

    def read(self, path: Path) -> str:
        try:
            raw = read_script_file(path)
        except PermissionError as exc:
            raise UsageError(f"Permission was denied to read the script {path}.") from exc
        except OSError as exc:
            raise UsageError(f"The script {path} cannot be read ({exc.strerror}).") from exc
        text, problem = decode_script(raw)
        if problem is not None:
            raise ScriptError(path.stem, [problem])
        assert text is not None
        return text

    def resolver(self) -> Resolver:
        names = self.names()

        def resolve(name: str) -> tuple[str, str] | None:
            path = names.get(name)
            if path is None:
                return None
            return self.read(path), name  # ScriptError: there, but unreadable

        return resolve

    def load(self, name: str, *, builtin: bool = False) -> Script:
        """The script called `name` (a person's own first, unless `builtin`), parsed."""
        path = (builtin_dir() / f"{name}{SUFFIX}") if builtin else self.names().get(name)
        if path is not None and not path.is_file():
            path = None
        if path is None:
            raise UsageError(
                f"There is no script called {name!r}.",
                hint=f"See them with: voiceguide scripts list ({', '.join(self.names())})",
            )
        return parse(self.read(path), name, include=self.resolver())

    def check_file(self, path: Path) -> list[Problem]:
        """Every problem in the script at `path`."""
        try:
            raw = read_script_file(path)
        except PermissionError:
            return [Problem(0, "permission was denied to read it")]
        except OSError as exc:
            return [Problem(0, f"it cannot be read ({exc.strerror})")]
        text, problem = decode_script(raw)
        if problem is not None:
            return [problem]
        assert text is not None
        return check(text, path.stem, include=self.resolver())
