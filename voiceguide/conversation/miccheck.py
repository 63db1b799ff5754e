"""The microphone check: how a spoken sentence reached voiceguide, said plainly."""

from __future__ import annotations

import dataclasses
import math

import numpy as np

from voiceguide.audio.clip import Audio
from voiceguide.audio.segmenter import SpeechDetector

#: Speech quieter than this (RMS over the speech) is called quiet: still heard, but close to
#: the softest voice the detector was tested with (-66 dBFS).
QUIET_DBFS = -45.0
#: A microphone whose loudest moment is below this sent nothing but digital silence.
SILENT_DBFS = -85.0


@dataclasses.dataclass(frozen=True, slots=True)
class MicReport:
    """What the check found: a verdict (clear, quiet, no-speech, silent) and the levels."""

    verdict: str
    speech_dbfs: float | None
    peak_dbfs: float
    speech_seconds: float

    @property
    def message(self) -> str:
        """One or two plain sentences for the person."""
        if self.verdict == "silent":
            return (
                "The microphone sent only silence. It may be muted or switched off: check its "
                "mute switch and your sound settings, or choose another microphone with "
                "--input-device (see: voiceguide devices)."
            )
        if self.verdict == "no-speech":
            return (
                f"The microphone picks up sound (at most {self.peak_dbfs:.0f} dBFS) but I heard "
                "no speech. Check that the right microphone is chosen (voiceguide devices), "
                "then try again."
            )
        if self.verdict == "quiet":
            return (
                f"I heard you, but very quietly ({self.speech_dbfs:.0f} dBFS). I can still "
                "follow a quiet voice; moving closer to the microphone, or raising its input "
                "level in your sound settings, will help."
            )
        return f"I heard you clearly (your voice reached {self.speech_dbfs:.0f} dBFS)."


def assess(audio: Audio, detector: SpeechDetector) -> MicReport:
    """Judge a recording of someone saying a sentence into the microphone (`detector`: a new
    speech detector, for this recording alone)."""
    from voiceguide.audio.segmenter import ONSET, Leveller

    samples = audio.for_speech(16000).samples[:, 0]
    peak = float(np.max(np.abs(samples))) if len(samples) else 0.0
    peak_db = 20 * math.log10(peak) if peak > 0 else -120.0
    if peak_db < SILENT_DBFS:
        return MicReport("silent", None, peak_db, 0.0)
    probs = detector.feed(Leveller()(samples))
    window = detector.window
    speech = [samples[i * window : (i + 1) * window] for i, p in enumerate(probs) if p >= ONSET]
    seconds = len(speech) * window / 16000
    if seconds < 0.3:
        return MicReport("no-speech", None, peak_db, seconds)
    voiced = np.concatenate(speech).astype(np.float64)
    rms_db = 10 * math.log10(float(np.mean(voiced**2)) + 1e-20)
    return MicReport("quiet" if rms_db < QUIET_DBFS else "clear", rms_db, peak_db, seconds)
