"""Phrase by phrase, then as a whole: the two passes over an answer, and over a recording.

Live listening hands each phrase to a `StreamingTranscription` as soon as the person pauses, so
the text is ready the moment they finish. When they have finished, `hear_again` hears the answer
once more as a whole and merges the two (see `hearing.passes`): the final text keeps every word
either pass heard, phrase by phrase, so each phrase keeps its moment in the recording.
`transcribe_recording` does the same for a file (an import, a recovered or retried recording).
"""

from __future__ import annotations

import dataclasses
import math
import queue
import threading
from collections.abc import Callable, Sequence

from voiceguide.audio.clip import Audio
from voiceguide.errors import EngineError
from voiceguide.hearing.passes import Judge, merge
from voiceguide.interfaces import NewDetector, ReadingScorer, Transcriber

#: Each phrase is brought up to this peak before it is transcribed: Whisper (and its own voice
#: filter) drops words of soft speech that it hears at once at a good level (a soft, halting
#: reflection through the virtual microphone: 23% WER as recorded, 4.5% levelled).
PHRASE_PEAK_DBFS = -6.0
MAX_PHRASE_GAIN_DB = 45.0

#: An answer of more than one phrase, up to this long, is heard again as a whole when it ends.
#: A phrase alone loses words that the sentence around it keeps: "ask not" after a 10-second
#: pause, or "ask not" split off by a fan's noise at a breath ("And not."). Whisper's own voice
#: filter leaves the pauses out, so this costs about a tenth of the speech's length (about a
#: second for a 12-second answer); longer answers keep their phrases as heard while speaking.
MAX_WHOLE_SECONDS = 90.0
#: What Whisper hears at once: a phrase is weighed in its sentence only within this span.
WINDOW_SECONDS = 30.0


def level_phrase(audio: Audio) -> Audio:
    """Soft speech raised to a good level for transcription (never lowered, never clipped)."""
    peak = audio.peak()
    if peak <= 0:
        return audio
    gain = min(MAX_PHRASE_GAIN_DB, PHRASE_PEAK_DBFS - 20 * math.log10(peak))
    return audio.gain(gain) if gain > 0.5 else audio


@dataclasses.dataclass(frozen=True, slots=True)
class Moment:
    """When part of an answer was said: seconds from the start of its recording, and the words."""

    start: float
    end: float
    text: str


@dataclasses.dataclass(frozen=True, slots=True)
class Transcript:
    """What was heard in a recording: whether there was speech, the text, and its moments."""

    heard: bool
    text: str
    moments: tuple[Moment, ...] = ()


#: Phrases as listening divides an answer: (text, seconds), tiling the recording from its start.
Phrases = tuple[tuple[str, float], ...]


def moments_of(
    phrases: Sequence[tuple[str, float]], speech_starts: Sequence[float] = ()
) -> tuple[Moment, ...]:
    """The moments of phrases that tile a recording from its start (silent ones left out):
    each from where its speech starts (`speech_starts`, seconds, when known) to its end."""
    found, at = [], 0.0
    for i, (text, seconds) in enumerate(phrases):
        if text.strip():
            start = speech_starts[i] if i < len(speech_starts) else at
            start = min(max(start, at), at + seconds)
            found.append(Moment(round(start, 2), round(at + seconds, 2), text.strip()))
        at += seconds
    return tuple(found)


def joined(phrases: Sequence[tuple[str, float]]) -> str:
    """The text of phrases, one after the other."""
    return " ".join(t.strip() for t, _ in phrases if t.strip()).strip()


