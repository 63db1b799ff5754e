"""Word error rate and real-time factor of each transcription engine on the shared speech,
clean and with noise at 10 dB SNR, through the path `voiceguide transcribe` takes."""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING

import numpy as np
from battery import normalise

from benchmarks.common import speech, timed
from voiceguide.audio.clip import Audio

if TYPE_CHECKING:
    from voiceguide.interfaces import Transcriber

TITLE = "Transcription"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """No options of its own (--speech is every section's)."""


def word_errors(reference: str, hypothesis: str) -> tuple[int, int]:
    """Word errors and reference words, summed over files for one WER per engine."""
    import jiwer

    ref, hyp = " ".join(normalise(reference)), " ".join(normalise(hypothesis))
    out = jiwer.process_words(ref, hyp)
    return out.substitutions + out.deletions + out.insertions, len(ref.split())


def with_noise(audio: Audio, snr_db: float, seed: int = 0) -> Audio:
    """`audio` with white noise mixed in at `snr_db`."""
    speech = audio.for_speech(16000)
    power = float(np.mean(speech.samples**2))
    noise = np.random.default_rng(seed).normal(
        0, np.sqrt(power / 10 ** (snr_db / 10)), speech.samples.shape
    )
    return Audio(speech.samples + noise.astype(np.float32), 16000)


def run(opts: argparse.Namespace) -> str:
    """The transcription tables."""
    lines: list[str] = []
    clips, refs = speech(opts.speech)
    total = sum(a.duration for a in clips.values())
    from voiceguide.engines.silero import SileroDetector
    from voiceguide.engines.sphinx import SphinxTranscriber
    from voiceguide.engines.whisper import WhisperTranscriber
    from voiceguide.hearing.phrases import transcribe_recording

    whisper = WhisperTranscriber.bundled()
    _, load = timed(whisper.load)
    engines: list[tuple[str, Transcriber, float]] = [
        ("Whisper tiny.en (int8, bundled)", whisper, load),
        ("pocketsphinx en-US", SphinxTranscriber(), 0.0),
    ]
    lines += [
        f"{len(clips)} files of real speech, {total:.1f} s in all ({opts.speech}), "
        "through the path "
        "`voiceguide transcribe` and live listening take (phrase by phrase). Real-time factor "
        "is processing time / audio length; 'with load' adds loading the model once.",
        "",
        "| engine | condition | WER | RTF | RTF with load |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, engine, load_time in engines:
        engine.transcribe(Audio.silence(1, 16000))  # warm-up, outside the timings
        for condition in ("clean", "noise 10 dB SNR"):
            errors = words = 0
            spent = 0.0
            for clip_name, reference in refs.items():
                audio = (
                    clips[clip_name] if condition == "clean" else with_noise(clips[clip_name], 10)
                )
                heard, seconds = timed(transcribe_recording, audio, engine, SileroDetector)
                text = heard.text
                e, n = word_errors(reference, text)
                errors, words, spent = errors + e, words + n, spent + seconds
            lines.append(
                f"| {name} | {condition} | {100 * errors / words:.1f}% | {spent / total:.3f} | "
                f"{(spent + load_time) / total:.3f} |"
            )
    lines += minute_rows(engines, clips, refs)
    lines += ["", f"Whisper model load (with SHA-256 check of model.bin): {load:.2f} s.", ""]

    return "\n".join(lines)


def minute_rows(
    engines: list[tuple[str, Transcriber, float]], clips: dict[str, Audio], refs: dict[str, str]
) -> list[str]:
    """The rate a real reflection gets: Whisper's encoder always works on 30-second windows, so
    short clips cost the same as long ones, and a minute of speech shows the real rate."""
    from voiceguide.engines.silero import SileroDetector
    from voiceguide.hearing.phrases import transcribe_recording

    lines: list[str] = []
    minute = Audio.concat([clips["jfk.flac"].for_speech(16000), Audio.silence(1.0, 16000)] * 5)
    lines += [
        "",
        "| engine | a 60 s answer (JFK x5) | WER | RTF | RTF with load |",
        "| --- | --- | --- | --- | --- |",
    ]
    for name, engine, load_time in engines:
        heard, seconds = timed(transcribe_recording, minute, engine, SileroDetector)
        text = heard.text
        e, n = word_errors(" ".join([refs["jfk.flac"]] * 5), text)
        lines.append(
            f"| {name} | clean | {100 * e / n:.1f}% | {seconds / minute.duration:.3f} | "
            f"{(seconds + load_time) / minute.duration:.3f} |"
        )
    return lines
