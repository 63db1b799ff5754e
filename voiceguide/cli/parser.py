"""The command line's grammar: every command, its options, and the options all of them take."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any, cast

from voiceguide import __version__
from voiceguide.errors import UsageError


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message[0].upper()}{message[1:]}.", hint=f"See: {self.prog} --help")


#: What a command does decides which of the shared options it lists (and accepts): a command
#: that only reads the journal has no microphone to choose.
SPEAKS = "speaks"  # --output-device, --voice
RECORDS = "records"  # --input-device
LISTENS = "listens"  # how long it waits for an answer: --silence, --pause, ...
HEARS = "hears"  # --stt: it transcribes
EXPLAINS = "explains"  # --explain: a session with explanations
CONVERSATION = (SPEAKS, RECORDS, LISTENS, HEARS, EXPLAINS)
DEVICES = (SPEAKS, RECORDS, HEARS)
EVERY_OPTION = CONVERSATION


def _common(uses: tuple[str, ...] = ()) -> _Parser:
    """The shared options a command takes, before or after its name: the data folder and
    --debug always, and those of what it `uses` (SPEAKS, RECORDS, LISTENS, HEARS, EXPLAINS)."""
    p = _Parser(add_help=False)
    g = p.add_argument_group("common options")
    s = argparse.SUPPRESS
    g.add_argument(
        "--home",
        metavar="DIR",
        default=s,
        help="data folder (default: $VOICEGUIDE_HOME or your user data folder)",
    )
    if RECORDS in uses:
        g.add_argument(
            "--input-device",
            metavar="DEV",
            default=s,
            help="microphone: number or part of its name",
        )
    if SPEAKS in uses:
        g.add_argument(
            "--output-device", metavar="DEV", default=s, help="speaker: number or part of its name"
        )
    if HEARS in uses:
        g.add_argument(
            "--stt",
            choices=("whisper", "sphinx"),
            default=s,
            help="transcription engine (default: whisper)",
        )
    if SPEAKS in uses:
        g.add_argument(
            "--voice",
            default=s,
            metavar="NAME",
            help="piper (natural, the default when installed) or system (see: voiceguide voices)",
        )
    if LISTENS in uses:
        _listening_options(g)
    if EXPLAINS in uses:
        g.add_argument(
            "--explain",
            action="store_true",
            default=s,
            help="explain the session in full, as the first time (or say: tell me more)",
        )
    g.add_argument("--debug", action="store_true", default=s, help="show full error details")
    return p


def _listening_options(g: argparse._ArgumentGroup) -> None:
    """How patiently an answer is listened to, and whether spoken commands are heard."""
    s = argparse.SUPPRESS
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
        help="quiet after that check that ends an answer (default 8)",
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


class _Commands:
    """Adds commands (and their actions) to the parser, each with the shared options it uses."""

    def __init__(self, parser: argparse.ArgumentParser) -> None:
        self.sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(
        self, name: str, help: str, *, uses: tuple[str, ...] = ()
    ) -> argparse.ArgumentParser:
        return cast(
            argparse.ArgumentParser,
            self.sub.add_parser(name, help=help, description=help, parents=[_common(uses)]),
        )

    def actions(self, parser: argparse.ArgumentParser) -> _Actions:
        """The actions of a command (`journal list`, `config set`): one is required."""
        found = parser.add_subparsers(
            dest="action", metavar="ACTION", parser_class=_Parser, required=True
        )
        return _Actions(found)


class _Actions:
    """Adds the actions of one command, each with the shared options it uses."""

    def __init__(self, sub: Any) -> None:
        self.sub = sub

    def add(self, name: str, help: str, *, uses: tuple[str, ...] = ()) -> argparse.ArgumentParser:
        return cast(
            argparse.ArgumentParser,
            self.sub.add_parser(name, help=help, description=help, parents=[_common(uses)]),
        )


def build_parser() -> argparse.ArgumentParser:
    """The whole command-line grammar, one group of commands at a time."""
    parser = _Parser(
        prog="voiceguide",
        description="A private, offline voice companion for ketamine-assisted therapy.",
        parents=[_common(EVERY_OPTION)],  # the spoken menu, with no command, uses them all
    )
    parser.add_argument("--version", action="version", version=f"%(prog)s {__version__}")
    commands = _Commands(parser)
    for group in (_sessions, _therapist, _series_and_scripts, _journal, _care, _setup):
        group(commands)
    return parser


def _sessions(c: _Commands) -> None:
    """What is said and listened to: prepare, meditate, during, reflect, integrate, note."""
    c.command(
        "prepare",
        "the preparation talk and questions, in the days before an infusion",
        uses=CONVERSATION,
    )
    p = c.command(
        "meditate", "a guided meditation (grounding by default) before the infusion", uses=(SPEAKS,)
    )
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
    _intention(c)
    p = c.command(
        "during", "optional, during the infusion: your intention, quietly, looping", uses=(SPEAKS,)
    )
    p.add_argument("--minutes", type=float, help="stop after this long (default: Ctrl-C stops)")
    p = c.command(
        "reflect",
        "speak a reflection after the infusion; it becomes a journal entry",
        uses=CONVERSATION,
    )
    p.add_argument("--quick", action="store_true", help="a single open question")
    p.add_argument("--infusion", type=int, metavar="N", help="which infusion this follows")
    c.command(
        "integrate",
        "a short daily check-in in the days and weeks after an infusion",
        uses=CONVERSATION,
    )
    c.command(
        "note",
        "say something you want to bring to your therapist; it is kept for them",
        uses=CONVERSATION,
    )


def _intention(c: _Commands) -> None:
    actions = c.actions(c.command("intention", "set, show or play your intention"))
    for action, text in (
        ("set", "say your intention and save it"),
        ("show", "print your current intention"),
        ("play", "hear your intention in your own voice"),
    ):
        uses = {"set": CONVERSATION, "show": (), "play": (SPEAKS,)}[action]
        ip = actions.add(action, text, uses=uses)
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


def _therapist(c: _Commands) -> None:
    """What is brought to a therapist or the clinic: the questionnaires, the brief, the
    themes."""
    c.command(
        "questionnaire",
        "the PHQ-9 or GAD-7 your clinic asks for, by voice, scored and kept",
        uses=CONVERSATION,
    ).add_argument(
        "instrument",
        choices=("phq9", "gad7"),
        help="phq9 (mood) or gad7 (worry), read in its published wording",
    )

    p = c.command("brief", "one or two pages to bring to your therapist: PDF, HTML or Markdown")
    p.add_argument("--out", type=Path, metavar="FILE", required=True, help="a .pdf, .html or .md")
    p.add_argument("--since", metavar="WHEN", help="from this day (default: 30 days ago)")
    p.add_argument("--until", metavar="WHEN", help="up to and including this day (default today)")
    p.add_argument(
        "--with-audio",
        action="store_true",
        help="HTML: put a clip of your own voice beside each sentence (else you are asked)",
    )
    p.add_argument("--force", action="store_true", help="replace an existing file")
    p = c.command("themes", "what keeps coming back across your reflections and check-ins")
    p.add_argument("--since", metavar="WHEN", help="from this day: 2026-11-01, last month")
    p.add_argument("--until", metavar="WHEN", help="up to and including this day")
    p.add_argument("--limit", type=int, default=10, metavar="N", help="at most N (default 10)")


def _series_and_scripts(c: _Commands) -> None:
    """The series of infusions, the session scripts, and transcribing a file."""
    actions = c.actions(c.command("infusion", "a series of infusions: which one is under way"))
    actions.add("next", "start the next infusion of the series")
    actions.add("show", "print the number of the infusion under way")
    actions = c.actions(
        c.command("scripts", "the spoken sessions, as plain-text scripts you can edit")
    )
    actions.add("list", "every script, built-in and your own")
    actions.add("check", "check a script and report every problem").add_argument(
        "file", help="a script file, or the name of a script"
    )
    actions.add("show", "print a script (to copy and edit)").add_argument(
        "name", help="the script's name (see: scripts list)"
    )
    c.command("transcribe", "print the transcript of an audio file", uses=(HEARS,)).add_argument(
        "file", type=Path, help="a recording: wav, flac, mp3, m4a, ogg, ..."
    )


def _filters(jp: argparse.ArgumentParser) -> None:
    """Which entries: by infusion, kind, days and number."""
    jp.add_argument("--infusion", type=int, metavar="N", help="only entries of infusion N")
    jp.add_argument("--kind", help="only entries of this kind")
    jp.add_argument(
        "--since", metavar="WHEN", help="from this day: 2026-11-01, yesterday, last week"
    )
    jp.add_argument("--until", metavar="WHEN", help="up to and including this day")
    jp.add_argument("--limit", type=int, metavar="N", help="at most N entries")


_ENTRY_HELP = "an entry: its id, 'last', a day (2026-11-20, yesterday) or a day and time"


def _journal(c: _Commands) -> None:
    """`journal ACTION`: reading it, and taking it with you."""
    actions = c.actions(c.command("journal", "your journal"))
    jp = actions.add(
        "import",
        "file recordings (a phone's voice memos) as entries, each on its own date",
        uses=(HEARS,),
    )
    jp.add_argument(
        "files",
        nargs="*",
        type=Path,
        metavar="FILE_OR_FOLDER",
        help="recordings, or folders of them (default: the inbox folder, if one is set)",
    )
    jp.add_argument("--kind", default="memo", help="entry kind (default memo)")
    jp.add_argument(
        "--date",
        metavar="WHEN",
        help="when they were said, if not when recorded: now, 2026-11-24 11:05, yesterday",
    )
    _journal_reading(actions)
    _journal_keeping(actions)


def _journal_reading(actions: _Actions) -> None:
    _filters(actions.add("list", "one line per entry, newest first"))
    jp = actions.add("show", "print an entry (or every entry of a day)")
    jp.add_argument("entry", nargs="+", help=_ENTRY_HELP)
    jp.add_argument("--times", action="store_true", help="when each part was said (m:ss)")
    jp = actions.add("play", "hear an entry again, every answer in order", uses=(SPEAKS,))
    jp.add_argument("entry", nargs="+", help=_ENTRY_HELP)
    jp.add_argument(
        "--at", metavar="WORDS", help="only the moment these words were said, from a second before"
    )
    jp = actions.add("search", "find entries by the words said")
    jp.add_argument("words", nargs="+", help="every one of these words must be in the entry")
    jp.add_argument(
        "--limit", type=int, metavar="N", default=20, help="the best N entries (default 20)"
    )


def _journal_keeping(actions: _Actions) -> None:
    jp = actions.add("edit", "correct a transcript in $EDITOR (the original is kept)")
    jp.add_argument("entry", nargs="+", help=_ENTRY_HELP)
    jp = actions.add("export", "the journal as Markdown with audio, JSON, or text")
    jp.add_argument(
        "--format", choices=("md", "json", "txt"), default="md", help="the format (default md)"
    )
    jp.add_argument(
        "--out", type=Path, metavar="PATH", help="folder (md) or file (json, txt; else printed)"
    )
    jp.add_argument("--force", action="store_true", help="replace an existing file")
    _filters(jp)
    jp = actions.add("chart", "a picture of your mood before and after each infusion")
    jp.add_argument("--out", type=Path, metavar="FILE", required=True, help="a .png, .svg or .pdf")
    jp.add_argument("--force", action="store_true", help="replace an existing file")
    jp = actions.add(
        "retry", "transcribe entries that were saved without their text", uses=(HEARS,)
    )
    jp.add_argument(
        "--timestamps",
        action="store_true",
        help="also find when each part was said, for entries kept before voiceguide knew",
    )


def _care(c: _Commands) -> None:
    """Before the next infusion, and keeping the journal whole and private."""
    c.command(
        "recap",
        "before the next infusion: hear your intention going forward and last reflection",
        uses=(SPEAKS,),
    )
    c.command("recover", "file recordings that a crash or power cut left unfinished", uses=(HEARS,))
    c.command(
        "encrypt", "encrypt your journal with a passphrase (VOICEGUIDE_PASSPHRASE for scripts)"
    )
    c.command("decrypt", "turn encryption off again")


def _setup(c: _Commands) -> None:
    """Voices, settings, the reminder, devices, and the doctor."""
    c.command("voices", "list the voices voiceguide can speak with")
    p = c.command("config", "show or change your settings (kept in config.toml in the data folder)")
    actions = c.actions(p)
    actions.add("show", "print every setting")
    cp = actions.add("set", "change a setting, e.g. speech-rate 150")
    cp.add_argument("key", help="the setting: voice, speech-rate, inbox, ... (see: config show)")
    cp.add_argument("value", help="its new value")
    p = c.command(
        "remind",
        "a gentle daily reminder of your check-in: remind daily 20:00, remind, remind off",
        uses=(SPEAKS,),
    )
    p.add_argument(
        "action",
        nargs="?",
        choices=("daily", "off", "now"),
        help="daily HH:MM sets it; off removes it; now is what runs at that time",
    )
    p.add_argument("at", nargs="?", metavar="HH:MM", help="the time of day, e.g. 20:00")
    p = c.command("devices", "list microphones and speakers", uses=DEVICES)
    p.add_argument(
        "--test",
        action="store_true",
        help="say a sentence and hear how the microphone picks you up",
    )
    c.command("doctor", "check that voice, model and devices work", uses=DEVICES)
