"""Adapters for the real engines, and the one place where the defaults are built.

Each adapter lives in its own module and is imported only when it is used: sounddevice raises at
import time without PortAudio, and faster-whisper is slow to import.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voiceguide.interfaces import Player, Recorder, Synthesizer, Transcriber
    from voiceguide.settings import Settings


def default_synthesizer(settings: Settings) -> Synthesizer:
    """The system voice (pyttsx3 driving espeak-ng)."""
    from voiceguide.engines.system_voice import SystemVoice

    return SystemVoice(rate=settings.speech_rate)


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
