"""voiceguide: a private, offline voice companion for ketamine-assisted therapy.

The Python API::

    from voiceguide import Voiceguide, load_settings

    guide = Voiceguide(load_settings())
    guide.reflect()

Engines can be passed in (the fakes below need no sound hardware)::

    from voiceguide import CollectingPlayer, ToneSynthesizer, Voiceguide, load_settings

    guide = Voiceguide(load_settings(home=folder), synthesizer=ToneSynthesizer(),
                       player=CollectingPlayer())

Names are imported when first used, so `import voiceguide` stays light.
"""

import importlib as _importlib
import os as _os
import typing as _typing

# Nothing voiceguide does may reach the network. onnxruntime (under piper and the speech
# detector) uploads telemetry on Linux unless this is set before it starts; it is set here, on
# import, so that no order of imports can let it through (see voiceguide/engines/onnx.py).
_os.environ["ORT_DISABLE_TELEMETRY"] = "1"

#: The one version string (pyproject.toml and `voiceguide --version` read it).
__version__ = "0.1.0"

#: Where each public name lives.
_EXPORTS = {
    "Voiceguide": "voiceguide.app",
    "Settings": "voiceguide.settings",
    "load_settings": "voiceguide.settings",
    "Clock": "voiceguide.clock",
    "SystemClock": "voiceguide.clock",
    "FixedClock": "voiceguide.clock",
    "Engines": "voiceguide.engines",
    "Synthesizer": "voiceguide.interfaces",
    "Player": "voiceguide.interfaces",
    "Recorder": "voiceguide.interfaces",
    "Transcriber": "voiceguide.interfaces",
    "FileRecorder": "voiceguide.engines.fakes",
    "CollectingPlayer": "voiceguide.engines.fakes",
    "ToneSynthesizer": "voiceguide.engines.fakes",
    "ScriptedTranscriber": "voiceguide.engines.fakes",
    "Audio": "voiceguide.audio.clip",
    "Journal": "voiceguide.journal.api",
    "Entry": "voiceguide.journal.entry",
    "Answer": "voiceguide.journal.entry",
    "Filters": "voiceguide.journal.query",
    "Script": "voiceguide.guidance.script",
    "Library": "voiceguide.guidance.library",
    "VoiceguideError": "voiceguide.errors",
    "Recoverable": "voiceguide.errors",
    "UsageError": "voiceguide.errors",
    "TooShort": "voiceguide.errors",
    "NotYet": "voiceguide.errors",
    "NothingHeard": "voiceguide.errors",
    "AudioFileError": "voiceguide.errors",
    "ScriptError": "voiceguide.errors",
    "PassphraseError": "voiceguide.errors",
    "WrongPassphrase": "voiceguide.errors",
    "JournalError": "voiceguide.errors",
    "DamagedFile": "voiceguide.errors",
    "BusyError": "voiceguide.errors",
    "FileSystemError": "voiceguide.errors",
    "SchedulerError": "voiceguide.errors",
    "DeviceError": "voiceguide.errors",
    "NoDeviceError": "voiceguide.errors",
    "ModelError": "voiceguide.errors",
    "EngineError": "voiceguide.errors",
    "DiskFullError": "voiceguide.errors",
}

__all__ = [
    "__version__",
    "Voiceguide",
    "Settings",
    "load_settings",
    "Clock",
    "SystemClock",
    "FixedClock",
    "Engines",
    "Synthesizer",
    "Player",
    "Recorder",
    "Transcriber",
    "FileRecorder",
    "CollectingPlayer",
    "ToneSynthesizer",
    "ScriptedTranscriber",
    "Audio",
    "Journal",
    "Entry",
    "Answer",
    "Filters",
    "Script",
    "Library",
    "VoiceguideError",
    "Recoverable",
    "UsageError",
    "TooShort",
    "NotYet",
    "NothingHeard",
    "AudioFileError",
    "ScriptError",
    "PassphraseError",
    "WrongPassphrase",
    "JournalError",
    "DamagedFile",
    "BusyError",
    "FileSystemError",
    "SchedulerError",
    "DeviceError",
    "NoDeviceError",
    "ModelError",
    "EngineError",
    "DiskFullError",
]


def __getattr__(name: str) -> _typing.Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'voiceguide' has no attribute {name!r}")
    value = getattr(_importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_EXPORTS))


if _typing.TYPE_CHECKING:
    from voiceguide.app import Voiceguide
    from voiceguide.audio.clip import Audio
    from voiceguide.clock import Clock, FixedClock, SystemClock
    from voiceguide.engines import Engines
    from voiceguide.engines.fakes import (
        CollectingPlayer,
        FileRecorder,
        ScriptedTranscriber,
        ToneSynthesizer,
    )
    from voiceguide.errors import (
        AudioFileError,
        BusyError,
        DamagedFile,
        DeviceError,
        DiskFullError,
        EngineError,
        FileSystemError,
        JournalError,
        ModelError,
        NoDeviceError,
        NothingHeard,
        NotYet,
        PassphraseError,
        Recoverable,
        SchedulerError,
        ScriptError,
        TooShort,
        UsageError,
        VoiceguideError,
        WrongPassphrase,
    )
    from voiceguide.guidance.library import Library
    from voiceguide.guidance.script import Script
    from voiceguide.interfaces import Player, Recorder, Synthesizer, Transcriber
    from voiceguide.journal.api import Journal
    from voiceguide.journal.entry import Answer, Entry
    from voiceguide.journal.query import Filters
    from voiceguide.settings import Settings, load_settings
