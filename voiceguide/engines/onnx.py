"""onnxruntime, imported one way for every model that uses it (the speech detector, piper)."""

from __future__ import annotations

import threading
from typing import Any

_LOCK = threading.Lock()
_READY = False


def onnxruntime() -> Any:
    """The onnxruntime module, with its telemetry turned off before any session is created.

    onnxruntime carries Microsoft's telemetry code; a DNS lookup for its collector was seen in
    some runs of the natural voice. Nothing of ours may reach the network, so it is disabled
    once per process, before piper or the speech detector opens a model.
    """
    global _READY
    import onnxruntime as ort

    with _LOCK:
        if not _READY:
            ort.disable_telemetry_events()
            ort.set_default_logger_severity(3)
            _READY = True
    return ort
