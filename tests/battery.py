"""Speech like the users': harder variants of the shared real speech, built deterministically.

Right after an infusion people speak softly, slowly, and stop for long stretches mid-thought. Every
listening test and the benchmark use these conditions, built here from `../shared/speech` (the same
samples every run: fixed gains, fixed pauses, seeded noise), never the loud, fluent clips alone:

- clean: the recordings as they are;
- soft: about -55 dBFS RMS (a quiet talker at a laptop microphone);
- slow: tempo 0.8 (ffmpeg's atempo: the pitch is kept);
- halting: slow, with pauses of 5.5 to 10 s between phrases;
- noisy: a fan and room hum at 10 dB SNR;
- long: three minutes of continuous speech;
- after-infusion: soft, slow and halting at once;
- commands, said alone, in several voices: espeak-ng en, en-us, en-gb-x-rp, en-029, the piper
  voice, one at 110 words a minute, and one 14 dB softer.
"""

from __future__ import annotations

import dataclasses
import functools
import os
import re
import subprocess
import tempfile
from pathlib import Path

import jiwer
import numpy as np

from voiceguide.audio.clip import Audio

RATE = 16000
SPEECH = Path(
    os.environ.get(
        "VOICEGUIDE_SPEECH", Path(__file__).resolve().parent.parent.parent / "shared" / "speech"
    )
)
_NUMBERS = {"1": "one", "2": "two", "3": "three", "4": "four", "5": "five"}


def normalise(text: str) -> list[str]:
    """Lower-case words without punctuation, digits spelled out: how what was heard is compared
    with what was said, in the tests and the benchmarks alike."""
    words = re.sub(r"[^a-z0-9' ]+", " ", text.lower()).split()
    return [_NUMBERS.get(w, w) for w in words]


def wer(reference: str, hypothesis: str) -> float:
    """Word error rate of `hypothesis` against `reference` (jiwer), after normalising both; an
    empty reference counts every word heard as an error."""
    ref, hyp = normalise(reference), normalise(hypothesis)
    if not ref:
        return float(len(hyp))
    return float(jiwer.wer(" ".join(ref), " ".join(hyp)))


#: Where JFK's sentence pauses for breath: the phrases a halting speaker stops between.
JFK_PHRASES = ((0.0, 2.7), (2.7, 4.9), (4.9, 7.95), (7.95, 11.0))
#: The pauses of the halting conditions, in order (5 to 10 s, as people leave them).
HALTING_PAUSES = (5.5, 10.0, 8.0)
SOFT_DBFS = -55.0
SLOW_TEMPO = 0.8
NOISE_SNR_DB = 10.0
LONG_SECONDS = 180.0
CONDITIONS = ("clean", "soft", "slow", "halting", "noisy", "long", "after-infusion")

#: What a command is called here -> (what it means, how it is said).
COMMAND_PHRASES: dict[str, tuple[str, str]] = {
    "that's all": ("next", "That's all."),
    "next": ("next", "Next."),
    "skip": ("skip", "Skip."),
    "stop": ("stop", "Let's stop here."),
    "repeat": ("repeat", "Repeat."),
    "back": ("back", "Go back."),
    "cancel": ("cancel", "Cancel."),
}
#: Voice name -> how it is made: (engine, espeak voice, words a minute, gain in dB).
COMMAND_VOICES: dict[str, tuple[str, str, int, float]] = {
    "espeak en": ("espeak", "en", 160, 0.0),
    "espeak en-us": ("espeak", "en-us", 160, 0.0),
    "espeak en-gb-x-rp": ("espeak", "en-gb-x-rp", 160, 0.0),
    "espeak en-029": ("espeak", "en-029", 160, 0.0),
    "piper": ("piper", "", 0, 0.0),
    "espeak en-us 110 wpm": ("espeak", "en-us", 110, 0.0),
    "piper 14 dB softer": ("piper", "", 0, -14.0),
}


