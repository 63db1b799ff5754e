"""Adapters for the real engines, and the one place where the defaults are built.

Each adapter lives in its own module and is imported only when it is used: sounddevice raises at
import time without PortAudio, and faster-whisper is slow to import.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voiceguide.interfaces import Player, Recorder, Synthesizer, Transcriber
    from voiceguide.settings import Settings


@dataclasses.dataclass(frozen=True, slots=True)
class VoiceInfo:
    name: str
    description: str
    installed: bool
    in_use: bool


def voice_list(settings: Settings) -> list[VoiceInfo]:
    """Every voice voiceguide knows, whether it is installed, and which one is in use."""
    import shutil

    from voiceguide.engines import piper

    using = voice_name(settings)
    return [
        VoiceInfo(
            "piper",
            f"natural neural voice: piper, {piper.VOICE_NAME}, offline",
            piper.is_installed(),
            using == "piper",
        ),
        VoiceInfo(
            "system",
            "the system voice: espeak-ng through pyttsx3",
            shutil.which("espeak-ng") is not None,
            using == "system",
        ),
    ]


def voice_name(settings: Settings) -> str:
    """The voice the settings ask for: "auto" is the natural one when it is installed."""
    if settings.voice != "auto":
        return settings.voice
    from voiceguide.engines import piper

    return "piper" if piper.is_installed() else "system"


def default_synthesizer(settings: Settings, *, rate: int | None = None) -> Synthesizer:
    """The natural voice (piper) or the system voice (pyttsx3 driving espeak-ng)."""
    rate = rate or settings.speech_rate
    volume = settings.volume / 100
    if voice_name(settings) == "piper":
        from voiceguide.engines.piper import PiperSynthesizer

        return PiperSynthesizer(rate=rate, volume=volume)
    from voiceguide.engines.system_voice import SystemVoice

    return SystemVoice(rate=rate, volume=volume)


def default_player(settings: Settings) -> Player:
    """The output device chosen in the settings, through PortAudio."""
    from voiceguide.engines.sound_device import SpeakerPlayer

    return SpeakerPlayer(device=settings.output_device)


def default_recorder(settings: Settings) -> Recorder:
    """The input device chosen in the settings, through PortAudio."""
    from voiceguide.engines.sound_device import MicrophoneRecorder

    return MicrophoneRecorder(device=settings.input_device)


def default_transcriber(settings: Settings) -> Transcriber:
    """Whisper tiny.en from the installed model, or pocketsphinx when asked for."""
    if settings.stt == "sphinx":
        from voiceguide.engines.sphinx import SphinxTranscriber

        return SphinxTranscriber()
    from voiceguide.engines.whisper import WhisperTranscriber

    return WhisperTranscriber.bundled()
