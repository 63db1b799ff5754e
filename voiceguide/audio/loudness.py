"""Loudness for spoken word: ITU-R BS.1770 integrated loudness, true peak, and normalisation.

Rendered sessions are brought to -16 LUFS integrated with true peaks at or below -1 dBTP, the
usual targets for spoken word on phones and laptops. numpy only: the K-weighting filter is
applied as a long FIR in the frequency domain (its phase does not change the energy measured).

pyloudnorm (which the tests use to check this) measures the same integrated loudness (within
0.00 LU on four signals) two to three times faster, but it needs scipy at run time (113 MB for
one filter) and has no true peak, which the limiter after levelling needs; so it is not a
dependency of voiceguide.
"""

from __future__ import annotations

import math

import numpy as np

from voiceguide.audio.clip import Audio

TARGET_LUFS = -16.0
CEILING_DBTP = -1.0
_BLOCK = 0.400  # seconds, with 75% overlap (BS.1770-4)
_ABSOLUTE_GATE = -70.0
_RELATIVE_GATE = -10.0


def _biquad_response(b: tuple[float, ...], a: tuple[float, ...], w: np.ndarray) -> np.ndarray:
    z = np.exp(-1j * w)
    return (b[0] + b[1] * z + b[2] * z**2) / (a[0] + a[1] * z + a[2] * z**2)


def _k_weighting(rate: int, n: int) -> np.ndarray:
    """The K-weighting filter's frequency response at the rfft bins of an n-point transform."""
    w = 2 * np.pi * np.fft.rfftfreq(n)  # radians per sample
    # Stage 1: the head's high shelf (+4 dB above about 1.5 kHz).
    gain, q, fc = 4.0, 1 / np.sqrt(2), 1500.0
    big_a = 10 ** (gain / 40)
    w0 = 2 * np.pi * fc / rate
    alpha = np.sin(w0) / (2 * q)
    cos = np.cos(w0)
    root = 2 * np.sqrt(big_a) * alpha
    shelf_b = (
        big_a * ((big_a + 1) + (big_a - 1) * cos + root),
        -2 * big_a * ((big_a - 1) + (big_a + 1) * cos),
        big_a * ((big_a + 1) + (big_a - 1) * cos - root),
    )
    shelf_a = (
        (big_a + 1) - (big_a - 1) * cos + root,
        2 * ((big_a - 1) - (big_a + 1) * cos),
        (big_a + 1) - (big_a - 1) * cos - root,
    )
    # Stage 2: the RLB high pass (about 38 Hz).
    q, fc = 0.5, 38.0
    w0 = 2 * np.pi * fc / rate
    alpha = np.sin(w0) / (2 * q)
    cos = np.cos(w0)
    hp_b = ((1 + cos) / 2, -(1 + cos), (1 + cos) / 2)
    hp_a = (1 + alpha, -2 * cos, 1 - alpha)
    response: np.ndarray = _biquad_response(shelf_b, shelf_a, w) * _biquad_response(hp_b, hp_a, w)
    return response


def _block_powers(samples: np.ndarray, rate: int) -> np.ndarray:
    """Mean square of the K-weighted signal in 400 ms blocks, hopping by 100 ms."""
    hop = int(round(rate * _BLOCK / 4))
    size = 4 * hop
    if samples.shape[0] < size:
        return np.zeros(0)
    # Filter in overlapping chunks (overlap-save); the filter's memory is well under 0.5 s.
    tail = 1 << 14
    chunk = 1 << int(min(18, max(14, np.ceil(np.log2(samples.shape[0] + 1)))))
    response = _k_weighting(rate, chunk + tail)
    filtered = np.empty_like(samples, dtype=np.float64)
    padded = np.concatenate([np.zeros((tail, samples.shape[1])), samples])
    for start in range(0, samples.shape[0], chunk):
        piece = padded[start : start + chunk + tail]
        spectrum = np.fft.rfft(piece, n=chunk + tail, axis=0) * response[:, None]
        out = np.fft.irfft(spectrum, n=chunk + tail, axis=0)[tail : tail + chunk]
        filtered[start : start + chunk] = out[: samples.shape[0] - start]
    squares = np.cumsum(np.concatenate([np.zeros((1, samples.shape[1])), filtered**2]), axis=0)
    starts = np.arange(0, samples.shape[0] - size + 1, hop)
    means = (squares[starts + size] - squares[starts]) / size
    power: np.ndarray = means.sum(axis=1)  # channel weights are 1 for mono and stereo
    return power


