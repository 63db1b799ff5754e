"""Shared fixtures: real speech, the virtual speaker and microphone, and the installed command."""

from __future__ import annotations

import contextlib
import os
import shutil
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import soundfile
from battery import normalise as normalise  # re-exported: the tests compare words with it
from battery import wer as wer

from voiceguide.app import Voiceguide
from voiceguide.audio.clip import Audio
from voiceguide.engines.fakes import (
    CollectingPlayer,
    FileRecorder,
    ScriptedTranscriber,
    ToneSynthesizer,
)
from voiceguide.interfaces import Recorder
from voiceguide.settings import load_settings

ROOT = Path(__file__).resolve().parent.parent
#: The tests' own folder (its data/ holds golden files and sample journals).
TESTS = ROOT / "tests"
SPEECH = Path(os.environ.get("VOICEGUIDE_SPEECH", ROOT.parent / "shared" / "speech"))
#: No test sets a reminder in the machine's real scheduler (the reminder tests give their own).
os.environ["VOICEGUIDE_SCHEDULER"] = "none"
VOICEGUIDE = Path(sys.executable).parent / "voiceguide"

#: The virtual speaker and microphone of this test process. Tests run side by side in
#: pytest-xdist workers, each with its own pair (`scripts/virtual-audio gw0`), so what one test
#: plays is never heard by another. Every program started here (and this process) plays to and
#: records from them through PulseAudio's PULSE_SINK and PULSE_SOURCE.
WORKER = os.environ.get("PYTEST_XDIST_WORKER", "")
SPEAKER = f"vg_speaker_{WORKER}" if WORKER else "vg_speaker"
MIC_SINK = f"vg_mic_sink_{WORKER}" if WORKER else "vg_mic_sink"
MIC = f"vg_mic_{WORKER}" if WORKER else "vg_mic"
os.environ["PULSE_SINK"], os.environ["PULSE_SOURCE"] = SPEAKER, MIC


def fake_app(
    home: Path,
    recorder: Recorder,
    answers: Iterable[str] = (),
    shown: list[str] | None = None,
    **settings: object,
) -> tuple[Voiceguide, CollectingPlayer, ToneSynthesizer]:
    """A Voiceguide on the fakes: a tone voice, a collecting player, scripted transcripts.

    Returns the app, its player and its voice, for the tests to look into. The voice says
    lines ahead of time too (the next question while one is answered): what was said aloud,
    in order, is what was shown (`shown`).
    """
    synth, player = ToneSynthesizer(), CollectingPlayer()
    app = Voiceguide(
        load_settings(home=home, **settings),
        synthesizer=synth,
        player=player,
        recorder=recorder,
        transcriber=ScriptedTranscriber(list(answers)),
        stop=threading.Event(),
        show=(lambda text: None) if shown is None else shown.append,
        inform=lambda text: None,
    )
    return app, player, synth


def make_app(
    tmp_path: Path, turns: Recorder, texts: list[str], shown: list[str] | None = None,
    **settings: object,
) -> tuple[Voiceguide, ToneSynthesizer]:  # fmt: skip
    """`fake_app` in `tmp_path`, as the guided moments run by voice: a short patience, and the
    one-time questionnaire question answered "no" (it is tested on its own)."""
    app, _, synth = fake_app(
        tmp_path / "home", turns, texts, shown, silence=1.5, wait_seconds=2.0,
        **{"questionnaires": "none", **settings},
    )  # fmt: skip
    return app, synth


class Turns:
    """A recorder that answers in turns: one FileRecorder per listening turn, in order; it
    fails loudly if the session listens more often than the test expected."""

    rate = 16000

    def __init__(self, *sources: Audio | Path) -> None:
        self.sources = list(sources)

    def stream(self):  # type: ignore[no-untyped-def]
        assert self.sources, "the session listened more often than the test expected"
        return FileRecorder(self.sources.pop(0)).stream()


def references() -> dict[str, str]:
    """Reference transcripts of the real speech files."""
    lines = (SPEECH / "references.tsv").read_text("utf-8").splitlines()
    return dict(line.split("\t", 1) for line in lines if "\t" in line)


def longest_loss(reference: str, hypothesis: str) -> int:
    """The most reference words in a row that the hypothesis lacks (after normalising): a
    dropped clause is a run of several, a misheard word a run of one or two."""
    import difflib

    ref, hyp = normalise(reference), normalise(hypothesis)
    longest, at = 0, 0
    for block in difflib.SequenceMatcher(None, ref, hyp, autojunk=False).get_matching_blocks():
        longest = max(longest, block.a - at)
        at = block.a + block.size
    return longest


