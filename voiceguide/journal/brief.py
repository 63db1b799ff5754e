"""The brief: one or two pages to bring to a session with the therapist.

It holds only what the person said and chose: the infusions in the period, their intentions,
their hopes and goals from preparing, their moods (the chart, and the numbers), the sentences
that say the most from every reflection (with when they were said), a line from each daily
check-in, the themes that keep coming back and where, and their questions for the therapist.
Words the person never confirmed are marked as such. No scores, labels or advice. Markdown and
HTML are made here; PDF in brief_pdf.py.
"""

from __future__ import annotations

import base64
import dataclasses
import datetime as dt
import html
import io
import re
import shlex
from collections.abc import Callable, Sequence

from voiceguide.instruments import NOT_A_DIAGNOSIS
from voiceguide.journal.entry import Entry, first_reflections, latest_intention
from voiceguide.journal.moments import Moment, clock
from voiceguide.journal.scores import Scores, score_lines
from voiceguide.journal.themes import Theme

QUESTIONS = "questions for your therapist"
#: At most this many sentences from each reflection (fewer when two pages need it; never none).
SENTENCES = 3
THEMES = 6
CHART = "Mood before and after each infusion"
INTENTION_LABELS = {
    "series": "For the series",
    "going-forward": "Going forward",
}
#: How the moods are named, by the kind of entry they were asked in.
MOOD_KINDS = {"preparation": "preparing", "reflection": "after", "integration": "check-in"}
#: Said of words the person never confirmed (a machine transcript they have not corrected).
UNCHECKED = "as transcribed, not checked"


@dataclasses.dataclass(frozen=True)
class KeySentence:
    """One of the person's own sentences, and where in the recording it was said."""

    entry: Entry
    text: str
    answer: int | None = None
    moment: Moment | None = None

    @property
    def play(self) -> str:
        """The command that plays it in their own voice (safe to paste into a shell)."""
        words = " ".join(self.text.split()[:6])
        return f"voiceguide journal play {shlex.quote(self.entry.id)} --at {shlex.quote(words)}"


def checked(entry: Entry) -> bool:
    """Whether the person confirmed the words (said yes when they were read back, or corrected
    them in `journal edit`)."""
    return entry.get("confirmed") is True or entry.get("machine_transcript") is not None


@dataclasses.dataclass(frozen=True)
class Brief:
    """What goes in the brief, gathered from the journal."""

    first: dt.date
    last: dt.date
    infusions: tuple[tuple[int, dt.date], ...]
    intentions: tuple[tuple[str, Entry], ...]
    chart: bytes | None  # PNG
    reflections: tuple[tuple[Entry, tuple[KeySentence, ...]], ...]
    themes: tuple[Theme, ...]
    questions: tuple[Entry, ...]
    #: Hopes and goals said while preparing: (question, answer).
    hopes: tuple[tuple[str, str], ...] = ()
    #: Each daily check-in: the entry and its most telling sentence (None: numbers only).
    checkins: tuple[tuple[Entry, str | None], ...] = ()
    #: The moods as numbers: (when, what it was asked in, mood).
    moods: tuple[tuple[dt.datetime, str, int], ...] = ()
    #: The PHQ-9 and GAD-7 answered in the period (journal/scores.py).
    questionnaires: tuple[Scores, ...] = ()
    #: The longest a quoted sentence may be, in words (None: whole), and the text size.
    words: int | None = None
    size: float = 9.5

    def summary(self) -> str:
        """What it holds, in one sentence to say and show."""
        sentences = sum(len(k) for _, k in self.reflections)
        parts = [
            _count(len(self.infusions), "infusion"),
            _count(len(self.intentions), "intention"),
            "your hopes and goals" if self.hopes else "",
            "your moods" if self.moods else "",
            _count(sentences, "of your own sentence", "of your own sentences"),
            _count(len(self.checkins), "check-in"),
            _count(len(self.themes), "theme"),
            _count(len(self.questions), "question for your therapist", QUESTIONS),
            " and ".join(f"your {q.title} answers" for q in self.questionnaires),
        ]  # fmt: skip
        held = [p for p in parts if p] or ["your entries"]
        listed = ", ".join(held[:-1]) + (" and " if len(held) > 1 else "") + held[-1]
        period = f"from {_day(self.first)} to {_day(self.last)}"
        return f"Your brief {period} will hold {listed}."

    def quote(self, text: str) -> str:
        """A sentence as the brief shows it (cut short, with an ellipsis, when space needs it)."""
        words = text.split()
        if self.words is None or len(words) <= self.words:
            return text
        return " ".join(words[: self.words]) + "\u2026"