class StreamingTranscription:
    """Transcribes finished segments in the background, in order, while recording goes on."""

    def __init__(
        self, transcriber: Transcriber, *, hint: str | None = None, probe_hotwords: str = ""
    ) -> None:
        self.transcriber = transcriber
        #: Words that prime each phrase (the kind of answer expected), e.g. numbers.
        self.hint = hint
        #: Words that are likely in a probe (the voice commands).
        self.probe_hotwords = probe_hotwords
        self._queue: queue.Queue[tuple[object, Audio | Callable[[], Audio]] | None]
        self._queue = queue.Queue()
        self._texts: list[str] = []
        #: Each phrase as it was transcribed, with its length in seconds.
        self.phrases: list[tuple[str, float]] = []
        #: Transcripts of audio submitted with a key: heard, but not part of the transcript.
        self.probes: dict[object, tuple[str, float]] = {}
        self._error: BaseException | None = None
        self._thread = threading.Thread(target=self._work, name="transcriber", daemon=True)
        self._thread.start()

    def submit(self, audio: Audio | Callable[[], Audio]) -> None:
        """Queue a finished segment: its audio, or a way to read it when its turn comes."""
        self._queue.put((None, audio))

    def probe(self, key: object, audio: Audio | Callable[[], Audio]) -> None:
        """Queue audio to be transcribed on its own, into `probes[key]` (not the transcript)."""
        self._queue.put((key, audio))

    def finish(self) -> str:
        """Wait for every queued segment and return the whole transcript."""
        self._queue.put(None)
        self._thread.join()
        if self._error is not None:
            raise EngineError(
                f"The recording was kept, but transcription failed: {self._error}"
            ) from self._error
        return " ".join(t for t in self._texts if t).strip()

    def _work(self) -> None:
        while True:
            item = self._queue.get()
            if item is None:
                return
            if self._error is not None:
                continue
            key, source = item
            try:
                audio = level_phrase(source() if callable(source) else source)
                if key is not None:
                    hotwords = self.probe_hotwords or None
                    heard = self.transcriber.transcribe(audio, hotwords=hotwords).strip()
                    self.probes[key] = (heard, audio.duration)
                    continue
                # Each phrase on its own (with the answer's hint, if any): given the phrases
                # before it as a prompt, Whisper tiny.en was seen to drop a short phrase that
                # opened the next segment ("One, two, three." before a long sentence).
                text = self.transcriber.transcribe(audio, prompt=self.hint).strip()
                self._texts.append(text)
                self.phrases.append((text, audio.duration))
            except BaseException as exc:  # kept and re-raised by finish()
                self._error = exc


def hear_again(
    phrases: Sequence[tuple[str, float]],
    audio_between: Callable[[float, float], Audio],
    transcriber: Transcriber,
    *,
    hint: str | None = None,
) -> Phrases:
    """The phrases of an answer, mended by hearing the answer again as a whole.

    `audio_between(start, end)` gives the answer's audio between two moments (seconds). An
    answer of one phrase, or longer than MAX_WHOLE_SECONDS, is kept as heard. Where the two
    passes disagree, a transcriber that can weigh readings against the audio decides (see
    `hearing.passes.merge`): either way no word that either pass heard is lost."""
    phrases = tuple(phrases)
    seconds = sum(d for _, d in phrases)  # the phrases tile the answer from its start
    if len(phrases) < 2 or seconds > MAX_WHOLE_SECONDS or not joined(phrases):
        return phrases
    whole = transcriber.transcribe(level_phrase(audio_between(0.0, seconds)), prompt=hint)
    judge = None
    if isinstance(transcriber, ReadingScorer):
        judge = _in_its_sentence(phrases, audio_between, transcriber)
    texts = merge([t for t, _ in phrases], whole.strip(), judge=judge)
    return tuple((text, d) for text, (_, d) in zip(texts, phrases, strict=True))


