"""Adapters for the real engines, and the one place where the defaults are built.

Each adapter lives in its own module and is imported only when it is used: sounddevice raises at
import time without PortAudio, and faster-whisper is slow to import.
"""

from __future__ import annotations

import dataclasses
from typing import TYPE_CHECKING

from voiceguide.home import Home

if TYPE_CHECKING:
    from voiceguide.interfaces import (
        NewDetector,
        Player,
        Recorder,
        SpeechDetector,
        Synthesizer,
        Transcriber,
    )
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


#: A meditation's breath within and between sentences, in seconds (the natural voice): with its
#: slower pace (meditation_rate), the lines of the 2-minute grounding are read at a median of
#: 120 words a minute, a meditation teacher's pace (189 before: the speaking pace with one
#: breath a sentence); tests/journeys/test_sound.py measures it.
MEDITATION_PHRASE_PAUSE = 0.6
MEDITATION_SENTENCE_PAUSE = 0.6


def default_synthesizer(
    settings: Settings, *, rate: int | None = None, meditation: bool = False
) -> Synthesizer:
    """The natural voice (piper) or the system voice (pyttsx3 driving espeak-ng); for a
    meditation, slower and with room to breathe between phrases."""
    rate = rate or (settings.meditation_rate if meditation else settings.speech_rate)
    volume = settings.volume / 100
    if voice_name(settings) == "piper":
        from voiceguide.engines.piper import PiperSynthesizer

        if meditation:
            return PiperSynthesizer(
                rate=rate,
                volume=volume,
                phrase_pause=MEDITATION_PHRASE_PAUSE,
                sentence_pause=MEDITATION_SENTENCE_PAUSE,
            )
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


class Engines:
    """The five engines a voiceguide speaks, plays, records, hears and finds speech through,
    and the voice its sessions are said in. Any not passed in are built from the settings when
    first needed (loading a voice or a speech model takes time, and many commands need neither).

    An engine passed in is used exactly as a built one would be: what it says is levelled to
    the voice loudness, and session lines go through the same cache (keyed by its `cache_key`).
    """

    def __init__(
        self,
        settings: Settings,
        *,
        synthesizer: Synthesizer | None = None,
        player: Player | None = None,
        recorder: Recorder | None = None,
        transcriber: Transcriber | None = None,
        detector: NewDetector | None = None,
    ) -> None:
        self.settings = settings
        self._detector = detector
        self._synthesizer = synthesizer
        self._given_voice = synthesizer is not None
        self._player = player
        self._recorder = recorder
        self._transcriber = transcriber
        self._session_voices: dict[str, Synthesizer] = {}

    @property
    def synthesizer(self) -> Synthesizer:
        if self._synthesizer is None:
            self._synthesizer = default_synthesizer(self.settings)
        return self._synthesizer

    @property
    def player(self) -> Player:
        if self._player is None:
            self._player = default_player(self.settings)
        return self._player

    @property
    def recorder(self) -> Recorder:
        if self._recorder is None:
            self._recorder = default_recorder(self.settings)
        return self._recorder

    @property
    def transcriber(self) -> Transcriber:
        if self._transcriber is None:
            self._transcriber = default_transcriber(self.settings)
        return self._transcriber

    def speech_detector(self) -> SpeechDetector:
        """A new speech detector (Silero VAD unless one was passed in), for one recording."""
        if self._detector is not None:
            return self._detector()
        from voiceguide.engines.silero import SileroDetector

        return SileroDetector()

    def session_voice(self, *, meditation: bool = False) -> Synthesizer:
        """The voice for session scripts: each line synthesized once and kept (levelled) in the
        voice cache; slower for meditations (a voice passed in keeps its own pace)."""
        key = "meditation" if meditation else "speech"
        if key not in self._session_voices:
            from voiceguide.engines.voicecache import CachedSynthesizer

            inner = (
                default_synthesizer(self.settings, meditation=True)
                if meditation and not self._given_voice
                else self.synthesizer
            )
            self._session_voices[key] = CachedSynthesizer(
                inner, Home(self.settings.home).voice_cache
            )
        return self._session_voices[key]
