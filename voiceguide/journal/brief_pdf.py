"""The brief as a PDF of one or two A4 pages (fpdf2), in a font that covers the person's text."""

from __future__ import annotations

import functools
import io
from pathlib import Path
from typing import Any

from voiceguide.journal.brief import (
    UNCHECKED,
    Brief,
    _checkin,
    _day,
    _when,
    _where,
    mark,
    mood_numbers,
)

GREY = (110, 110, 110)
BLACK = (0, 0, 0)


def _font_folder() -> Path:
    """DejaVu Sans, shipped with matplotlib (already installed for the chart): it covers Latin,
    Greek and Cyrillic letters, and the punctuation people say."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


#: Fonts for what DejaVu Sans lacks, from Debian's packages (scripts/setup installs them):
#: Chinese, Japanese and Korean (fonts-droid-fallback), emoji and symbols (fonts-symbola).
FALLBACK_FONTS = {
    "CJK": (
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf",
        "/usr/share/fonts-droid-fallback/truetype/DroidSansFallback.ttf",
    ),
    "Symbols": ("/usr/share/fonts/truetype/ancient-scripts/Symbola_hint.ttf",),
}


def _fallbacks() -> dict[str, Path]:
    """The fallback fonts this machine has, by name."""
    found = {}
    for name, paths in FALLBACK_FONTS.items():
        for path in map(Path, paths):
            if path.is_file():
                found[name] = path
                break
    return found


@functools.cache
def _covered(path: Path) -> frozenset[int]:
    from fontTools.ttLib import TTFont

    return frozenset(TTFont(str(path), lazy=True).getBestCmap())


#: Drawn without a glyph of their own: spaces and line ends, joiners, emoji variation selectors.
_NO_GLYPH = frozenset({0x20, 0x0A, 0x0D, 0x09, 0x200D, 0xFE0F, 0xFE0E})


def _beyond(text: str, fonts: list[Path]) -> str:
    covered = _NO_GLYPH.union(*(_covered(path) for path in fonts))
    return "".join(dict.fromkeys(c for c in text if ord(c) not in covered))


def missing_glyphs(text: str) -> str:
    """The characters of `text` that no font of the PDF can draw (each once, in order): the
    brief says so rather than leave blanks where the person's words were."""
    return _beyond(text, [_font_folder() / "DejaVuSans.ttf", *_fallbacks().values()])


class _Page:
    """An A4 document written top to bottom: headings and wrapped lines."""

    def __init__(self, title: str, text: str = "") -> None:
        from fpdf import FPDF

        self.pdf: Any = FPDF(format="A4")
        self.pdf.set_margins(18, 16, 18)
        self.pdf.set_auto_page_break(True, margin=14)
        self.pdf.set_title(title)
        self.pdf.set_creator("voiceguide")
        fonts = _font_folder()
        self.pdf.add_font("Sans", "", str(fonts / "DejaVuSans.ttf"))
        self.pdf.add_font("Sans", "B", str(fonts / "DejaVuSans-Bold.ttf"))
        self.pdf.add_font("Sans", "I", str(fonts / "DejaVuSans-Oblique.ttf"))
        if _beyond(title + text, [fonts / "DejaVuSans.ttf"]):  # only then: they are large
            fallbacks = _fallbacks()
            for name, path in fallbacks.items():
                self.pdf.add_font(name, "", str(path))
            self.pdf.set_fallback_fonts(list(fallbacks), exact_match=False)
        self.pdf.add_page()
        self.pdf.set_font("Sans", "B", 14)
        self.pdf.cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")

    def heading(self, text: str) -> None:
        self.pdf.ln(1.5)
        self.pdf.set_font("Sans", "B", 10.5)
        self.pdf.cell(0, 6, text, new_x="LMARGIN", new_y="NEXT")

    def line(
        self, text: str, *, style: str = "", size: float = 9.5, colour: tuple[int, ...] = BLACK
    ) -> None:
        self.pdf.set_font("Sans", style, size)
        self.pdf.set_text_color(*colour)
        self.pdf.multi_cell(0, size * 0.48, text, new_x="LMARGIN", new_y="NEXT")
        self.pdf.set_text_color(*BLACK)

    def image(self, png: bytes) -> None:
        self.pdf.image(io.BytesIO(png), w=self.pdf.epw * 0.92)

    def bytes(self) -> bytes:
        return bytes(self.pdf.output())