def _in_its_sentence(
    phrases: Phrases, audio_between: Callable[[float, float], Audio], scorer: ReadingScorer
) -> Judge:
    """Weighs readings of phrase i on the sound of the phrase with its neighbours, read as
    the phrase pass heard them: the phrase in its sentence (as far as Whisper's 30 s allow).

    On the phrase's own sound the phrase pass's reading nearly always wins: it is what beam
    search found there. A fan's noise turned "my fellow Americans, ask not" into "am I fellow
    American. And not." in a phrase alone, which scored better on that phrase alone (-6.6
    against -7.9) than the whole pass's right reading; with the next phrase's sound and words
    around it, the right reading wins. Two runs, each over the long answers and the conditions
    of tests/battery.py and six recordings of a noisy answer through the virtual microphone, at
    three alignments: in the first, 2.3% WER merged and 13.6% at worst, against 3.1% and 22.7%
    judged on the phrase alone (three of the eighteen recorded answers over 10%, none now); in
    the second (scripts/benchmark merging), 2.5% against 2.4%, both 13.6% at worst (a halting
    answer that both passes mishear alike): better on the long answers, a little worse on
    those six recordings."""
    starts = [sum(d for _, d in phrases[:i]) for i in range(len(phrases))]
    ends = [start + seconds for start, (_, seconds) in zip(starts, phrases, strict=True)]
    texts = [text.strip() for text, _ in phrases]

    def judge(i: int, readings: Sequence[str]) -> Sequence[float]:
        first = i - 1 if i > 0 and ends[i] - starts[i - 1] <= WINDOW_SECONDS else i
        last = (
            i + 1 if i + 1 < len(phrases) and ends[i + 1] - starts[first] <= WINDOW_SECONDS else i
        )
        before, after = " ".join(texts[first:i]), " ".join(texts[i + 1 : last + 1])
        sound = level_phrase(audio_between(starts[first], ends[last]))
        return scorer.support(
            sound, [" ".join(part for part in (before, r, after) if part) for r in readings]
        )

    return judge


@dataclasses.dataclass(frozen=True, slots=True)
class FirstPass:
    """A recording heard phrase by phrase, as live listening hears it: the phrases, where
    speech began in each (seconds), and the recording's speech audio between two moments."""

    phrases: Phrases
    onsets: tuple[float, ...]
    speech_started: bool
    audio_between: Callable[[float, float], Audio]


def first_pass(
    audio: Audio, transcriber: Transcriber, detector: NewDetector, *, block_seconds: float = 1.0
) -> FirstPass:
    """Hear a whole recording phrase by phrase, block by block as if it were being said."""
    from voiceguide.audio.segmenter import Segmenter

    speech = audio.for_speech(16000)
    rate = speech.rate
    pcm = speech.to_int16()[:, 0]
    segmenter = Segmenter(rate, detector=detector())
    worker = StreamingTranscription(transcriber)
    block = int(rate * block_seconds)
    starts: list[int] = []
    for i in range(0, len(pcm), block):
        for start, end in segmenter.feed(pcm[i : i + block]):
            starts.append(start)
            worker.submit(Audio.from_int16(pcm[start:end], rate))
    if (flushed := segmenter.flush()) is not None:
        starts.append(flushed[0])
        worker.submit(Audio.from_int16(pcm[flushed[0] : flushed[1]], rate))
    worker.finish()
    return FirstPass(
        phrases=tuple(worker.phrases),
        onsets=tuple(segmenter.onsets.get(start, start) / rate for start in starts),
        speech_started=segmenter.speech_started,
        audio_between=lambda a, b: Audio.from_int16(pcm[int(a * rate) : int(b * rate)], rate),
    )


def transcribe_recording(
    audio: Audio, transcriber: Transcriber, detector: NewDetector, *, block_seconds: float = 1.0
) -> Transcript:
    """Hear a whole recording as live listening hears an answer: phrase by phrase, then again
    as a whole (when it is short enough), the two merged; with the moment of each phrase."""
    heard = first_pass(audio, transcriber, detector, block_seconds=block_seconds)
    phrases = hear_again(heard.phrases, heard.audio_between, transcriber)
    text = joined(phrases)
    return Transcript(
        heard.speech_started and bool(text), text, moments_of(phrases, list(heard.onsets))
    )
