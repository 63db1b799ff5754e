"""The lightweight fallback: pocketsphinx through SpeechRecognition (offline, less accurate)."""

from __future__ import annotations

from voiceguide.audio.clip import Audio
from voiceguide.errors import EngineError


class SphinxTranscriber:
    """Speech to text with CMU pocketsphinx's US English model."""

    engine = "sphinx"
    model = "pocketsphinx en-US"

    def transcribe(
        self, audio: Audio, *, prompt: str | None = None, hotwords: str | None = None
    ) -> str:
        """The words spoken in `audio` ("" when none are recognised)."""
        import speech_recognition as sr

        from voiceguide.audio.segmenter import contains_speech
        from voiceguide.engines.silero import SileroDetector

        speech = audio.for_speech(16000)
        pcm = speech.to_int16()[:, 0]
        if not contains_speech(pcm, speech.rate, SileroDetector()):
            return ""  # pocketsphinx invents words from silence
        data = sr.AudioData(pcm.tobytes(), speech.rate, 2)
        try:
            return str(sr.Recognizer().recognize_sphinx(data)).strip()
        except sr.UnknownValueError:
            return ""
        except sr.RequestError as exc:
            raise EngineError(
                "pocketsphinx is not available.", hint="Install it with: pip install pocketsphinx"
            ) from exc
