"""Settings: defaults < config.toml < environment < command-line flags, decided in one place."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path
from typing import Any

from voiceguide.errors import UsageError
from voiceguide.home import Home

HOME_ENV = "VOICEGUIDE_HOME"
STT_ENGINES = ("whisper", "sphinx")
#: "auto" is the natural voice (piper) when it is installed, else the system voice.
VOICES = ("auto", "piper", "system")


def user_dir() -> Path:
    """Where voiceguide keeps everything: VOICEGUIDE_HOME, or the platform's data folder."""
    env = os.environ.get(HOME_ENV)
    if env:
        return Path(env).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("voiceguide", appauthor=False))


@dataclasses.dataclass(frozen=True, slots=True, kw_only=True)
class Settings:
    """Everything a run of voiceguide can be told."""

    home: Path
    input_device: str | None = None
    output_device: str | None = None
    stt: str = "whisper"
    #: Quiet that ends an answer with no check (--silence); None: patient listening.
    silence: float | None = None
    #: Quiet mid-thought before a gentle "is there more?", and quiet after it that ends an
    #: answer (after a finished sentence both are shorter: see listening.Patience).
    pause: float = 10.0
    after_check: float = 8.0
    #: Quiet that ends a short reply: yes or no, a number, a choice from the menu.
    reply_silence: float = 3.0
    max_seconds: float = 600.0
    wait_seconds: float = 60.0
    voice: str = "auto"
    speech_rate: int = 160
    meditation_rate: int = 95
    volume: int = 100
    ambient: str = "none"
    #: Short spoken commands at the end of an answer: repeat, skip, next, go back, stop, cancel.
    voice_commands: bool = True
    #: A folder recordings arrive in from elsewhere (a phone's voice memos, synced or copied):
    #: what is new in it is filed at every start.
    inbox: str | None = None
    #: The questionnaires the person's clinic asks for ("phq9,gad7"), said yes to once; "none"
    #: when they said no; None when never asked.
    questionnaires: str | None = None
    #: The person's own numbers to call in a crisis, read out when they are needed.
    crisis_line: str | None = None
    #: Every session explains itself in full, as the first time (--explain).
    explain: bool = False
    debug: bool = False
    #: What in config.toml could not be used, each in one sentence (said once, then set aside).
    problems: tuple[str, ...] = dataclasses.field(default=(), compare=False)

    @property
    def chosen_questionnaires(self) -> tuple[str, ...]:
        """The questionnaires the person said their clinic asks for (none until they said)."""
        chosen = tuple(q.strip() for q in (self.questionnaires or "").split(",") if q.strip())
        return () if chosen == ("none",) else chosen

    def __post_init__(self) -> None:
        if self.stt not in STT_ENGINES:
            raise UsageError(
                f"There is no transcription engine called {self.stt!r}.",
                hint=f"Choose one of: {', '.join(STT_ENGINES)}.",
            )
        for name in (
            "silence",
            "pause",
            "after_check",
            "reply_silence",
            "max_seconds",
            "wait_seconds",
        ):
            value = getattr(self, name)
            if value is None and name == "silence":
                continue
            if not isinstance(value, int | float) or not (0 < value <= 24 * 3600):
                raise UsageError(
                    f"--{name.replace('_', '-')} must be a positive number of seconds."
                )
        if self.voice not in VOICES:
            raise UsageError(
                f"There is no voice called {self.voice!r}.",
                hint=f"Choose one of: {', '.join(VOICES)} (see: voiceguide voices).",
            )
        for name in ("speech_rate", "meditation_rate"):
            if not 60 <= getattr(self, name) <= 400:
                raise UsageError(
                    f"The {name.replace('_', ' ')} must be between 60 and 400 words a minute."
                )
        if self.ambient != "none":
            from voiceguide.audio.sounds import check_ambient

            check_ambient(self.ambient)
        for name in ("inbox", "questionnaires", "crisis_line"):
            if getattr(self, name) is not None and not isinstance(getattr(self, name), str):
                raise UsageError(f"The {name.replace('_', ' ')} setting must be text.")
        if self.questionnaires is not None:
            from voiceguide.instruments import INSTRUMENTS

            chosen = [q.strip() for q in self.questionnaires.split(",") if q.strip()]
            if chosen != ["none"] and (not chosen or set(chosen) - set(INSTRUMENTS)):
                raise UsageError(
                    f"There is no questionnaire {self.questionnaires!r}.",
                    hint=f"Choose from {', '.join(INSTRUMENTS)} (comma-separated), or none.",
                )
        if not 1 <= self.volume <= 100:
            raise UsageError("The volume must be between 1 and 100 (per cent).")


