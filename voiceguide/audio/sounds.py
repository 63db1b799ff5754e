"""Small sounds made from numbers, so nothing needs to be downloaded."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from voiceguide.audio.clip import Audio
from voiceguide.errors import UsageError


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


AMBIENTS = ("drone", "rain", "surf")
#: The bed under the voice: this many LU below the voice, and this much lower under speech.
BED_BELOW_VOICE = 24.0
BED_DUCK_DB = 8.0
BED_FILE_LUFS = -20.0  # the level scripts/make-ambient renders the files at
BELL_LUFS = -21.0


def ambient_dir() -> Path:
    """The folder of ambient beds shipped with voiceguide (made by scripts/make-ambient)."""
    try:
        from importlib import resources

        return Path(str(resources.files("voiceguide.ambient")))
    except ModuleNotFoundError:  # running from a source checkout without installing
        return Path(__file__).resolve().parents[2] / "audio" / "ambient"


def check_ambient(name: str) -> str:
    """`name` if it is a bed voiceguide has (or "none"); a clear error otherwise."""
    if name == "none" or name in AMBIENTS:
        return name
    raise UsageError(
        f"There is no ambient sound called {name!r}.",
        hint=f"Choose one of: {', '.join(AMBIENTS)}, or none.",
    )


def ambient_bed(name: str, rate: int) -> Audio:
    """One seamless loop of the bed `name`, at `rate`."""
    check_ambient(name)
    path = ambient_dir() / f"{name}.flac"
    if not path.is_file():
        raise UsageError(f"The ambient sound {name!r} is missing from {path.parent}.")
    bed = Audio.load(path).mono()
    return bed.resample(rate) if bed.rate != rate else bed


def mix_bed(
    voice: Audio,
    spans: list[tuple[int, int]],
    bed: Audio,
    *,
    voice_lufs: float,
    fade_in: float = 4.0,
    fade_out: float = 6.0,
) -> Audio:
    """Lay `bed` (looped) under `voice`, ducking under the `spans` (frames) where sound plays."""
    rate = voice.rate
    frames = voice.frames
    reps = -(-frames // bed.frames)
    loop = np.tile(bed.samples[:, 0], reps)[:frames]
    level = 10 ** ((voice_lufs - BED_BELOW_VOICE - BED_FILE_LUFS) / 20)
    # Ducking, on a 10 ms grid: down in 0.3 s before and under sound, back up over 1.5 s.
    step = rate // 100
    grid = np.ones(frames // step + 2)
    duck = 10 ** (-BED_DUCK_DB / 20)
    for start, end in spans:
        grid[start // step : end // step + 1] = duck
    smooth = grid.copy()
    up = (1 - duck) / 150  # 1.5 s from ducked back to full
    for i in range(1, smooth.size):
        smooth[i] = min(smooth[i], smooth[i - 1] + up)
    for i in range(smooth.size - 2, -1, -1):
        smooth[i] = min(smooth[i], smooth[i + 1] + (1 - duck) / 30)  # 0.3 s down
    gain = np.interp(np.arange(frames), np.arange(smooth.size) * step, smooth)
    t = np.arange(frames) / rate
    fades = np.minimum(1.0, np.minimum(t / fade_in, (frames / rate - t) / fade_out))
    under = (loop * level * gain * np.clip(fades, 0, 1)).astype(np.float32)
    return Audio(voice.samples + under[:, None], rate)