@pytest.fixture(scope="session")
def speech() -> Path:
    """The folder of real human speech shared by the project. Missing, it fails the test,
    except in a quick run while working (`scripts/test --fast`), where such tests are skipped."""
    if not (SPEECH / "jfk.flac").is_file():
        if os.environ.get("VOICEGUIDE_FAST") == "1":
            pytest.skip(f"real speech is not at {SPEECH} (the full suite needs it)")
        pytest.fail(f"real speech missing at {SPEECH}")
    return SPEECH


@pytest.fixture
def voice(speech: Path) -> dict[str, Audio]:
    """Real speech: a 2.7-second answer, and a 1.2-second utterance that stands for a command."""
    answer = Audio.load(speech / "one_two_three.wav").for_speech(16000)
    short = Audio.load(speech / "jfk.flac").for_speech(16000).slice(0.2, 1.4)
    return {
        "answer": answer,
        "command": short,
        "answer+command": Audio.concat([answer, Audio.silence(1.0, 16000), short]),
    }


@pytest.fixture(scope="session")
def _virtual_audio_started() -> None:
    subprocess.run(
        [str(ROOT / "scripts" / "virtual-audio"), *([WORKER] if WORKER else [])],
        check=True,
        capture_output=True,
    )


@pytest.fixture
def virtual_audio(_virtual_audio_started: None) -> None:
    """PulseAudio with the virtual speaker and microphone, started if needed (never skipped);
    a server that has gone away since is named as the cause, not left to fail every test after
    it in its own way."""
    if subprocess.run(["pactl", "info"], capture_output=True).returncode != 0:
        pytest.fail("PulseAudio stopped during the run: the device tests after it cannot run.")


#: Silence played before each recording. The first moments of a new playback stream can be lost
#: while PulseAudio starts it (seen in CI: the first 0.2 s of "That's all.", heard then as "it's
#: good"; with the suite's four workers on 2 cores, more than half a second of it, again); a
#: person's voice has no such start, so the stream's start-up gets silence, not words.
LEAD_IN_SECONDS = 1.0


def as_wav16(source: Path, folder: Path) -> Path:
    """A 16-bit WAV copy of `source` (paplay mishandles 24-bit FLAC), after the lead-in."""
    data, rate = soundfile.read(str(source), dtype="float32", always_2d=True)
    lead_in = np.zeros((int(rate * LEAD_IN_SECONDS), data.shape[1]), np.float32)
    out = folder / (source.stem + ".16bit.wav")
    soundfile.write(str(out), np.concatenate([lead_in, data]), rate, subtype="PCM_16")
    return out


def said_by_piper(text: str, folder: Path, *, after: Path | None = None) -> Path:
    """`text` in the natural voice as a WAV file; with `after`, that recording, a pause, then it."""
    from voiceguide.audio.clip import Audio
    from voiceguide.engines.piper import PiperSynthesizer

    voice = PiperSynthesizer(rate=150).synthesize(text).for_speech(16000)
    parts = [voice]
    if after is not None:
        parts = [Audio.load(after).for_speech(16000), Audio.silence(1.2, 16000), voice]
    out = folder / ("piper-" + "".join(c for c in text.lower() if c.isalpha())[:24] + ".wav")
    Audio.concat(parts).save(out)
    return out


def speak_into_microphone(source: Path, folder: Path) -> None:
    """Play a recording into the virtual microphone, in real time."""
    subprocess.run(["paplay", f"--device={MIC_SINK}", str(as_wav16(source, folder))], check=True)


@contextlib.contextmanager
def record_speaker(path: Path) -> Iterator[Path]:
    """Record whatever is played on the virtual speaker into `path`."""
    proc = subprocess.Popen(
        [
            "parecord",
            f"--device={SPEAKER}.monitor",
            "--file-format=wav",
            "--channels=1",
            "--rate=16000",
            str(path),
        ]
    )
    try:
        # Recording has begun once parecord's stream is connected to the sound server and its
        # first sound (silence) has reached the file: connected, on a loaded machine, it was seen
        # to miss the first 3.5 s of what was played after it.
        wait_until(lambda: recording(proc.pid), 10, "parecord to start recording")
        wait_until(lambda: wav_seconds(path) > 0.1, 30, "parecord's first sound in its file")
        began = time.monotonic() - wav_seconds(path)  # the file's first moment, by the clock
        yield path
        # What is still on its way through the sound server is kept: the monitor sends sound
        # (silence, when nothing plays) without a break, so the file is whole once it holds
        # audio up to the server's latency, with margin, after the moment played ended. On a
        # busy machine parecord received it seconds late, and stopping it 0.5 s after the
        # command lost the last 10 s of a 13.5 s intention.
        until = time.monotonic() - began + 0.5
        wait_until(lambda: wav_seconds(path) >= until, 30, "parecord to catch up")
    finally:
        proc.terminate()
        proc.wait(timeout=10)