_FIELDS = {f.name for f in dataclasses.fields(Settings)} - {"home", "debug", "problems"}


def load_settings(**overrides: Any) -> Settings:
    """Build settings from defaults, the config file, the environment and explicit overrides."""
    home = overrides.pop("home", None)
    home_path = Path(home).expanduser() if home else user_dir()
    values: dict[str, Any] = {}
    config = Home(home_path).config
    try:
        has_config = config.is_file()
    except PermissionError as exc:
        raise UsageError(f"Permission was denied to the data folder {home_path}.") from exc
    problems: list[str] = []
    if has_config:
        values.update(_usable(config, home_path, problems))
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(home=home_path, problems=tuple(problems), **values)
    except TypeError as exc:
        raise UsageError(f"A setting has the wrong type: {exc}.") from exc


def _usable(config: Path, home: Path, problems: list[str]) -> dict[str, Any]:
    """What can be used of config.toml; every part that cannot is named in `problems` and left
    out, so that one bad line never stops voiceguide (nor `config set`, which mends it)."""
    try:
        data = tomllib.loads(config.read_text("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        problems.append(
            f"The settings file {config} cannot be read ({exc}), so the defaults are used; "
            "voiceguide config set starts a new one and keeps this one beside it."
        )
        return {}
    except OSError as exc:
        problems.append(f"The settings file {config} cannot be read ({exc.strerror}).")
        return {}
    usable: dict[str, Any] = {}
    for key, value in data.items():
        if key not in _FIELDS:
            problems.append(f"{config} has a setting voiceguide does not know, {key}: not used.")
            continue
        try:
            Settings(home=home, **{key: value})
        except (UsageError, TypeError, ValueError) as exc:
            reason = getattr(exc, "message", None) or "it has the wrong type"
            problems.append(f"The setting {key} in {config} is not used: {reason}")
            continue
        usable[key] = value
    return usable


#: Settings `voiceguide config set` may write (the others are per run, or paths).
PERSISTED = (
    "voice",
    "speech_rate",
    "meditation_rate",
    "volume",
    "ambient",
    "stt",
    "silence",
    "pause",
    "after_check",
    "max_seconds",
    "wait_seconds",
    "input_device",
    "output_device",
    "inbox",
    "questionnaires",
    "crisis_line",
)


def save_setting(home: Path, key: str, value: str) -> Settings:
    """Set one setting in <home>/config.toml (checked first, written atomically)."""
    from voiceguide.fsutil import atomic_write_text, private_dir

    name = key.replace("-", "_")
    if name not in PERSISTED:
        raise UsageError(
            f"There is no setting called {key!r}.", hint=f"Settings: {', '.join(PERSISTED)}."
        )
    kind = {f.name: f.type for f in dataclasses.fields(Settings)}[name]
    if name == "inbox":
        folder = Path(value).expanduser().absolute()
        if not folder.is_dir():
            raise UsageError(f"There is no folder {folder}.")
        value = str(folder)
    try:
        typed: Any = (
            int(value) if kind == "int" else float(value) if "float" in str(kind) else value
        )
    except ValueError as exc:
        raise UsageError(f"{key} must be a number, not {value!r}.") from exc
    config = Home(home).config
    current: dict[str, Any] = {}
    kept: Path | None = None
    if config.is_file():
        try:
            current = tomllib.loads(config.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError):
            from voiceguide.fsutil import set_aside

            kept = set_aside(config)  # never lost: beside the new one, to copy from
    current[name] = typed
    settings = load_settings(home=str(home), **{name: typed})  # raises if the value is wrong
    lines = [f"{k} = {_toml(v)}" for k, v in sorted(current.items())]
    private_dir(home)
    atomic_write_text(config, "\n".join(lines) + "\n")
    if kept is not None:
        note = f"The damaged settings file is kept as {kept}; {config} starts anew."
        settings = dataclasses.replace(settings, problems=(*settings.problems, note))
    return settings


def _toml(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    escaped = str(value).replace("\\", "\\\\").replace('"', '\\"')
    return f'"{escaped}"'