@dataclasses.dataclass(frozen=True, slots=True)
class Sample:
    """A condition's audio, what was said in it, and the seconds of speech it holds."""

    name: str
    audio: Audio
    reference: str
    speech_seconds: float


def references() -> dict[str, str]:
    lines = (SPEECH / "references.tsv").read_text("utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if "\t" in line)


@functools.cache
def clip(name: str) -> Audio:
    """A shared recording, mono at 16 kHz."""
    return Audio.load(SPEECH / name).for_speech(RATE)


def rms_dbfs(audio: Audio) -> float:
    """RMS level of the audio's louder half of 30 ms frames (speech, not the pauses)."""
    mono = audio.mono().samples[:, 0].astype(np.float64)
    frame = int(audio.rate * 0.03)
    frames = mono[: len(mono) // frame * frame].reshape(-1, frame)
    energy = np.mean(frames**2, axis=1)
    loud = energy[energy >= np.median(energy)]
    return float(10 * np.log10(np.mean(loud) + 1e-20))


def at_level(audio: Audio, dbfs: float) -> Audio:
    """The audio at `dbfs` RMS (of its speech)."""
    return audio.gain(dbfs - rms_dbfs(audio))


def slowed(audio: Audio, tempo: float = SLOW_TEMPO) -> Audio:
    """Slower speech at the same pitch (ffmpeg atempo, deterministic)."""
    with tempfile.TemporaryDirectory() as tmp:
        src, out = Path(tmp) / "in.wav", Path(tmp) / "out.wav"
        audio.save(src)
        subprocess.run(
            ["ffmpeg", "-v", "error", "-y", "-i", str(src), "-filter:a", f"atempo={tempo}",
             "-ar", str(audio.rate), str(out)],
            check=True,
        )  # fmt: skip
        return Audio.load(out)


def room_tone(seconds: float, *, dbfs: float = -70.0, seed: int = 1) -> Audio:
    """Faint, steady room noise: what a microphone hears when nobody speaks."""
    rng = np.random.default_rng(seed)
    noise = rng.standard_normal(int(seconds * RATE))
    noise = np.convolve(noise, np.ones(8) / 8, mode="same")  # softer highs, like a room
    noise *= 10 ** (dbfs / 20) / (np.sqrt(np.mean(noise**2)) + 1e-12)
    return Audio(noise.astype(np.float32), RATE)


def fan(seconds: float, *, dbfs: float, seed: int = 7) -> Audio:
    """A desk fan and mains hum: brown-ish broadband noise with 50 Hz harmonics, steady."""
    rng = np.random.default_rng(seed)
    n = int(seconds * RATE)
    white = rng.standard_normal(n)
    brown = np.cumsum(white)
    brown -= np.convolve(brown, np.ones(400) / 400, mode="same")  # no drift, keep the rumble
    t = np.arange(n) / RATE
    hum = sum(np.sin(2 * np.pi * 50 * k * t) / k for k in (1, 2, 3, 4))
    mix = brown / (np.std(brown) + 1e-12) + 0.3 * white + 0.5 * hum
    mix *= 10 ** (dbfs / 20) / (np.sqrt(np.mean(mix**2)) + 1e-12)
    return Audio(mix.astype(np.float32), RATE)


def phrases(
    audio: Audio, cuts: tuple[tuple[float, float], ...], stretch: float = 1.0
) -> list[Audio]:
    return [audio.slice(a * stretch, min(b * stretch, audio.duration)) for a, b in cuts]


def halting(audio: Audio, stretch: float = 1.0) -> Audio:
    """JFK's phrases with 5.5-10 s pauses (of faint room tone) between them."""
    parts: list[Audio] = []
    for i, phrase in enumerate(phrases(audio, JFK_PHRASES, stretch)):
        if i:
            parts.append(room_tone(HALTING_PAUSES[(i - 1) % len(HALTING_PAUSES)], seed=i))
        parts.append(phrase)
    return Audio.concat(parts)


@functools.cache
def condition(name: str) -> Sample:
    """One condition of the battery (see the module's docstring)."""
    refs = references()
    jfk, jfk_ref = clip("jfk.flac"), refs["jfk.flac"]
    if name == "clean":
        return Sample(name, jfk, jfk_ref, jfk.duration)
    if name == "soft":
        return Sample(name, at_level(jfk, SOFT_DBFS), jfk_ref, jfk.duration)
    if name == "slow":
        slow = slowed(jfk)
        return Sample(name, slow, jfk_ref, slow.duration)
    if name == "halting":
        slow = slowed(jfk)
        return Sample(name, halting(slow, 1 / SLOW_TEMPO), jfk_ref, slow.duration)
    if name == "after-infusion":
        slow = at_level(slowed(jfk), SOFT_DBFS)
        return Sample(name, halting(slow, 1 / SLOW_TEMPO), jfk_ref, slow.duration)
    if name == "noisy":
        noise = fan(jfk.duration, dbfs=rms_dbfs(jfk) - NOISE_SNR_DB)
        mixed = jfk.samples[:, 0] + noise.samples[: jfk.frames, 0]
        return Sample(name, Audio(mixed, RATE), jfk_ref, jfk.duration)
    if name == "long":
        return long_speech()
    raise KeyError(name)


def long_speech(seconds: float = LONG_SECONDS) -> Sample:
    """Continuous speech for `seconds`: the shared clips in turn, with a breath between."""
    refs = references()
    names = ("jfk.flac", "one_two_three.wav")
    gaps = (0.6, 1.1, 0.8, 1.4, 0.7)
    parts: list[Audio] = []
    said: list[str] = []
    spoken = 0.0
    i = 0
    while sum(p.duration for p in parts) < seconds:
        name = names[i % 3 == 2]  # jfk, jfk, one-two-three, ...
        parts += [clip(name), room_tone(gaps[i % len(gaps)], seed=100 + i)]
        said.append(refs[name])
        spoken += clip(name).duration
        i += 1
    return Sample("long", Audio.concat(parts), " ".join(said), spoken)


#: Pieces of the shared speech that long answers are joined from: (clip, start, end, words).
PIECES: dict[str, tuple[str, float, float, str]] = {
    "jfk": ("jfk.flac", 0.0, 11.0, ""),
    "123": ("one_two_three.wav", 0.0, 99.0, ""),
    "so ask not what": ("jfk.flac", 0.0, 7.95, "And so, my fellow Americans, ask not what your "
                        "country can do for you,"),
    "so": ("jfk.flac", 0.0, 2.7, "And so, my fellow Americans,"),
    "ask not": ("jfk.flac", 2.7, 7.95, "ask not what your country can do for you,"),
    "ask what": ("jfk.flac", 7.95, 11.0, "ask what you can do for your country."),
    "so ask not": ("jfk.flac", 0.0, 4.9, "And so, my fellow Americans, ask not"),
    "what": ("jfk.flac", 4.9, 11.0, "what your country can do for you, ask what you can do for "
             "your country."),
}  # fmt: skip
#: The pieces a fluent reader says whole: sentences and clauses, never cut mid-thought.
SENTENCES = ("jfk", "123", "so ask not what", "ask what")
#: Long answers, 30 to 90 seconds: (seconds at least, tempo, gain in dB, pauses between the
#: pieces, seed of the order). Clean ones are read as recorded, in whole sentences; the others
#: slower, faster, 15 to 30 dB softer, and in pieces cut where JFK pauses. Pauses of 2 to 8 s
#: are the breaks people take mid-answer; the fluent one has only breaths, so that Whisper's
#: 30-second windows fall inside sentences.
LONG_ANSWERS: dict[str, tuple[float, float, float, tuple[float, ...], int]] = {
    "clean, 40 s": (40.0, 1.0, 0.0, (2.0, 3.0, 2.5), 1),
    "clean, 60 s": (60.0, 1.0, 0.0, (2.0, 8.0, 3.0, 5.0), 2),
    "clean, 85 s": (85.0, 1.0, 0.0, (3.0, 2.0, 6.0, 4.0, 8.0), 3),
    "clean and fluent, 45 s": (45.0, 1.0, 0.0, (0.4, 0.7, 0.5), 4),
    "slow, 60 s": (60.0, 0.8, 0.0, (2.5, 5.0, 3.5), 5),
    "fast, 45 s": (45.0, 1.2, 0.0, (2.0, 3.0), 6),
    "15 dB softer, 45 s": (45.0, 1.0, -15.0, (2.0, 4.0, 3.0), 7),
    "30 dB softer, 45 s": (45.0, 1.0, -30.0, (3.0, 2.0, 5.0), 8),
    "slow and 25 dB softer, 60 s": (60.0, 0.85, -25.0, (4.0, 8.0, 2.0), 9),
}


def piece(name: str) -> tuple[Audio, str]:
    """One piece of shared speech and its words."""
    refs = references()
    source, start, end, words = PIECES[name]
    audio = clip(source)
    return audio.slice(start, min(end, audio.duration)), words or refs[source]


@functools.cache
def long_answer(name: str) -> Sample:
    """One of LONG_ANSWERS: the pieces in a seeded order, joined with its pauses (room tone)."""
    seconds, tempo, gain, pauses, seed = LONG_ANSWERS[name]
    rng = np.random.default_rng(seed)
    names = list(SENTENCES if name.startswith("clean") else PIECES)
    parts: list[Audio] = []
    said: list[str] = []
    spoken = 0.0
    while True:
        audio, words = piece(names[int(rng.integers(len(names)))])
        if tempo != 1.0:
            audio = slowed(audio, tempo)
        pause = room_tone(pauses[len(said) % len(pauses)], seed=seed * 100 + len(said))
        if sum(p.duration for p in parts) + pause.duration + audio.duration > seconds + 3:
            break
        if parts:
            parts.append(pause)
        parts.append(audio.gain(gain) if gain else audio)
        said.append(words)
        spoken += audio.duration
    return Sample(f"long answer, {name}", Audio.concat(parts), " ".join(said), spoken)


@functools.cache
def command(name: str, voice: str) -> Audio:
    """A command of COMMAND_PHRASES ("that's all") said alone in one of COMMAND_VOICES."""
    return said_in(COMMAND_PHRASES[name][1], voice)


@functools.cache
def said_in(text: str, voice: str) -> Audio:
    """`text` said alone in one of COMMAND_VOICES, with a moment of room tone either side."""
    engine, espeak_voice, wpm, gain = COMMAND_VOICES[voice]
    if engine == "espeak":
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "c.wav"
            subprocess.run(["espeak-ng", "-v", espeak_voice, "-s", str(wpm), "-w", str(out), text],
                           check=True)  # fmt: skip
            audio = Audio.load(out)
    else:
        audio = steady_piper(text)
    audio = at_level(audio.for_speech(RATE), -20.0 + gain)
    return Audio.concat([room_tone(0.4, seed=3), audio, room_tone(0.4, seed=4)])


def steady_piper(text: str, reading: int = 0) -> Audio:
    """`text` in the natural voice, said the same way on every run. piper draws each reading's
    variation at random, so a test heard a new reading on every run (in one fresh-clone run a
    soft "Sometimes." and "Two." were both not understood; eight new readings of each were). A
    session of the voice's own, seeded from the text, gives each text one reading (another one
    for each `reading`)."""
    import zlib

    from piper import PiperVoice

    from voiceguide.engines import piper
    from voiceguide.engines.onnx import onnxruntime

    class Steady(piper.PiperSynthesizer):
        def _voice(self) -> object:
            onnxruntime().set_seed(zlib.crc32(text.encode("utf-8")) + reading)
            return piper._voice(piper.bundled_voice_dir(), PiperVoice)

    return Steady().synthesize(text)


def save(audio: Audio, path: Path) -> Path:
    """Write `audio` as 16-bit WAV (what paplay plays into the virtual microphone)."""
    audio.save(path)
    return path
