"""Small sounds made from numbers, so nothing needs to be downloaded."""

from __future__ import annotations

import numpy as np

from voiceguide.audio import Audio


def listening_cue(rate: int = 22050) -> Audio:
    """A soft rising two-note chime (about 0.4 s) that says: your turn to speak."""
    parts = []
    for freq, seconds in ((660.0, 0.16), (880.0, 0.24)):
        t = np.arange(int(rate * seconds)) / rate
        tone = np.sin(2 * np.pi * freq * t) + 0.3 * np.sin(4 * np.pi * freq * t)
        envelope = np.minimum(1.0, t / 0.01) * np.exp(-t * 9.0)
        parts.append(tone * envelope)
    return Audio((0.15 * np.concatenate(parts)).astype(np.float32), rate)