@contextlib.contextmanager
def busy(programs: int = 2) -> Iterator[None]:
    """A busy machine: `programs` other processes keeping the cores busy, as a browser or a
    build would, for as long as the block runs."""
    spinning = [
        subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(programs)
    ]
    try:
        yield
    finally:
        for proc in spinning:
            proc.kill()
            proc.wait()


def _mono(path: Path) -> tuple[np.ndarray, int]:
    data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    return data.mean(axis=1), rate


def playback_log(path: Path) -> str:
    """What VOICEGUIDE_PLAYBACK_LOG recorded of each output stream, in one line each: how much
    sound its callbacks took in how long, when the sound system ran dry, where the callbacks
    stopped for a while, and where they took sound faster than it can be played (sound taken
    then is lost unless it waits downstream)."""
    if not path.exists():
        return f"no playback log at {path}"
    said: list[str] = []
    for block in path.read_text("utf-8").split("# ")[1:]:
        head, *rows = block.strip().splitlines()
        rate = int(head.split(" Hz")[0].split()[-1])
        calls = [tuple(float(x) for x in row.split()) for row in rows]
        if not calls:
            continue
        t = np.array([c[0] for c in calls])
        asked = np.array([c[1] for c in calls]) / rate
        given = np.array([c[2] for c in calls]) / rate
        dry = [round(float(x), 2) for x, c in zip(t, calls, strict=True) if c[3]]
        gaps = [
            (round(float(a), 2), round(float(b - a), 2))
            for a, b in zip(t, t[1:], strict=False)
            if b - a > 0.3
        ]
        ahead = np.cumsum(asked) - t  # frames asked for beyond the time gone by
        beyond = ahead - np.minimum.accumulate(ahead)  # since the stream last kept to the clock
        fast = [
            (round(float(a), 2), round(float(b), 2))
            for a, b in zip(t, beyond, strict=True)
            if b > 0.5
        ][:5]
        said.append(
            f"{head}: {given.sum():.2f} s of sound taken in {t[-1]:.2f} s; dry at {dry}; "
            f"callbacks paused (at, for) {gaps}; taken ahead of the clock (at, by) {fast}"
        )
    return " | ".join(said)


def sounding_span(path: Path, threshold_db: float = -45.0) -> float:
    """Seconds from the first sound to the last in a file (louder than `threshold_db`): how
    long a session lasted for the listener, whenever the recording began."""
    mono, rate = _mono(path)
    loud = np.flatnonzero(np.abs(mono) > 10 ** (threshold_db / 20))
    return float((loud[-1] - loud[0]) / rate) if loud.size else 0.0


def dropouts(path: Path, threshold_db: float = -45.0) -> list[float]:
    """Gaps cut into the sound: stretches of digital silence (2 ms to 3 s) with sound on both
    sides within 30 ms, in seconds. What a stream that ran dry leaves; a voice, a bell and a
    pause between lines never do."""
    mono, rate = _mono(path)
    loud = np.abs(mono) > 10 ** (threshold_db / 20)
    silent = np.concatenate([[0], (np.abs(mono) < 2 / 32768).astype(np.int8), [0]])
    starts = np.flatnonzero(np.diff(silent) == 1)
    ends = np.flatnonzero(np.diff(silent) == -1)
    near = int(0.03 * rate)
    found = []
    for start, end in zip(starts, ends, strict=True):
        if not 0.002 * rate <= end - start <= 3 * rate or start < near or end + near > len(mono):
            continue
        if loud[start - near : start].any() and loud[end : end + near].any():
            found.append(round((end - start) / rate, 3))
    return found


