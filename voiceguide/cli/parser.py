"""The command line's grammar: every command, its options, and the options all of them take."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from voiceguide import __version__
from voiceguide.errors import UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message[0].upper()}{message[1:]}.", hint=f"See: {self.prog} --help")


def _common() -> _Parser:
    """Options every command takes, before or after the command's name."""
    p = _Parser(add_help=False)
    g = p.add_argument_group("common options")
    s = argparse.SUPPRESS
    g.add_argument(
        "--home",
        metavar="DIR",
        default=s,
        help="data folder (default: $VOICEGUIDE_HOME or your user data folder)",
    )
    g.add_argument(
        "--input-device", metavar="DEV", default=s, help="microphone: number or part of its name"
    )
    g.add_argument(
        "--output-device", metavar="DEV", default=s, help="speaker: number or part of its name"
    )
    g.add_argument(
        "--stt",
        choices=("whisper", "sphinx"),
        default=s,
        help="transcription engine (default: whisper)",
    )
    g.add_argument(
        "--voice",
        default=s,
        metavar="NAME",
        help="piper (natural, the default when installed) or system (see: voiceguide voices)",
    )
    g.add_argument(
        "--silence",
        type=float,
        metavar="S",
        default=s,
        help="end an answer after S seconds of quiet, with no check (default: see --pause)",
    )
    g.add_argument(
        "--pause",
        type=float,
        metavar="S",
        default=s,
        help="quiet before voiceguide gently checks whether there is more (default 10)",
    )
    g.add_argument(
        "--after-check",
        type=float,
        metavar="S",
        default=s,
        help="quiet after that check that ends an answer (default 12)",
    )
    g.add_argument(
        "--max-seconds",
        type=float,
        metavar="S",
        default=s,
        help="longest answer in seconds (default 600)",
    )
    g.add_argument(
        "--no-voice-commands",
        dest="voice_commands",
        action="store_false",
        default=s,
        help="do not listen for spoken commands (repeat, skip, go back, stop, cancel)",
    )
    g.add_argument(
        "--explain",
        action="store_true",
        default=s,
        help="explain the session in full, as the first time (or say: tell me more)",
    )
    g.add_argument("--debug", action="store_true", default=s, help="show full error details")
    return p


