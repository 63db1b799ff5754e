"""Settings: defaults < config.toml < environment < command-line flags, decided in one place."""

from __future__ import annotations

import dataclasses
import os
import tomllib
from pathlib import Path
from typing import Any

from voiceguide.errors import UsageError

HOME_ENV = "VOICEGUIDE_HOME"
STT_ENGINES = ("whisper", "sphinx")


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
    silence: float = 4.0
    max_seconds: float = 600.0
    wait_seconds: float = 60.0
    speech_rate: int = 150
    debug: bool = False

    def __post_init__(self) -> None:
        if self.stt not in STT_ENGINES:
            raise UsageError(
                f"There is no transcription engine called {self.stt!r}.",
                hint=f"Choose one of: {', '.join(STT_ENGINES)}.",
            )
        for name in ("silence", "max_seconds", "wait_seconds"):
            value = getattr(self, name)
            if not (0 < value <= 24 * 3600):
                raise UsageError(
                    f"--{name.replace('_', '-')} must be a positive number of seconds."
                )
        if not 60 <= self.speech_rate <= 400:
            raise UsageError("The speech rate must be between 60 and 400 words a minute.")

    @property
    def config_file(self) -> Path:
        return self.home / "config.toml"


_FIELDS = {f.name for f in dataclasses.fields(Settings)} - {"home", "debug"}


def load_settings(**overrides: Any) -> Settings:
    """Build settings from defaults, the config file, the environment and explicit overrides."""
    home = overrides.pop("home", None)
    home_path = Path(home).expanduser() if home else user_dir()
    values: dict[str, Any] = {}
    config = home_path / "config.toml"
    if config.is_file():
        try:
            data = tomllib.loads(config.read_text("utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise UsageError(f"The settings file {config} cannot be read: {exc}.") from exc
        unknown = set(data) - _FIELDS
        if unknown:
            raise UsageError(
                f"The settings file {config} has unknown settings: {', '.join(sorted(unknown))}."
            )
        values.update(data)
    values.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return Settings(home=home_path, **values)
    except TypeError as exc:
        raise UsageError(f"A setting has the wrong type: {exc}.") from exc