def _count(n: int, one: str, many: str | None = None) -> str:
    if n == 0:
        return ""
    return f"{n} {one if n == 1 else (many or one + 's')}"


def _day(day: dt.date) -> str:
    return f"{day.day} {day:%B %Y}"


def gather(
    everything: Sequence[Entry],
    period: Sequence[Entry],
    themes: Sequence[Theme],
    *,
    first: dt.date,
    last: dt.date,
) -> Brief:
    """The brief of `period` (entries, newest first), with `everything` for the intentions."""
    from voiceguide.journal import moments
    from voiceguide.journal.chart import mood_chart_png
    from voiceguide.journal.entry import valid_mood
    from voiceguide.journal.recap import key_lines

    oldest_first = sorted(period, key=lambda e: e.date)
    infusions = tuple(
        (number, e.date.date()) for number, e in sorted(first_reflections(period).items())
    )
    intentions: list[tuple[str, Entry]] = []
    for number, _ in infusions:
        entry = latest_intention(everything, "infusion", number)
        if entry is not None:
            intentions.append((f"Infusion {number}", entry))
    for scope, label in INTENTION_LABELS.items():
        entry = latest_intention(everything, scope)
        if entry is not None:
            intentions.append((label, entry))
    moods = tuple(
        (e.date, MOOD_KINDS[e.kind], mood)
        for e in oldest_first
        if e.kind in MOOD_KINDS and (mood := valid_mood(e.get("mood"))) is not None
    )
    from voiceguide.journal.scores import gather_scores

    scored = gather_scores(everything, period)
    chart = mood_chart_png(oldest_first, width=9, height=3.0) if moods or scored else None
    chosen = []
    for entry in (e for e in oldest_first if e.kind == "reflection" and e.text):
        keys = []
        for text in key_lines(entry, limit=SENTENCES):
            found = moments.find(entry, text)
            answer, moment = found if found is not None else (None, None)
            keys.append(KeySentence(entry, text, answer, moment))
        if keys:
            chosen.append((entry, tuple(keys)))
    preparing = [e for e in oldest_first if e.kind == "preparation" and e.text]
    hopes = tuple(
        (a.question, a.text) for a in (preparing[-1].answers if preparing else ()) if a.text
    )
    checkins = tuple(
        (e, next(iter(key_lines(e, limit=1)), None))
        for e in oldest_first
        if e.kind == "integration"
    )
    questions = tuple(e for e in oldest_first if e.kind == "therapist" and e.text)
    return Brief(
        first, last, infusions, tuple(intentions), chart, tuple(chosen), tuple(themes[:THEMES]),
        questions, hopes=hopes, checkins=checkins, moods=moods, questionnaires=scored,
    )  # fmt: skip


def mood_numbers(brief: Brief) -> str:
    """The moods as numbers, in one line: "24 Nov, preparing: 4 · 25 Nov, after: 6 · ..."."""
    return " \u00b7 ".join(f"{when:%d %b}, {what}: {mood}" for when, what, mood in brief.moods)


def mark(entry: Entry) -> str:
    """What follows words the person never confirmed."""
    return "" if checked(entry) else f" ({UNCHECKED})"


# -- Markdown ------------------------------------------------------------------------------------
def to_markdown(brief: Brief) -> str:
    """The brief as Markdown, the chart inside it (a data URI): one file. The person's words
    are escaped, so that nothing they said becomes markup."""
    m = markdown_text
    out = [f"# For my therapist: {_day(brief.first)} to {_day(brief.last)}", ""]
    if brief.infusions:
        out += ["## Infusions", ""]
        out += [f"- Infusion {n}: {_day(day)}" for n, day in brief.infusions] + [""]
    if brief.intentions:
        out += ["## Intentions", ""]
        out += [f"- {label}: {m(e.text)}{mark(e)}" for label, e in brief.intentions] + [""]
    if brief.hopes:
        out += ["## Hopes and goals", ""]
        out += [f"- {m(q)} {m(brief.quote(a))}" for q, a in brief.hopes] + [""]
    if brief.moods or brief.questionnaires:
        out += _markdown_scores(brief)
    if brief.reflections:
        out += ["## In my own words", "", f"*Reflections {UNCHECKED}.*", ""]
        for entry, keys in brief.reflections:
            out += [f"**{_when(entry)}**", ""]
            out += ["\n>\n".join(f"> {m(brief.quote(key.text))}" for key in keys), ""]
    if brief.checkins:
        out += ["## Daily check-ins", ""]
        out += [f"- {_checkin(brief, e, said, m)}" for e, said in brief.checkins] + [""]
    if brief.themes:
        out += ["## What keeps coming back", ""]
        for theme in brief.themes:
            out.append(f"- **{m(theme.phrase)}**: {_where(theme)}")
        out.append("")
    if brief.questions:
        out += ["## Questions for my therapist", ""]
        out += [f"- {m(q.text)}{mark(q)} ({_day(q.date.date())})" for q in brief.questions] + [""]
    timed = [key for _, said in brief.reflections for key in said if key.moment is not None]
    if timed:
        out += ["---", "", "*For me: to hear these again in my own voice*", ""]
        out += [f"- {_at(key)}`{key.play}`" for key in timed] + [""]
    return "\n".join(out)


