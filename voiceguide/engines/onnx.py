"""onnxruntime, imported one way for every model that uses it (the speech detector, piper)."""

from __future__ import annotations

import os
import threading
from typing import Any

_LOCK = threading.Lock()
_READY = False


def onnxruntime() -> Any:
    """The onnxruntime module, with its telemetry turned off before any session is created.

    onnxruntime (1.29 and later) carries Microsoft's telemetry on Linux too: its uploader looks
    up mobile.events.data.microsoft.com (seen with strace, from inside onnxruntime's library,
    while listening). Nothing of ours may reach the network, so it is turned off for the whole
    process before onnxruntime starts: ORT_DISABLE_TELEMETRY=1 is its documented opt-out, read
    once at initialization (disable_telemetry_events() alone still let the lookup through).
    """
    global _READY
    os.environ["ORT_DISABLE_TELEMETRY"] = "1"
    import onnxruntime as ort

    with _LOCK:
        if not _READY:
            ort.disable_telemetry_events()
            ort.set_default_logger_severity(3)
            _READY = True
    return ort