def build_parser() -> argparse.ArgumentParser:
    """The whole command-line grammar."""
    common = _common()
    parser = _Parser(
        prog="voiceguide",
        description="A private, offline voice companion for ketamine-assisted therapy.",
        parents=[common],
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(name: str, help: str, **kw: Any) -> argparse.ArgumentParser:
        return sub.add_parser(name, help=help, description=help, parents=[common], **kw)

    p = command("prepare", "the preparation talk and questions, in the days before an infusion")

    p = command("meditate", "a guided meditation (grounding by default) before the infusion")
    p.add_argument(
        "--script",
        default="grounding",
        metavar="NAME",
        help="which meditation: grounding, breath, return-to-intention, or your own",
    )
    p.add_argument(
        "--minutes", type=float, help="length in minutes (default: the script's, else 10)"
    )
    p.add_argument(
        "--ambient",
        metavar="NAME",
        help="a soft bed of sound under the voice: drone, rain, surf, or none (remembered)",
    )
    p.add_argument(
        "--out",
        type=Path,
        metavar="FILE",
        help="write the audio (wav, flac, mp3, ogg) instead of playing it",
    )

    p = command("intention", "set, show or play your intention")
    isub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    for action, text in (
        ("set", "say your intention and save it"),
        ("show", "print your current intention"),
        ("play", "hear your intention in your own voice"),
    ):
        ip = isub.add_parser(action, help=text, description=text, parents=[common])
        scope = ip.add_mutually_exclusive_group()
        scope.add_argument(
            "--going-forward",
            dest="scope",
            action="store_const",
            const="going-forward",
            default="infusion",
            help="the intention going forward, set after an infusion",
        )
        scope.add_argument(
            "--series",
            dest="scope",
            action="store_const",
            const="series",
            help="one intention for a whole series of infusions",
        )
        if action == "play":
            ip.add_argument("--tts", action="store_true", help="speak the text instead")

    p = command("during", "optional, during the infusion: your intention, quietly, looping")
    p.add_argument("--minutes", type=float, help="stop after this long (default: Ctrl-C stops)")

    p = command("reflect", "speak a reflection after the infusion; it becomes a journal entry")
    p.add_argument("--quick", action="store_true", help="a single open question")
    p.add_argument("--infusion", type=int, metavar="N", help="which infusion this follows")

    command("integrate", "a short daily check-in in the days and weeks after an infusion")
    command("note", "say something you want to bring to your therapist; it is kept for them")
    p = command("brief", "one or two pages to bring to your therapist: PDF, HTML or Markdown")
    p.add_argument("--out", type=Path, metavar="FILE", required=True, help="a .pdf, .html or .md")
    p.add_argument("--since", metavar="WHEN", help="from this day (default: 30 days ago)")
    p.add_argument("--until", metavar="WHEN", help="up to and including this day (default today)")
    p.add_argument(
        "--with-audio",
        action="store_true",
        help="HTML: put a clip of your own voice beside each sentence (else you are asked)",
    )
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p = command("themes", "what keeps coming back across your reflections and check-ins")
    p.add_argument("--since", metavar="WHEN", help="from this day: 2026-11-01, last month")
    p.add_argument("--until", metavar="WHEN", help="up to and including this day")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="at most N (default 10)")

    p = command("infusion", "a series of infusions: which one is under way")
    fsub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    fsub.add_parser("next", help="start the next infusion of the series", parents=[common])
    fsub.add_parser("show", help="print the number of the infusion under way", parents=[common])

    p = command("scripts", "the spoken sessions, as plain-text scripts you can edit")
    ssub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    ssub.add_parser("list", help="every script, built-in and your own", parents=[common])
    sp = ssub.add_parser("check", help="check a script and report every problem", parents=[common])
    sp.add_argument("file", help="a script file, or the name of a script")
    sp = ssub.add_parser("show", help="print a script (to copy and edit)", parents=[common])
    sp.add_argument("name")

    p = command("transcribe", "print the transcript of an audio file")
    p.add_argument("file", type=Path)

    p = command("journal", "your journal")
    jsub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    jp = jsub.add_parser("import", help="file a recording as an entry", parents=[common])
    jp.add_argument("file", type=Path)
    jp.add_argument("--kind", default="memo", help="entry kind (default memo)")

    def filters(jp: argparse.ArgumentParser) -> None:
        jp.add_argument("--infusion", type=int, metavar="N", help="only entries of infusion N")
        jp.add_argument("--kind", help="only entries of this kind")
        jp.add_argument(
            "--since", metavar="WHEN", help="from this day: 2026-11-01, yesterday, last week"
        )
        jp.add_argument("--until", metavar="WHEN", help="up to and including this day")
        jp.add_argument("--limit", type=int, metavar="N", help="at most N entries")

    jp = jsub.add_parser("list", help="one line per entry, newest first", parents=[common])
    filters(jp)
    entry_help = "an entry: its id, 'last', a day (2026-11-20, yesterday) or a day and time"
    jp = jsub.add_parser("show", help="print an entry (or every entry of a day)", parents=[common])
    jp.add_argument("entry", nargs="+", help=entry_help)
    jp.add_argument("--times", action="store_true", help="when each part was said (m:ss)")
    jp = jsub.add_parser(
        "play", help="hear an entry again, every answer in order", parents=[common]
    )
    jp.add_argument("entry", nargs="+", help=entry_help)
    jp.add_argument(
        "--at",
        metavar="WORDS",
        help="only the moment these words were said, from a second before",
    )
    jp = jsub.add_parser("search", help="find entries by the words said", parents=[common])
    jp.add_argument("words", nargs="+", help="every one of these words must be in the entry")
    jp.add_argument(
        "--limit", type=int, metavar="N", default=20, help="the best N entries (default 20)"
    )
    jp = jsub.add_parser(
        "edit", help="correct a transcript in $EDITOR (the original is kept)", parents=[common]
    )
    jp.add_argument("entry", nargs="+", help=entry_help)
    jp = jsub.add_parser(
        "export", help="the journal as Markdown with audio, JSON, or text", parents=[common]
    )
    jp.add_argument("--format", choices=("md", "json", "txt"), default="md")
    jp.add_argument(
        "--out", type=Path, metavar="PATH", help="folder (md) or file (json, txt; else printed)"
    )
    jp.add_argument("--force", action="store_true", help="replace an existing file")
    filters(jp)
    jp = jsub.add_parser(
        "chart", help="a picture of your mood before and after each infusion", parents=[common]
    )
    jp.add_argument("--out", type=Path, metavar="FILE", required=True, help="a .png, .svg or .pdf")
    jp.add_argument("--force", action="store_true", help="replace an existing file")
    jp = jsub.add_parser(
        "retry", help="transcribe entries that were saved without their text", parents=[common]
    )
    jp.add_argument(
        "--timestamps",
        action="store_true",
        help="also find when each part was said, for entries kept before voiceguide knew",
    )

    command(
        "recap", "before the next infusion: hear your intention going forward and last reflection"
    )
    command("recover", "file recordings that a crash or power cut left unfinished")
    command("encrypt", "encrypt your journal with a passphrase (VOICEGUIDE_PASSPHRASE for scripts)")
    command("decrypt", "turn encryption off again")

    command("voices", "list the voices voiceguide can speak with")
    p = command("config", "show or change your settings (kept in config.toml in the data folder)")
    csub = p.add_subparsers(dest="action", metavar="ACTION", parser_class=_Parser, required=True)
    csub.add_parser("show", help="print every setting", parents=[common])
    cp = csub.add_parser("set", help="change a setting, e.g. speech-rate 150", parents=[common])
    cp.add_argument("key")
    cp.add_argument("value")

    p = command(
        "remind",
        "a gentle daily reminder of your check-in: remind daily 20:00, remind, remind off",
    )
    p.add_argument(
        "action",
        nargs="?",
        choices=("daily", "off", "now"),
        help="daily HH:MM sets it; off removes it; now is what runs at that time",
    )
    p.add_argument("at", nargs="?", metavar="HH:MM", help="the time of day, e.g. 20:00")

    p = command("devices", "list microphones and speakers")
    p.add_argument(
        "--test",
        action="store_true",
        help="say a sentence and hear how the microphone picks you up",
    )
    command("doctor", "check that voice, model and devices work")
    return parser