def _markdown_scores(brief: Brief) -> list[str]:
    """The moods and the questionnaires, with the chart of both."""
    out = []
    if brief.moods:
        out += ["## Mood", "", f"From 0 to 10: {mood_numbers(brief)}", ""]
    for scores in brief.questionnaires:
        totals, items, flags = score_lines(scores)
        out += [f"## {scores.title}", "", f"Totals: {totals[0]}. {NOT_A_DIAGNOSIS}", ""]
        out += [f"**\u2691 {markdown_text(f)}**" for f in flags] + ([""] if flags else [])
        out += [f"- {markdown_text(i)}" for i in items] + [""]
    if brief.chart:
        data = base64.b64encode(brief.chart).decode("ascii")
        out += [f"![{CHART}](data:image/png;base64,{data})", ""]
    return out


def markdown_text(text: str) -> str:
    """The person's words, with what Markdown (or HTML inside it) would read as markup escaped:
    emphasis, code, links, tags, tables, and a heading, list or quote at the start."""
    escaped = re.sub(r"([\\`*_\[\]<>|~])", r"\\\1", text)
    escaped = re.sub(r"&(?=[A-Za-z#][A-Za-z0-9]*;)", "&amp;", escaped)
    return re.sub(r"^(\s*)([#+\-=]|\d+(?=[.)]))", r"\1\\\2", escaped)


def _checkin(brief: Brief, entry: Entry, said: str | None, style: Callable[[str], str]) -> str:
    mood = entry.get("mood")
    parts = [f"{entry.date:%a %d %b}"]
    if isinstance(mood, int):
        parts.append(f"mood {mood}")
    if said:
        parts.append(f"\u201c{style(brief.quote(said))}\u201d")
    return ": ".join(parts[:1]) + (", " + ", ".join(parts[1:]) if parts[1:] else "")


def _when(entry: Entry) -> str:
    after = f", after infusion {entry.infusion}" if entry.infusion is not None else ""
    return f"{entry.date:%A} {_day(entry.date.date())}, {entry.date:%H:%M}{after}"


def _at(key: KeySentence) -> str:
    return f"at {clock(key.moment.start)} of the recording: " if key.moment else ""


def _where(theme: Theme) -> str:
    days = ", ".join(f"{e.entry.date:%d %b}" for e in theme.evidence)
    return f"in {theme.entries} entries ({days})"


# -- HTML ----------------------------------------------------------------------------------------
_STYLE = """
body { font-family: system-ui, sans-serif; max-width: 46em; margin: 2em auto; padding: 0 1em;
       color: #222; line-height: 1.45; }
h1 { font-size: 1.4em; } h2 { font-size: 1.1em; margin-top: 1.4em; color: #444; }
blockquote { margin: 0.4em 0 0.8em 0; padding-left: 0.8em; border-left: 3px solid #ccc; }
.when { color: #666; font-size: 0.9em; } audio { height: 2em; vertical-align: middle; }
img { max-width: 100%; }
"""


