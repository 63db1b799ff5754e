"""The command line: a thin shell over `voiceguide.app`, with a single exit point."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from voiceguide.errors import UsageError, VoiceguideError


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
    parser.add_argument("--version", action="version", version="%(prog)s 0.1.0")
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
    jp = jsub.add_parser(
        "play", help="hear an entry again, every answer in order", parents=[common]
    )
    jp.add_argument("entry", nargs="+", help=entry_help)
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
    jsub.add_parser(
        "retry", help="transcribe entries that were saved without their text", parents=[common]
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


def _settings(args: argparse.Namespace) -> Any:
    from voiceguide.settings import load_settings

    return load_settings(
        home=getattr(args, "home", None),
        input_device=getattr(args, "input_device", None),
        output_device=getattr(args, "output_device", None),
        stt=getattr(args, "stt", None),
        voice=getattr(args, "voice", None),
        silence=getattr(args, "silence", None),
        pause=getattr(args, "pause", None),
        after_check=getattr(args, "after_check", None),
        max_seconds=getattr(args, "max_seconds", None),
        voice_commands=getattr(args, "voice_commands", None),
        explain=getattr(args, "explain", None),
        debug=getattr(args, "debug", False),
    )


def run(args: argparse.Namespace) -> int:
    """Carry out one parsed command."""
    if args.command == "devices" and args.test:
        from voiceguide.app import Voiceguide

        report = Voiceguide(_settings(args)).check_microphone()
        level = f"{report.speech_dbfs:.1f} dBFS" if report.speech_dbfs is not None else "none"
        print(f"speech level: {level}; loudest: {report.peak_dbfs:.1f} dBFS; "
              f"speech heard: {report.speech_seconds:.1f} s")  # fmt: skip
        return 0 if report.verdict in ("clear", "quiet") else 1
    if args.command == "devices":
        from voiceguide.engines.sound_device import list_devices

        devices = list_devices()
        if not devices:
            print("No sound devices were found.", file=sys.stderr)
        for d in devices:
            marks = ("default input " if d.default_input else "") + (
                "default output" if d.default_output else ""
            )
            print(
                f"{d.index:3d}  {d.name:40s} in:{d.inputs:<3d} out:{d.outputs:<3d} {marks}".rstrip()
            )
        return 0
    if args.command == "config" and args.action == "set":
        from voiceguide.settings import save_setting

        home = _settings(args).home
        save_setting(home, args.key, args.value)
        print(f"{args.key} = {args.value} (saved in {home / 'config.toml'})")
        return 0
    settings = _settings(args)
    from voiceguide.fsutil import check_home

    check_home(settings.home, lambda text: print(text, file=sys.stderr))
    if args.command == "config":
        import dataclasses

        for field in dataclasses.fields(settings):
            print(f"{field.name.replace('_', '-')} = {getattr(settings, field.name)}")
        return 0
    if args.command == "voices":
        from voiceguide.engines import voice_list

        for voice in voice_list(settings):
            mark = "  (in use)" if voice.in_use else ""
            state = "installed" if voice.installed else "not installed"
            print(f"{voice.name:8s} {state:14s} {voice.description}{mark}")
        return 0
    if args.command == "doctor":
        from voiceguide.doctor import doctor

        return doctor(settings)
    if args.command == "remind" and args.action != "now":
        return _remind(settings, args)
    if args.command == "journal" and getattr(args, "action", None) in ("list", "search"):
        if not _unfinished_recordings(settings.home):
            return _journal_quick(settings, args)
    from voiceguide.app import Voiceguide

    app = Voiceguide(settings)
    if args.command == "recover":
        app.recover()
        return 0
    if args.command in ("encrypt", "decrypt"):
        app.encrypt() if args.command == "encrypt" else app.decrypt()
        return 0
    if args.command == "scripts":
        return _scripts(app, args)
    if args.command == "remind":  # now: what the scheduler runs at the chosen time
        app.remind_now()
        return 0
    app.recover(quiet=True)  # every start quietly files what a crash left behind
    if args.command is None:  # no command: the spoken menu
        app.first_run_notice()
        app.menu()
        return 0
    if (
        args.command in ("prepare", "meditate", "intention", "during", "reflect", "integrate")
        and getattr(args, "action", "set") == "set"
    ):
        # Spoken the first time, unless the session is being written to a file.
        app.first_run_notice(speak=getattr(args, "out", None) is None)
    if args.command == "prepare":
        app.prepare()
    elif args.command == "meditate":
        if args.ambient is not None:
            from voiceguide.audio.sounds import check_ambient
            from voiceguide.settings import save_setting

            save_setting(settings.home, "ambient", check_ambient(args.ambient))
        app.meditate(minutes=args.minutes, out=args.out, script=args.script, ambient=args.ambient)
    elif args.command == "during":
        app.during(minutes=args.minutes)
    elif args.command == "intention":
        if args.action == "set":
            app.set_intention(scope=args.scope)
        elif args.action == "show":
            entry = app.current_intention(scope=args.scope)
            print(entry.text if entry else "")
        else:
            app.play_intention(scope=args.scope, tts=args.tts)
    elif args.command == "reflect":
        app.reflect(quick=args.quick, infusion=args.infusion)
    elif args.command == "integrate":
        app.integrate()
    elif args.command == "recap":
        app.recap()
    elif args.command == "infusion":
        if args.action == "next":
            app.next_infusion()
        else:
            print(app.current_infusion())
    elif args.command == "transcribe":
        print(app.transcribe_file(args.file))
    elif args.command == "journal":
        if args.action == "import":
            app.import_recording(args.file, kind=args.kind)
        elif args.action == "retry":
            app.retry()
        elif args.action in ("show", "play", "search", "edit", "export", "chart"):
            _journal(app, args)
        else:
            _print_list(app.find(**_filters(args)))
            _print_skipped(app.store)
    return 0


def _journal(app: Any, args: argparse.Namespace) -> None:
    try:
        _journal_action(app, args)
    finally:  # named even when the command then fails ("There are no entries to export.")
        _print_skipped(app.store)


def _journal_action(app: Any, args: argparse.Namespace) -> None:
    if args.action == "show":
        from voiceguide.journal.export import to_text

        entries = app.resolve(" ".join(args.entry))
        for n, entry in enumerate(entries):
            print(("\n" if n else "") + to_text([entry]).rstrip())
            print(f"id: {entry.id}")
            if entry.get("machine_transcript"):
                day = str(entry.get("edited", ""))[:10]
                print(f"(corrected on {day}; the machine transcript is kept)")
    elif args.action == "play":
        app.play_entries(app.resolve(" ".join(args.entry)))
    elif args.action == "edit":
        app.edit(" ".join(args.entry))
    elif args.action == "search":
        _print_hits(app.search(" ".join(args.words)), args.limit)
    elif args.action == "export":
        entries = app.find(**_filters(args))
        text = app.export(entries, args.format, args.out, force=args.force)
        if text is not None:
            sys.stdout.write(text)
    elif args.action == "chart":
        app.chart(args.out, force=args.force)


def _filters(args: argparse.Namespace) -> dict[str, Any]:
    return {k: getattr(args, k) for k in ("kind", "infusion", "since", "until", "limit")}


def _unfinished_recordings(home: Path) -> bool:
    """Whether a crash left something to finish (recordings, an encryption change, an edit)."""
    from voiceguide.journal.sealing import EXPORT_MARKER, MARKER

    return (
        any((home / "recordings").glob("*.wav"))
        or (home / MARKER).exists()
        or (home / EXPORT_MARKER).exists()
        or any((home / "tmp").glob("edit-*.md"))
        or any((home / "journal").glob("[0-9]*/[0-9]*/[0-9]*/.*.tmp"))
    )


def _journal_quick(settings: Any, args: argparse.Namespace) -> int:
    """`journal list` and `journal search` straight from the journal's index, without loading
    the audio and speech engines (they are only needed when a crash left recordings to file)."""
    from voiceguide.journal.crypto import cipher_for
    from voiceguide.journal.store import JournalStore

    store = JournalStore(settings.home, cipher=lambda: cipher_for(settings.home))
    if args.action == "list":
        from voiceguide.journal.query import check_filters, select_records

        check_filters(**_filters(args))  # before anything is read (or the index written)
        _print_list(select_records(store.records(), **_filters(args)))
    else:
        from voiceguide.journal.search import check_query, search_entries

        check_query(" ".join(args.words), args.limit)  # before anything is read
        _print_hits(search_entries(store.records(), " ".join(args.words)), args.limit)
    _print_skipped(store)
    return 0


def _print_list(entries: Any) -> None:
    """One line per entry (Entry objects, or index records as `JournalStore.records` gives)."""
    lines = []
    for entry in entries:
        if isinstance(entry, dict):
            when, kind, number = (
                entry["date"][:16].replace("T", " "),
                entry["kind"],
                entry.get("infusion"),
            )
            mood = entry.get("mood")
            text = " ".join(a["text"] for a in entry["answers"] if a["text"])
            pending = any(a.get("pending") for a in entry["answers"])
        else:
            when, kind, number = f"{entry.date:%Y-%m-%d %H:%M}", entry.kind, entry.infusion
            mood, text = entry.get("mood"), entry.text
            pending = any(a.pending for a in entry.answers)
        from voiceguide.journal.entry import one_line, valid_mood

        infusion = f"#{number}" if number is not None else "-"
        mood = valid_mood(mood)
        mood_text = f"mood {mood:>2}" if mood is not None else " " * 7
        words = one_line(text)[:60] or (
            "(transcript pending)" if pending else "(nothing was heard)"
        )
        lines.append(f"{when}  {kind:<12} {infusion:<4} {mood_text}  {words}")
    if lines:
        print("\n".join(lines))


def _print_hits(hits: Any, limit: int) -> None:
    if limit < 1:
        raise UsageError("--limit must be 1 or more.")
    if not hits:
        print("Nothing was found.", file=sys.stderr)
    for hit in hits[:limit]:
        e = hit.entry
        number = f"#{e.infusion}" if e.infusion is not None else "-"
        line = hit.line if len(hit.line) <= 90 else hit.line[:89] + "\u2026"
        print(f"{e.date:%Y-%m-%d %H:%M}  {e.kind:<12} {number:<4} {line}")
    if len(hits) > limit:
        print(f"({len(hits) - limit} more; see them with --limit {len(hits)})", file=sys.stderr)


def _print_skipped(store: Any) -> None:
    for skipped in store.skipped:
        print(f"voiceguide: skipped {skipped.path}: {skipped.reason}", file=sys.stderr)


def _remind(settings: Any, args: argparse.Namespace) -> int:
    from voiceguide.conversation import content
    from voiceguide.remind import parse_time, reminder_command, scheduler

    keeper = scheduler()
    if args.action is None:
        current = keeper.current()
        print(
            content.REMINDER_SET.format(at=current.at, where=current.where)
            if current
            else content.REMINDER_NONE
        )
        return 0
    if args.action == "off":
        print(content.REMINDER_OFF if keeper.remove() else content.REMINDER_NONE)
        return 0
    if not args.at:
        raise UsageError("Say when: voiceguide remind daily 20:00.")
    hour, minute = parse_time(args.at)
    keeper.install(hour, minute, reminder_command(settings.home))
    print(content.REMINDER_SET.format(at=f"{hour:02d}:{minute:02d}", where=keeper.where))
    return 0


def _scripts(app: Any, args: argparse.Namespace) -> int:
    library = app.library
    if args.action == "list":
        for name, path in library.names().items():
            where = "yours" if library.is_own(path) else "built-in"
            try:
                script = library.load(name)
                kind = "asks" if script.asks else "plays"
                meditation = not script.asks and script.minutes is not None
                shortest = f" (from {app.shortest_minutes(script):g} min)" if meditation else ""
                print(f"{name:24s} {where:8s} {kind:5s}  {script.title}{shortest}")
            except VoiceguideError as exc:
                print(f"{name:24s} {where:8s} !      {exc.message}")
        return 0
    if args.action == "show":
        path = library.names().get(args.name)
        if path is None:
            raise UsageError(f"There is no script called {args.name!r}.")
        print(library.read(path), end="")
        return 0
    path = Path(args.file)
    if not path.exists() and args.file in library.names():
        path = library.names()[args.file]
    if not path.exists():
        raise UsageError(f"There is no script file {args.file}.")
    problems = library.check_file(path)
    for problem in problems:
        print(f"{path}: {problem}")
    if problems:
        print(
            f"{len(problems)} problem{'s' if len(problems) > 1 else ''} in {path}.", file=sys.stderr
        )
        return 1
    print(f"{path}: fine.")
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run a command; errors become one sentence and exit code 1."""
    argv = list(sys.argv[1:] if argv is None else argv)
    debug = "--debug" in argv
    # Ctrl-C (SIGINT) always stops voiceguide cleanly, even when it was started from a shell
    # or a program that ignores SIGINT for its children (a background job, some CI runners):
    # Python would otherwise keep that "ignore" and `during` could only be killed.
    import signal

    if signal.getsignal(signal.SIGINT) is signal.SIG_IGN:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    try:
        args = build_parser().parse_args(argv)
        return run(args)
    except VoiceguideError as exc:
        if debug:
            raise
        print(f"voiceguide: {exc.message}", file=sys.stderr)
        if exc.hint:
            print(f"  {exc.hint}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("\nvoiceguide: stopped.", file=sys.stderr)
        return 130
    except OSError as exc:
        if debug:
            raise
        from voiceguide.errors import from_os_error

        print(f"voiceguide: {from_os_error(exc).message}", file=sys.stderr)
        return 1
    except Exception as exc:
        if debug:
            raise
        print(f"voiceguide: something went wrong: {exc}", file=sys.stderr)
        print("  Run the same command with --debug for the details.", file=sys.stderr)
        return 1
