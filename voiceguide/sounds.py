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


def bell(rate: int = 22050, seconds: float = 4.0) -> Audio:
    """A soft struck bell: inharmonic partials, each fading at its own pace (about 4 s)."""
    t = np.arange(int(rate * seconds)) / rate
    fundamental = 528.0
    # (ratio to the fundamental, level, decay per second) of a small singing bowl
    partials = (
        (0.5, 0.25, 0.9),
        (1.0, 1.0, 1.1),
        (2.0, 0.35, 1.8),
        (2.76, 0.3, 2.6),
        (4.07, 0.12, 3.5),
        (5.4, 0.06, 5.0),
    )
    tone = np.zeros_like(t)
    for ratio, level, decay in partials:
        # A slight beat between two close partials gives the shimmer of a real bell.
        f = fundamental * ratio
        tone += (
            level
            * np.exp(-decay * t)
            * (np.sin(2 * np.pi * f * t) + 0.4 * np.sin(2 * np.pi * (f + 1.3) * t))
        )
    attack = np.minimum(1.0, t / 0.004)
    release = np.minimum(1.0, (seconds - t) / 0.5)  # no click at the end
    tone *= attack * release
    return Audio((0.25 * tone / np.max(np.abs(tone))).astype(np.float32), rate)
