"""The brief as a PDF of one or two A4 pages (fpdf2), in a font that covers the person's text."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

from voiceguide.journal.brief import Brief, _at, _day, _when, _where

GREY = (110, 110, 110)
BLACK = (0, 0, 0)


def _font_folder() -> Path:
    """DejaVu Sans, shipped with matplotlib (already installed for the chart): it covers Latin,
    Greek and Cyrillic letters, and the punctuation people say."""
    import matplotlib

    return Path(matplotlib.get_data_path()) / "fonts" / "ttf"


class _Page:
    """An A4 document written top to bottom: headings and wrapped lines."""

    def __init__(self, title: str) -> None:
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
    page = _Page(f"For my therapist: {_day(brief.first)} to {_day(brief.last)}")
    if brief.infusions:
        page.heading("Infusions")
        page.line("; ".join(f"Infusion {n}: {_day(day)}" for n, day in brief.infusions))
    if brief.intentions:
        page.heading("Intentions")
        for label, entry in brief.intentions:
            page.line(f"{label}: {entry.text}")
    if brief.chart:
        page.heading("Mood")
        page.image(brief.chart)
    if brief.reflections:
        page.heading("In my own words")
        for entry, keys in brief.reflections:
            page.line(_when(entry), style="B", size=8.5, colour=GREY)
            for key in keys:
                page.line(f"\u201c{key.text}\u201d", style="I")
                page.line(f"{_at(key)}{key.play}", size=7, colour=GREY)
    if brief.themes:
        page.heading("What keeps coming back")
        for theme in brief.themes:
            page.line(f"{theme.phrase}: {_where(theme)}")
    if brief.questions:
        page.heading("Questions for my therapist")
        for question in brief.questions:
            page.line(f"\u2022 {question.text} ({_day(question.date.date())})")
    return page


def fitted(brief: Brief, pages: int = 2) -> Brief:
    """The brief, shortened until its PDF fits on `pages` A4 pages: fewer sentences from each
    reflection first, then only the latest reflections. The intentions, the chart, the themes
    and the questions are always kept."""
    import dataclasses

    trims = [(len(brief.reflections), 3), (len(brief.reflections), 2)]
    trims += [(n, 2) for n in range(len(brief.reflections) - 1, 0, -1)]
    trims += [(1, 1), (0, 0)]
    for count, each in trims:
        kept = tuple((e, keys[:each]) for e, keys in brief.reflections[-count:]) if count else ()
        shorter = dataclasses.replace(brief, reflections=kept)
        if _pages(shorter) <= pages:
            return shorter
    return dataclasses.replace(brief, reflections=())


def _pages(brief: Brief) -> int:
    return int(_render(brief).pdf.pages_count)
