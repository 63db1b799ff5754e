"""One small handler per command: it reads the parsed arguments, calls the Python API once or
twice, prints what the person asked to see, and returns the exit code. `HANDLERS` maps each
command's name to its handler (None, no command at all, is the spoken menu)."""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide.cli.output import print_hits, print_list, print_skipped, print_themes
from voiceguide.errors import AudioFileError, UsageError, VoiceguideError
from voiceguide.home import Home

if TYPE_CHECKING:
    from voiceguide.app import Voiceguide
    from voiceguide.journal.query import Filters
    from voiceguide.settings import Settings

Handler = Callable[[argparse.Namespace], int]
#: The journeys, before which the notice is said once, at first use.
JOURNEY_COMMANDS = (
    "prepare", "meditate", "intention", "during", "reflect", "integrate", "note", "questionnaire",
)  # fmt: skip


def settings_of(args: argparse.Namespace) -> Settings:
    """The settings: the command line's options over the environment over config.toml."""
    from voiceguide.settings import load_settings

    settings = load_settings(
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
    _say_problems(settings)
    return settings


def _say_problems(settings: Settings) -> None:
    """What of config.toml could not be used: named, never fatal."""
    for problem in settings.problems:
        print(f"voiceguide: {problem}", file=sys.stderr)


def _home(args: argparse.Namespace) -> Settings:
    """The settings, with the data folder checked (made private, or said why it cannot be)."""
    from voiceguide.fsutil import check_home

    settings = settings_of(args)
    check_home(settings.home, lambda text: print(text, file=sys.stderr))
    return settings


def _app(args: argparse.Namespace, *, start: bool = True) -> Voiceguide:
    """The person's voiceguide. `start`: what every start does first (quietly file what a crash
    left; before a journey, the notice, once)."""
    from voiceguide.app import Voiceguide

    app = Voiceguide(_home(args))
    if start:
        journey = args.command is None or (
            args.command in JOURNEY_COMMANDS and getattr(args, "action", "set") == "set"
        )
        app.start(journey=journey, speak_notice=getattr(args, "out", None) is None)
    return app


def _filters(app: Voiceguide, args: argparse.Namespace) -> Filters:
    names = ("kind", "infusion", "since", "until", "limit")
    return app.journal.filters(**{k: getattr(args, k) for k in names})


# -- the journeys ------------------------------------------------------------------------------
def menu(args: argparse.Namespace) -> int:
    _app(args).menu()
    return 0


def prepare(args: argparse.Namespace) -> int:
    _app(args).prepare()
    return 0


def _check_first(args: argparse.Namespace) -> None:
    """What can be checked in the command line alone, checked before anything is said: a typo
    is told at once, not after the notice or an introduction."""
    from voiceguide.audio.clip import writable_format
    from voiceguide.errors import check_infusion, check_minutes
    from voiceguide.fsutil import check_output_path

    if args.command in ("meditate", "during"):
        check_minutes(args.minutes, args.command)
    if args.command == "reflect":
        check_infusion(args.infusion)
    out = getattr(args, "out", None)
    if args.command == "meditate" and out is not None:
        writable_format(out)
        check_output_path(out)


def meditate(args: argparse.Namespace) -> int:
    _check_first(args)
    _app(args).meditate(
        minutes=args.minutes, out=args.out, script=args.script, ambient=args.ambient, remember=True
    )
    return 0


def during(args: argparse.Namespace) -> int:
    _check_first(args)
    _app(args).during(minutes=args.minutes)
    return 0


def intention(args: argparse.Namespace) -> int:
    app = _app(args)
    if args.action == "set":
        app.set_intention(scope=args.scope)
    elif args.action == "show":
        entry = app.journal.current_intention(scope=args.scope)
        print(entry.text if entry else "")
    else:
        app.play_intention(scope=args.scope, tts=args.tts)
    return 0


def reflect(args: argparse.Namespace) -> int:
    _check_first(args)
    _app(args).reflect(quick=args.quick, infusion=args.infusion)
    return 0


def integrate(args: argparse.Namespace) -> int:
    _app(args).integrate()
    return 0


def questionnaire(args: argparse.Namespace) -> int:
    _app(args).questionnaire(args.instrument)
    return 0


def note(args: argparse.Namespace) -> int:
    _app(args).note()
    return 0


def themes(args: argparse.Namespace) -> int:
    app = _app(args, start=False)
    filters = app.journal.filters(since=args.since, until=args.until)
    if args.limit < 1:
        raise UsageError("--limit must be 1 or more.")
    app.start(journey=False)
    found = app.journal.themes(filters, limit=args.limit)
    if not found:
        print(
            "Nothing comes back yet: a theme is words said in two entries or more.", file=sys.stderr
        )
    print_themes(found)
    return 0


def brief(args: argparse.Namespace) -> int:
    _app(args).brief(
        args.out, since=args.since, until=args.until, with_audio=args.with_audio, force=args.force
    )
    return 0


def recap(args: argparse.Namespace) -> int:
    _app(args).recap()
    return 0


def infusion(args: argparse.Namespace) -> int:
    app = _app(args)
    if args.action == "next":
        app.next_infusion()
    else:
        print(app.journal.current_infusion())
    return 0


def transcribe(args: argparse.Namespace) -> int:
    print(_app(args).transcribe_file(args.file))
    return 0


# -- the journal -------------------------------------------------------------------------------
def journal(args: argparse.Namespace) -> int:
    app = _app(args, start=False)
    try:
        return JOURNAL[args.action](app, args)
    finally:  # named even when the command then fails ("There are no entries to export.")
        print_skipped(app.journal.store)


def _journal_list(app: Voiceguide, args: argparse.Namespace) -> int:
    filters = _filters(app, args)  # checked before anything is read (or the index written)
    app.start(journey=False)
    print_list(app.journal.entries(filters))
    return 0


def _journal_search(app: Voiceguide, args: argparse.Namespace) -> int:
    from voiceguide.journal.search import check_query

    words = " ".join(args.words)
    check_query(words, args.limit)  # before anything is read
    app.start(journey=False)
    print_hits(app.journal.search(words), args.limit)
    return 0


def _journal_show(app: Voiceguide, args: argparse.Namespace) -> int:
    from voiceguide.journal.export import to_text

    app.start(journey=False)
    for n, entry in enumerate(app.journal.resolve(" ".join(args.entry))):
        print(("\n" if n else "") + to_text([entry], times=args.times).rstrip())
        print(f"id: {entry.id}")
        if entry.get("machine_transcript"):
            day = str(entry.get("edited", ""))[:10]
            print(f"(corrected on {day}; the machine transcript is kept)")
    return 0


def _journal_play(app: Voiceguide, args: argparse.Namespace) -> int:
    app.start(journey=False)
    if args.at is not None:
        app.play_moment(app.journal.resolve_one(" ".join(args.entry)), args.at)
        return 0
    app.play_entries(app.journal.resolve(" ".join(args.entry)))
    return 0


def _journal_edit(app: Voiceguide, args: argparse.Namespace) -> int:
    app.start(journey=False)
    app.edit(" ".join(args.entry))
    return 0


def _journal_export(app: Voiceguide, args: argparse.Namespace) -> int:
    filters = _filters(app, args)
    app.start(journey=False)
    text = app.export(app.journal.entries(filters), args.format, args.out, force=args.force)
    if text is not None:
        sys.stdout.write(text)
    return 0


def _journal_chart(app: Voiceguide, args: argparse.Namespace) -> int:
    app.start(journey=False)
    app.chart(args.out, force=args.force)
    return 0


def _journal_import(app: Voiceguide, args: argparse.Namespace) -> int:
    from voiceguide.cli.output import print_imported
    from voiceguide.journal.inbox import recordings_in

    sources = list(args.files)
    if not sources:
        inbox = app.settings.inbox
        if inbox is None:
            raise UsageError(
                "Which recordings? Name the files or a folder of them.",
                hint="Or set a folder your phone's memos arrive in: "
                "voiceguide config set inbox ~/Sync/voice-memos",
            )
        sources = [Path(inbox)]
    for source in sources:
        if source.is_dir() and not recordings_in([source]):
            raise UsageError(f"There are no recordings in {source}.")
    app.start(journey=False)
    if len(sources) == 1 and not sources[0].is_dir():
        # One file: a problem with it is the error, as with every command given a file.
        [one] = app.journal.import_recordings(sources, kind=args.kind, date=args.date)
        if one.problem:
            raise AudioFileError(one.problem)
        print_imported([one])
        return 0
    done = app.journal.import_recordings(
        sources, kind=args.kind, date=args.date, on_each=lambda d: print_imported([d])
    )
    print_imported(done, summary=True)
    return 1 if any(d.problem for d in done) else 0


def _journal_retry(app: Voiceguide, args: argparse.Namespace) -> int:
    app.start(journey=False)
    app.journal.retry()
    if args.timestamps:
        app.journal.retry_moments()
    return 0


JOURNAL: dict[str, Callable[[Voiceguide, argparse.Namespace], int]] = {
    "list": _journal_list,
    "search": _journal_search,
    "show": _journal_show,
    "play": _journal_play,
    "edit": _journal_edit,
    "export": _journal_export,
    "chart": _journal_chart,
    "import": _journal_import,
    "retry": _journal_retry,
}


# -- keeping it safe ---------------------------------------------------------------------------
def recover(args: argparse.Namespace) -> int:
    _app(args, start=False).journal.recover()
    return 0


def encrypt(args: argparse.Namespace) -> int:
    _app(args, start=False).journal.encrypt()
    return 0


def decrypt(args: argparse.Namespace) -> int:
    _app(args, start=False).journal.decrypt()
    return 0


# -- settings, scripts, devices, reminders -----------------------------------------------------
def config(args: argparse.Namespace) -> int:
    if args.action == "set":
        from voiceguide.settings import save_setting

        home = settings_of(args).home
        _say_problems(save_setting(home, args.key, args.value))
        print(f"{args.key} = {args.value} (saved in {Home(home).config})")
        return 0
    settings = _home(args)
    for field in dataclasses.fields(settings):
        print(f"{field.name.replace('_', '-')} = {getattr(settings, field.name)}")
    return 0


def voices(args: argparse.Namespace) -> int:
    from voiceguide.engines import voice_list

    for voice in voice_list(_home(args)):
        mark = "  (in use)" if voice.in_use else ""
        state = "installed" if voice.installed else "not installed"
        print(f"{voice.name:8s} {state:14s} {voice.description}{mark}")
    return 0


def doctor(args: argparse.Namespace) -> int:
    from voiceguide.doctor import doctor

    return doctor(_home(args))


def devices(args: argparse.Namespace) -> int:
    if args.test:
        from voiceguide.app import Voiceguide

        report = Voiceguide(settings_of(args)).check_microphone()
        level = f"{report.speech_dbfs:.1f} dBFS" if report.speech_dbfs is not None else "none"
        print(f"speech level: {level}; loudest: {report.peak_dbfs:.1f} dBFS; "
              f"speech heard: {report.speech_seconds:.1f} s")  # fmt: skip
        return 0 if report.verdict in ("clear", "quiet") else 1
    from voiceguide.engines.sound_device import PULSE_SPEAKER, list_devices

    found = list_devices()
    if not found:
        print("No sound devices were found.", file=sys.stderr)
    for d in found:
        marks = ("default input " if d.default_input else "") + (
            "default output" if d.default_output else ""
        )
        if d.name == PULSE_SPEAKER:  # what voiceguide plays to when no device is named
            marks = "voiceguide's speaker: PulseAudio's default output"
        print(f"{d.index:3d}  {d.name:40s} in:{d.inputs:<3d} out:{d.outputs:<3d} {marks}".rstrip())
    return 0


def remind(args: argparse.Namespace) -> int:
    if args.action == "now":  # what the scheduler runs at the chosen time
        _app(args, start=False).remind_now()
        return 0
    from voiceguide.conversation import content
    from voiceguide.remind import others, parse_time, reminder_command, scheduler

    settings = _home(args)
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
        removed = [k.remove() for k in (keeper, *others(keeper))]  # every one, never stopping
        print(content.REMINDER_OFF if any(removed) else content.REMINDER_NONE)
        return 0
    if not args.at:
        raise UsageError("Say when: voiceguide remind daily 20:00.")
    hour, minute = parse_time(args.at)
    keeper.install(hour, minute, reminder_command(settings.home))
    for old in others(keeper):  # one reminder a day, not one from each scheduler
        old.remove()
    print(content.REMINDER_SET.format(at=f"{hour:02d}:{minute:02d}", where=keeper.where))
    return 0


def scripts(args: argparse.Namespace) -> int:
    app = _app(args, start=False)
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
        named = library.names().get(args.name)
        if named is None:
            raise UsageError(f"There is no script called {args.name!r}.")
        print(library.read(named), end="")
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
        count = f"{len(problems)} problem{'s' if len(problems) > 1 else ''}"
        print(f"{count} in {path}.", file=sys.stderr)
        return 1
    print(f"{path}: fine.")
    return 0


HANDLERS: dict[str | None, Handler] = {
    None: menu,
    "prepare": prepare,
    "meditate": meditate,
    "intention": intention,
    "during": during,
    "reflect": reflect,
    "integrate": integrate,
    "note": note,
    "questionnaire": questionnaire,
    "themes": themes,
    "brief": brief,
    "infusion": infusion,
    "scripts": scripts,
    "transcribe": transcribe,
    "journal": journal,
    "recap": recap,
    "recover": recover,
    "encrypt": encrypt,
    "decrypt": decrypt,
    "voices": voices,
    "config": config,
    "remind": remind,
    "devices": devices,
    "doctor": doctor,
}