def to_html(brief: Brief, clip: Callable[[KeySentence], bytes | None] | None = None) -> str:
    """The brief as one self-contained HTML file. `clip`: a key sentence's short recording
    (WAV bytes), embedded beside it with a play button; None: no audio at all."""
    e = html.escape
    out = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8" />',
        f"<title>For my therapist: {e(_day(brief.first))} to {e(_day(brief.last))}</title>",
        f"<style>{_STYLE}</style></head><body>",
        f"<h1>For my therapist: {e(_day(brief.first))} to {e(_day(brief.last))}</h1>",
    ]
    if brief.infusions:
        out.append("<h2>Infusions</h2><ul>")
        out += [f"<li>Infusion {n}: {e(_day(day))}</li>" for n, day in brief.infusions]
        out.append("</ul>")
    if brief.intentions:
        out.append("<h2>Intentions</h2><ul>")
        out += [
            f"<li>{e(label)}: {e(entry.text)}{e(mark(entry))}</li>"
            for label, entry in brief.intentions
        ]
        out.append("</ul>")
    if brief.hopes:
        out.append("<h2>Hopes and goals</h2><ul>")
        out += [f"<li>{e(q)} {e(brief.quote(a))}</li>" for q, a in brief.hopes]
        out.append("</ul>")
    if brief.moods:
        out.append("<h2>Mood</h2>")
        out.append(f"<p>From 0 to 10: {e(mood_numbers(brief))}</p>")
    out += _html_scores(brief)
    if brief.reflections:
        out += _html_reflections(brief, clip)
    if brief.checkins:
        out.append("<h2>Daily check-ins</h2><ul>")
        out += [f"<li>{_checkin(brief, c, said, e)}</li>" for c, said in brief.checkins]
        out.append("</ul>")
    if brief.themes:
        out.append("<h2>What keeps coming back</h2><ul>")
        out += [f"<li><b>{e(t.phrase)}</b>: {e(_where(t))}</li>" for t in brief.themes]
        out.append("</ul>")
    if brief.questions:
        out.append("<h2>Questions for my therapist</h2><ul>")
        out += [
            f"<li>{e(q.text)}{e(mark(q))} ({e(_day(q.date.date()))})</li>" for q in brief.questions
        ]
        out.append("</ul>")
    out.append("</body></html>")
    return "\n".join(out) + "\n"


def _html_scores(brief: Brief) -> list[str]:
    """The questionnaires (totals, flags, items now and before) and the chart."""
    e = html.escape
    out = []
    for scores in brief.questionnaires:
        totals, items, flags = score_lines(scores)
        out.append(f"<h2>{e(scores.title)}</h2>")
        out.append(f"<p>Totals: {e(totals[0])}. {e(NOT_A_DIAGNOSIS)}</p>")
        out += [f'<p class="flag"><b>\u2691 {e(f)}</b></p>' for f in flags]
        out.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in items) + "</ul>")
    if brief.chart:
        data = base64.b64encode(brief.chart).decode("ascii")
        out.append(f'<img alt="{CHART}" src="data:image/png;base64,{data}" />')
    return out


def _html_reflections(
    brief: Brief, clip: Callable[[KeySentence], bytes | None] | None
) -> list[str]:
    """The reflections' key sentences, each with its clip to play when there is one."""
    e = html.escape
    out = ["<h2>In my own words</h2>", f'<p class="when">Reflections {UNCHECKED}.</p>']
    for entry, keys in brief.reflections:
        out.append(f'<p class="when">{e(_when(entry))}</p>')
        for key in keys:
            sound = clip(key) if clip is not None else None
            player = ""
            if sound:
                data = base64.b64encode(sound).decode("ascii")
                source = f"data:{CLIP_TYPE};base64,{data}"
                player = f' <audio controls="controls" preload="none" src="{source}"></audio>'
            out.append(f"<blockquote>{e(brief.quote(key.text))}{player}</blockquote>")
    return out


#: How an HTML brief's clips are encoded: Opus in Ogg, which browsers play. At this setting
#: libsndfile writes 20 to 40 kbit/s of speech (it varies with the voice): clear, and 7 to 13
#: times smaller than the same 16 kHz WAV (BENCHMARKS.md, "The brief's clips").
OPUS_COMPRESSION = 0.95
CLIP_TYPE = "audio/ogg; codecs=opus"


def clip_bytes(samples_and_rate: tuple[object, int]) -> bytes:
    """A clip of the person's voice as Opus in Ogg (mono; 8, 12, 16, 24 or 48 kHz)."""
    import soundfile

    samples, rate = samples_and_rate
    buffer = io.BytesIO()
    soundfile.write(
        buffer,
        samples,
        rate,
        format="OGG",
        subtype="OPUS",
        compression_level=OPUS_COMPRESSION,
    )
    return buffer.getvalue()