def speech_seconds(path: Path, threshold_db: float = -45.0) -> float:
    """Seconds of a file louder than `threshold_db` (in 30 ms frames)."""
    data, rate = soundfile.read(str(path), dtype="float32", always_2d=True)
    mono = data.mean(axis=1)
    frame = int(rate * 0.03)
    frames = mono[: len(mono) // frame * frame].reshape(-1, frame)
    rms = np.sqrt(np.mean(frames**2, axis=1)) + 1e-12
    return float(np.sum(20 * np.log10(rms) > threshold_db) * frame / rate)


def spoken_stretches(audio, gap: float = 0.8, threshold_db: float = -45.0):  # type: ignore[no-untyped-def]
    """The stretches of `audio` (a voiceguide Audio) between silences of at least `gap` seconds."""
    mono = audio.mono().samples[:, 0]
    frame = int(audio.rate * 0.03)
    frames = mono[: len(mono) // frame * frame].reshape(-1, frame)
    loud = 20 * np.log10(np.sqrt(np.mean(frames**2, axis=1)) + 1e-12) > threshold_db
    stretches, start, quiet = [], None, 0
    for i, is_loud in enumerate(loud):
        if is_loud:
            start = i if start is None else start
            quiet = 0
        elif start is not None:
            quiet += 1
            if quiet * 0.03 >= gap:
                stretches.append((start, i - quiet + 1))
                start, quiet = None, 0
    if start is not None:
        stretches.append((start, len(loud)))
    pad = int(0.2 / 0.03)
    return [
        audio.slice(max(0, a - pad) * frame / audio.rate, (b + pad) * frame / audio.rate)
        for a, b in stretches
    ]


def heard_words(audio) -> str:  # type: ignore[no-untyped-def]
    """What a listener hears in a session: each spoken stretch transcribed on its own.

    Whisper given a whole meditation (minutes of silence between lines) may skip lines, which
    says nothing about how they sound; one line at a time it hears what a person would.
    """
    return heard_in(audio, None)


def heard_in(audio, word: str | None) -> str:  # type: ignore[no-untyped-def]
    """What a listener hears in a session up to the first spoken stretch that holds `word`
    (all of it, if none does or `word` is None): `heard_words` without hearing the rest of a
    long meditation once the word has been heard (minutes of Whisper on 2 cores)."""
    from voiceguide.engines.whisper import WhisperTranscriber

    whisper, heard = WhisperTranscriber.bundled(), []
    for piece in spoken_stretches(audio):
        heard.append(whisper.transcribe(piece))
        if word is not None and word in heard[-1].lower():
            break
    return " ".join(heard).strip()


class Run:
    """The installed `voiceguide` command, run as a person would, against one data folder."""

    def __init__(
        self,
        home: Path,
        extra: dict[str, str] | None = None,
        started: list[subprocess.Popen[str]] | None = None,
    ) -> None:
        self.home = home
        self.extra = extra or {}
        #: Every process `start` began; the fixture ends any still running after the test.
        self.started: list[subprocess.Popen[str]] = [] if started is None else started

    def returning_user(self) -> None:
        """The one-time safety notice already heard, and the one-time question whether their
        clinic asks for questionnaires answered "no" (both are tested on their own; elsewhere
        they would only add to the session)."""
        self.home.mkdir(mode=0o700, parents=True, exist_ok=True)
        (self.home / "notice-acknowledged").write_text("2026-01-01T00:00:00+00:00\n")
        config = self.home / "config.toml"
        if not config.exists():
            config.write_text('questionnaires = "none"\n')

    def with_env(self, extra: dict[str, str]) -> Run:
        """The same command and data folder, with more environment variables."""
        return Run(self.home, {**self.extra, **extra}, self.started)

    def env(self) -> dict[str, str]:
        env = dict(os.environ)
        env.pop("VOICEGUIDE_PASSPHRASE", None)
        env["VOICEGUIDE_HOME"] = str(self.home)
        env.update(self.extra)
        return env

    def __call__(self, *args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(VOICEGUIDE), *args],
            env=self.env(),
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
            timeout=timeout,
        )

    def start(self, *args: str) -> subprocess.Popen[str]:
        proc = subprocess.Popen(
            [str(VOICEGUIDE), *args],
            env=self.env(),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            stdin=subprocess.DEVNULL,
            text=True,
        )
        self.started.append(proc)
        return proc

    def end_all(self) -> None:
        """End every process this test started that still runs: a test that gives up on a
        process must not leave it playing into the virtual speaker of the tests after it."""
        for proc in self.started:
            if proc.poll() is None:
                proc.kill()
                proc.wait(timeout=30)


def wait_for_line(stream, prefix: str, timeout: float = 120.0) -> list[str]:  # type: ignore[no-untyped-def]
    """Read `stream` until a line starting with `prefix`; return the lines read."""
    seen: list[str] = []
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = stream.readline()
        if not line:
            break
        seen.append(line)
        if line.startswith(prefix):
            return seen
    raise AssertionError(f"no line starting with {prefix!r}; saw: {''.join(seen)}")


@pytest.fixture
def run(tmp_path: Path) -> Iterator[Run]:
    """Runs the installed command with a fresh data folder; ends what it started."""
    assert VOICEGUIDE.exists() or shutil.which("voiceguide"), "voiceguide is not installed"
    runner = Run(tmp_path / "home")
    try:
        yield runner
    finally:
        runner.end_all()


def wait_until(condition: Callable[[], bool], timeout: float, what: str) -> None:
    """Wait for `condition` to hold (checked every 20 ms); AssertionError naming `what` if it
    does not within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"gave up waiting {timeout:g} s for {what}")
        time.sleep(0.02)


def hold_the_interpreter(seconds: float) -> None:
    """Keep every other thread of this process waiting for `seconds` (a busy machine that does
    not give the program the processor), the speaker's stream callback with them."""
    switching = sys.getswitchinterval()
    sys.setswitchinterval(10.0)  # no other thread gets the interpreter before this one lets go
    try:
        until = time.monotonic() + seconds
        while time.monotonic() < until:
            pass
    finally:
        sys.setswitchinterval(switching)


def play_a_tone_held_up(player: Any, heard_file: Path, seconds: float, held: float) -> None:
    """A 440 Hz tone of `seconds` played through `player` (a SpeakerPlayer) and recorded off the
    speaker into `heard_file`; 3 s in, the program is held up for `held` seconds."""
    from voiceguide.audio.clip import Audio

    rate = 22050
    t = np.arange(int(rate * seconds)) / rate
    tone = Audio((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), rate)
    with record_speaker(heard_file):
        playing = threading.Thread(target=player.play, args=(tone,))
        playing.start()
        wait_until(
            lambda: wav_seconds(heard_file) > 0.5 and speech_seconds(heard_file) >= 3.0,
            30,
            "3 s of the tone",
        )
        hold_the_interpreter(held)
        playing.join(timeout=60)
        player.close()


def wav_seconds(path: Path, rate: int = 16000) -> float:
    """Seconds of 16-bit mono audio in a WAV file being written (its header not yet final)."""
    try:
        return max(0, path.stat().st_size - 44) / 2 / rate
    except FileNotFoundError:
        return 0.0


def recording(pid: int) -> bool:
    """Whether process `pid` has a recording stream open on the sound server."""
    listed = subprocess.run(["pactl", "list", "source-outputs"], capture_output=True, text=True)
    return f'application.process.id = "{pid}"' in listed.stdout


def playing(pid: int) -> bool:
    """Whether process `pid` has a playback stream open on the sound server."""
    listed = subprocess.run(["pactl", "list", "sink-inputs"], capture_output=True, text=True)
    return f'application.process.id = "{pid}"' in listed.stdout


def pytest_configure(config: pytest.Config) -> None:
    """A parallel worker's own speaker and microphone exist before its first test: even a test
    that needs no sound may speak (the first-run notice), and it must not fail for lack of a
    device or be heard by another test."""
    if WORKER:
        subprocess.run(
            [str(ROOT / "scripts" / "virtual-audio"), WORKER], check=True, capture_output=True
        )


#: Fixtures that mean a test is slow: it runs the installed command (a new process that loads
#: the speech engines, and may speak), or loads a real voice or speech model in this one.
SLOW_FIXTURES = {"run", "virtual_audio", "whisper", "piper_voice"}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Tests that run the installed command or load a real engine are marked slow (so that
    `scripts/test --fast` leaves them out). The device tests go first: they take longest, mostly
    waiting in real time, so parallel workers start them early and the quick ones fill the gaps."""
    for item in items:
        if SLOW_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: item.get_closest_marker("devices") is None)


#: VOICEGUIDE_TEST_PROFILE=FILE: each test's wall time and CPU time (this process and the
#: programs it started and waited for) are appended to FILE, one tab-separated line per test, to
#: find what makes the suite slow on 2 cores (it is CPU-bound, not waiting in real time).
PROFILE = os.environ.get("VOICEGUIDE_TEST_PROFILE")


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_protocol(item: pytest.Item) -> Iterator[None]:
    """Setup, call and teardown (where the programs a test started are ended and waited for)."""
    if not PROFILE:
        yield
        return
    import resource

    def cpu() -> tuple[float, float]:
        me = resource.getrusage(resource.RUSAGE_SELF)
        kids = resource.getrusage(resource.RUSAGE_CHILDREN)
        return me.ru_utime + me.ru_stime, kids.ru_utime + kids.ru_stime

    wall, (own, kids) = time.monotonic(), cpu()
    yield
    own2, kids2 = cpu()
    with open(PROFILE, "a", encoding="utf-8") as f:
        f.write(
            f"{item.nodeid}\t{time.monotonic() - wall:.1f}\t{own2 - own:.1f}\t{kids2 - kids:.1f}\n"
        )