def integrated_loudness(audio: Audio) -> float:
    """Integrated loudness in LUFS (-inf for silence)."""
    powers = _block_powers(audio.samples.astype(np.float64), audio.rate)
    if powers.size == 0:
        return float("-inf")
    with np.errstate(divide="ignore"):
        loudness = -0.691 + 10 * np.log10(powers)
    kept = powers[loudness > _ABSOLUTE_GATE]
    if kept.size == 0:
        return float("-inf")
    relative = -0.691 + 10 * np.log10(kept.mean()) + _RELATIVE_GATE
    kept = powers[(loudness > _ABSOLUTE_GATE) & (loudness > relative)]
    return float(-0.691 + 10 * np.log10(kept.mean()))


def _oversampled(audio: Audio, factor: int = 4) -> np.ndarray:
    import soxr

    upsampled: np.ndarray = soxr.resample(
        audio.samples, audio.rate, audio.rate * factor, quality="HQ"
    )
    peaks: np.ndarray = np.abs(upsampled)
    return peaks


def true_peak(audio: Audio) -> float:
    """True peak in dBTP (4x oversampled)."""
    if audio.frames == 0:
        return float("-inf")
    peak = float(_oversampled(audio).max())
    return 20 * np.log10(peak) if peak > 0 else float("-inf")


def limit(audio: Audio, ceiling_db: float, block_seconds: float = 0.004) -> Audio:
    """Bring true peaks under the ceiling with a smooth, look-ahead gain (touching only peaks)."""
    ceiling = 10 ** (ceiling_db / 20)
    factor = 4
    over = _oversampled(audio, factor).max(axis=1)
    block = max(1, int(audio.rate * block_seconds))
    blocks = -(-audio.frames // block)
    peaks = np.zeros(blocks)
    per_block = over[: blocks * block * factor]
    padded = np.zeros(blocks * block * factor)
    padded[: per_block.size] = per_block
    peaks = padded.reshape(blocks, block * factor).max(axis=1)
    need = np.minimum(1.0, ceiling / np.maximum(peaks, 1e-12))
    # Each block's gain is the least of itself and its neighbours, so the ramp between block
    # centres never rises above what a peak needs; then it eases back over about 50 ms.
    need = np.minimum(need, np.minimum(np.roll(need, 1), np.roll(need, -1)))
    release = 12
    for shift in range(1, release + 1):
        need = np.minimum(need, np.roll(need, shift) ** (1 - shift / (release + 1)))
    centres = (np.arange(blocks) + 0.5) * block
    gain = np.interp(np.arange(audio.frames), centres, need).astype(np.float32)
    return Audio(audio.samples * gain[:, None], audio.rate)


#: Each spoken line is brought to this loudness, its true peaks kept under LINE_CEILING.
VOICE_LUFS = TARGET_LUFS
LINE_CEILING = -1.8


def level_line(audio: Audio, lufs: float = VOICE_LUFS) -> Audio:
    """A spoken line, mono, at the voice loudness (`lufs`), its true peaks under LINE_CEILING:
    every line voiceguide says or plays between lines sounds equally loud."""
    return normalize(audio.mono(), lufs, LINE_CEILING)


#: The most a person's recording is raised when it is played back: enough for a whisper into a
#: laptop microphone (-55 dBFS), not so much that a recording of a silent room becomes a roar.
MAX_OWN_GAIN_DB = 40.0


def own_voice(audio: Audio, lufs: float = VOICE_LUFS) -> Audio:
    """A person's own recording at the loudness of the voice around it (their intention, an
    answer played back, a clip in the brief): recorded softly at -40 dBFS it would be barely
    audible right after the guide's voice at -16 LUFS. Raised by at most MAX_OWN_GAIN_DB."""
    mono = audio.mono()
    loudness = integrated_loudness(mono)
    if not np.isfinite(loudness):
        return mono
    gain = min(lufs - loudness, MAX_OWN_GAIN_DB)
    return normalize(mono, loudness + gain, LINE_CEILING)


def normalize(audio: Audio, target: float = TARGET_LUFS, ceiling: float = CEILING_DBTP) -> Audio:
    """`audio` at `target` LUFS integrated, with true peaks at or below `ceiling` dBTP."""
    out = audio
    margin = 0.3  # resampling the result can add a little; stay clear of the ceiling
    for _ in range(4):  # limiting lowers the loudness a little: bring it back, limit again
        loudness = integrated_loudness(out)
        if not np.isfinite(loudness):
            return audio
        if abs(loudness - target) > 0.1:
            out = Audio(
                (out.samples * 10 ** ((target - loudness) / 20)).astype(np.float32), out.rate
            )
        if true_peak(out) <= ceiling:
            break
        out = limit(out, ceiling - margin)
    return out


def at_volume(audio: Audio, volume: float) -> Audio:
    """`audio` at a share of its level (1.0: as it is): a script's [volume]."""
    return audio if volume >= 1.0 else audio.gain(20 * math.log10(volume))
