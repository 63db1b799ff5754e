"""Speech detection with the Silero VAD model that faster-whisper installs, streamed in blocks."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import numpy as np

from voiceguide.engines.models import packaged_folder, verify_file
from voiceguide.errors import EngineError, ModelError

#: SHA-256 of faster_whisper/assets/silero_vad_v6.onnx in faster-whisper 1.2.
MODEL_SHA256 = "4cbf549b8326f60f80f2536d9eefeb450a9abe83365a098031c89719f1be17d2"
RATE = 16000
WINDOW = 512  # samples the model judges at once (32 ms)
CONTEXT = 64  # samples of the window before, which the model also sees

_SESSION: Any = None
_LOCK = threading.Lock()


def model_path() -> Path:
    """The Silero VAD model installed with faster-whisper."""
    name = "silero_vad_v6.onnx"
    folder = packaged_folder(
        "faster_whisper",
        "assets",
        name,
        what="speech detector model",
        install="pip install faster-whisper",
    )
    return folder / name


def _session() -> Any:
    global _SESSION
    with _LOCK:
        if _SESSION is None:
            path = model_path()
            verify_file(path, MODEL_SHA256, what="speech detector model")
            from voiceguide.engines.onnx import onnxruntime

            ort = onnxruntime()
            options = ort.SessionOptions()
            options.inter_op_num_threads = 1
            options.intra_op_num_threads = 1
            options.enable_cpu_mem_arena = False
            options.log_severity_level = 4
            try:
                _SESSION = ort.InferenceSession(
                    str(path), providers=["CPUExecutionProvider"], sess_options=options
                )
            except Exception as exc:
                raise ModelError(f"The speech detector in {path} could not be loaded.") from exc
        return _SESSION


class SileroDetector:
    """The probability of speech in each 32 ms window of 16 kHz audio, as it streams in.

    Silero judges the shape of speech, not its loudness: a soft voice at -60 dBFS is speech, a
    loud fan is not. One detector follows one recording (it carries the model's state).
    """

    rate = RATE
    window = WINDOW

    def __init__(self) -> None:
        self._session = _session()
        self._h = np.zeros((1, 1, 128), np.float32)
        self._c = np.zeros((1, 1, 128), np.float32)
        self._context = np.zeros(CONTEXT, np.float32)
        self._pending = np.zeros(0, np.float32)

    def feed(self, samples: np.ndarray) -> np.ndarray:
        """Take float32 samples at 16 kHz; return one probability per window completed."""
        data = np.concatenate([self._pending, np.asarray(samples, np.float32)])
        whole = len(data) // WINDOW * WINDOW
        self._pending = data[whole:]
        if whole == 0:
            return np.zeros(0, np.float32)
        windows = data[:whole].reshape(-1, WINDOW)
        contexts = np.concatenate([self._context[None, :], windows[:-1, -CONTEXT:]])
        self._context = windows[-1, -CONTEXT:].copy()
        batch = np.concatenate([contexts, windows], axis=1)
        try:
            probs, self._h, self._c = self._session.run(
                None, {"input": batch, "h": self._h, "c": self._c}
            )
        except Exception as exc:
            raise EngineError("The speech detector failed.") from exc
        return np.asarray(probs, np.float32).reshape(-1)