def to_pdf(brief: Brief) -> bytes:
    """The brief as PDF bytes."""
    return _render(brief).bytes()


def _render(brief: Brief) -> _Page:
    from voiceguide.journal.brief import to_markdown

    title = f"For my therapist: {_day(brief.first)} to {_day(brief.last)}"
    page = _Page(title, to_markdown(brief))
    size = brief.size
    if brief.infusions:
        page.heading("Infusions")
        page.line("; ".join(f"Infusion {n}: {_day(day)}" for n, day in brief.infusions), size=size)
    if brief.intentions:
        page.heading("Intentions")
        for label, entry in brief.intentions:
            page.line(f"{label}: {entry.text}{mark(entry)}", size=size)
    if brief.hopes:
        page.heading("Hopes and goals")
        for asked, answer in brief.hopes:
            page.line(f"{asked} {brief.quote(answer)}", size=size)
    if brief.moods:
        page.heading("Mood")
        page.line(f"From 0 to 10: {mood_numbers(brief)}", size=size - 1)
    _scores(page, brief)
    if brief.reflections:
        page.heading("In my own words")
        page.line(f"Reflections {UNCHECKED}.", size=size - 2, colour=GREY)
        for entry, keys in brief.reflections:
            page.line(_when(entry), style="B", size=size - 1, colour=GREY)
            for key in keys:
                page.line(f"\u201c{brief.quote(key.text)}\u201d", style="I", size=size)
    if brief.checkins:
        page.heading("Daily check-ins")
        for entry, said in brief.checkins:
            page.line(_checkin(brief, entry, said, str), size=size)
    if brief.themes:
        page.heading("What keeps coming back")
        for theme in brief.themes:
            page.line(f"{theme.phrase}: {_where(theme)}", size=size)
    if brief.questions:
        page.heading("Questions for my therapist")
        for question in brief.questions:
            page.line(
                f"\u2022 {question.text}{mark(question)} ({_day(question.date.date())})", size=size
            )
    return page


def _scores(page: _Page, brief: Brief) -> None:
    """The questionnaires (totals, flags, items now and before), then the chart of all."""
    from voiceguide.instruments import NOT_A_DIAGNOSIS
    from voiceguide.journal.scores import score_lines

    for scores in brief.questionnaires:
        totals, items, flags = score_lines(scores)
        page.heading(scores.title)
        page.line(f"Totals: {totals[0]}. {NOT_A_DIAGNOSIS}", size=brief.size - 1)
        for flag in flags:
            page.line(f"Flag: {flag}", style="B", size=brief.size)
        for item in items:
            page.line(item, size=brief.size - 1.5)
    if brief.chart:
        page.image(brief.chart)


def fitted(brief: Brief, pages: int = 2) -> Brief:
    """The brief, made to fit on `pages` A4 pages, every reflection of its period kept with at
    least its most telling sentence: fewer sentences from each reflection first, then the
    check-ins as numbers only, then long sentences cut short, then fewer themes, then a
    smaller type."""
    import dataclasses

    def each(n: int) -> Brief:
        return dataclasses.replace(
            brief, reflections=tuple((e, keys[:n]) for e, keys in brief.reflections)
        )

    steps = [brief, each(2), each(1)]
    one = steps[-1]
    steps.append(
        one := dataclasses.replace(one, checkins=tuple((e, None) for e, _ in one.checkins))
    )
    for words in (24, 14, 8):
        steps.append(one := dataclasses.replace(one, words=words))
    steps.append(one := dataclasses.replace(one, themes=one.themes[:3]))
    for size in (8.5, 7.5, 6.5):
        steps.append(one := dataclasses.replace(one, size=size))
    for shorter in steps:
        if _pages(shorter) <= pages:
            return shorter
    return steps[-1]


def _pages(brief: Brief) -> int:
    return int(_render(brief).pdf.pages_count)
