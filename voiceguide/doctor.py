"""`voiceguide doctor`: check each part and say plainly what is missing and how to fix it."""

from __future__ import annotations

import shutil
from collections.abc import Callable

from voiceguide.errors import AudioFileError, EngineError, VoiceguideError
from voiceguide.settings import Settings


def _check(name: str, test: Callable[[], str]) -> bool:
    try:
        detail = test()
    except VoiceguideError as exc:
        hint = f" ({exc.hint})" if exc.hint else ""
        print(f"  problem  {name}: {exc.message}{hint}")
        return False
    except Exception as exc:
        print(f"  problem  {name}: {exc}")
        return False
    print(f"  ok       {name}: {detail}")
    return True


def _natural_voice() -> str:
    from voiceguide.engines.piper import VOICE_NAME, PiperSynthesizer, bundled_voice_dir

    audio = PiperSynthesizer().synthesize("Hello.")
    if audio.duration < 0.2:
        raise EngineError("The natural voice produced no sound.")
    return f"piper {VOICE_NAME} at {bundled_voice_dir()}, hash verified"


def _voice() -> str:
    from voiceguide.engines.system_voice import SystemVoice

    audio = SystemVoice().synthesize("Hello.")
    if audio.duration < 0.2:
        raise EngineError("The system voice produced no sound.")
    return f"espeak-ng via pyttsx3 ({audio.duration:.1f} s test line)"


def _model() -> str:
    from voiceguide.engines.whisper import MODEL_NAME, bundled_model_dir, verify_model

    folder = bundled_model_dir()
    verify_model(folder)
    return f"Whisper {MODEL_NAME} at {folder}, hash verified"


def _detector() -> str:
    from voiceguide.engines.models import verify_file
    from voiceguide.engines.silero import MODEL_SHA256, model_path

    path = model_path()
    verify_file(path, MODEL_SHA256, what="speech detector model")
    return f"Silero VAD at {path}, hash verified"


def _device(kind: str) -> Callable[[], str]:
    def test() -> str:
        from voiceguide.engines.sound_device import list_devices, resolve_device

        resolve_device(None, kind)
        count = sum(1 for d in list_devices() if (d.inputs if kind == "input" else d.outputs))
        return f"{count} {kind} device(s)"

    return test


def _ffmpeg() -> str:
    path = shutil.which("ffmpeg")
    if not path:
        raise AudioFileError(
            "ffmpeg is missing, so MP3 and phone recordings cannot be read.",
            hint="sudo apt-get install ffmpeg",
        )
    return path


def doctor(settings: Settings) -> int:
    """Run every check; exit code 0 when all pass."""
    print(f"voiceguide doctor (data folder: {settings.home})")
    results = [
        _check("natural voice", _natural_voice),
        _check("system voice", _voice),
        _check("speech model", _model),
        _check("speech detector", _detector),
        _check("microphone", _device("input")),
        _check("speaker", _device("output")),
        _check("ffmpeg", _ffmpeg),
    ]
    from voiceguide.journal.crypto import is_enabled

    print(
        "  ok       offline: voiceguide never uses the network; the speech model and "
        "the voice load from local files only, with their hashes checked"
    )
    from voiceguide.journal.sealing import pending

    change = pending(settings.home)
    if change is not None:
        print(
            f"  problem  encryption: the journal is only partly {change}ed (the {change}ion was "
            f"interrupted); the next start of voiceguide finishes it, or run: voiceguide {change}"
        )
        results.append(False)
    else:
        state = (
            "on (transcripts and audio are encrypted)"
            if is_enabled(settings.home)
            else ("off (turn it on with: voiceguide encrypt)")
        )
        print(f"  ok       encryption: {state}")
    print("  tip      hear how the microphone picks you up: voiceguide devices --test")
    return 0 if all(results) else 1
