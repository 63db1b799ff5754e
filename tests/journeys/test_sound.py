"""Sessions that sound like a real guided meditation: the natural voice, loudness for spoken
word, bells and ambient beds that duck under the voice, the synthesis cache, and voices."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyloudnorm
import pytest
import soundfile
from conftest import Run
from scipy.signal import resample_poly

from voiceguide.audio.clip import Audio
from voiceguide.audio.sounds import AMBIENTS, ambient_bed, ambient_dir
from voiceguide.engines.fakes import ToneSynthesizer
from voiceguide.engines.voicecache import CachedSynthesizer
from voiceguide.guidance.library import Library
from voiceguide.guidance.parser import parse
from voiceguide.guidance.render import render_session

pytestmark = pytest.mark.slow


def lufs(audio: Audio) -> float:
    """Integrated loudness, measured independently with pyloudnorm (BS.1770-4)."""
    meter = pyloudnorm.Meter(audio.rate)
    return float(meter.integrated_loudness(audio.samples.astype(np.float64)))


def dbtp(audio: Audio) -> float:
    """True peak (4x oversampled with scipy), in dBTP."""
    over = resample_poly(audio.samples.astype(np.float64), 4, 1, axis=0)
    return float(20 * np.log10(np.max(np.abs(over))))


@pytest.fixture(scope="module")
def piper_voice(tmp_path_factory: pytest.TempPathFactory) -> CachedSynthesizer:
    from voiceguide.engines.piper import PiperSynthesizer

    return CachedSynthesizer(PiperSynthesizer(rate=135), tmp_path_factory.mktemp("cache"))


@pytest.fixture(scope="module")
def grounding() -> object:
    return Library(Path("/nonexistent")).load("grounding")


@pytest.mark.parametrize("ambient", ["none", "surf", "drone"])
def test_a_rendered_session_is_at_spoken_word_loudness(
    piper_voice: CachedSynthesizer, grounding: object, ambient: str
) -> None:
    rendered = render_session(grounding, piper_voice, minutes=5, ambient=ambient)  # type: ignore[arg-type]
    assert rendered.audio.duration == pytest.approx(300, abs=0.01)
    assert lufs(rendered.audio) == pytest.approx(-16.0, abs=1.0)
    assert dbtp(rendered.audio) <= -1.0


def test_the_bed_fills_the_pauses_and_ducks_under_the_voice(tmp_path: Path) -> None:
    script = parse("Breathe in, and let it go.\n[pause 20s]\nAnd again, slowly.\n[pause 20s]\n")
    synth = ToneSynthesizer(seconds_per_word=0.4)
    quiet = render_session(script, synth, minutes=1, lead_in=0, level=False)
    bedded = render_session(script, synth, minutes=1, lead_in=0, level=False, ambient="rain")
    rate = quiet.audio.rate
    bed = bedded.audio.samples[:, 0] - quiet.audio.samples[:, 0]

    def rms_db(x: np.ndarray) -> float:
        return float(20 * np.log10(np.sqrt(np.mean(x**2)) + 1e-12))

    first_line = 6 * 0.4  # seconds
    pause = slice(int((first_line + 8) * rate), int((first_line + 12) * rate))
    # Without a bed, a pause is digital silence; with one, it is soft but there.
    assert not np.any(quiet.audio.samples[pause])
    assert -60 < rms_db(bed[pause]) < -30
    # Under the voice the bed ducks by several decibels (fading in at the start aside).
    second = first_line + (60 - first_line - 3 * 0.4) / 2  # where the second line starts
    later_line = slice(int((second + 0.1) * rate), int((second + 1.1) * rate))
    assert rms_db(bed[later_line]) < rms_db(bed[pause]) - 5


@pytest.mark.parametrize("name", AMBIENTS)
def test_each_bed_loops_without_a_seam(name: str) -> None:
    bed = ambient_bed(name, 22050)
    assert (ambient_dir() / f"{name}.flac").is_file()
    assert 20 <= bed.duration <= 60
    x = bed.samples[:, 0]
    twice = np.concatenate([x, x])
    seam = len(x)
    # The jump across the seam is no bigger than the signal's ordinary sample-to-sample steps.
    steps = np.abs(np.diff(x))
    assert abs(twice[seam] - twice[seam - 1]) <= np.percentile(steps, 99.9)
    # And the level just before and after the seam matches (no drop or bump when it repeats).
    window = 2205
    before = np.sqrt(np.mean(twice[seam - window : seam] ** 2))
    after = np.sqrt(np.mean(twice[seam : seam + window] ** 2))
    assert abs(20 * np.log10(after / before)) < 3.0


def test_the_natural_voice_reads_a_session_intelligibly(piper_voice: CachedSynthesizer) -> None:
    from conftest import wer

    from voiceguide.engines.whisper import WhisperTranscriber

    script = parse("Let your body settle where it feels supported, and let your eyes close.\n")
    rendered = render_session(script, piper_voice, minutes=1, lead_in=0.5)
    heard = WhisperTranscriber.bundled().transcribe(rendered.audio.for_speech(16000))
    assert wer(script.steps[0].text, heard) <= 0.10, heard  # type: ignore[union-attr]


def test_each_line_is_synthesized_once_and_then_comes_from_the_cache(tmp_path: Path) -> None:
    class Counting(ToneSynthesizer):
        calls = 0

        def synthesize(self, text: str) -> Audio:
            Counting.calls += 1
            return super().synthesize(text)

    inner = Counting()
    grounding = Library(tmp_path).load("grounding")
    first = render_session(grounding, CachedSynthesizer(inner, tmp_path / "c"), minutes=5)
    made = Counting.calls
    assert made >= 15
    again = CachedSynthesizer(inner, tmp_path / "c")
    second = render_session(grounding, again, minutes=5)
    assert Counting.calls == made and again.misses == 0 and again.hits >= 15
    assert np.array_equal(first.audio.samples, second.audio.samples)
    # Another rate is another voice: nothing is shared with it.
    inner.rate = 12345
    other = CachedSynthesizer(inner, tmp_path / "c")
    render_session(grounding, other, minutes=5)
    assert other.hits == 0


def test_a_cut_short_or_linked_cache_entry_is_made_again_never_played(tmp_path: Path) -> None:
    """A cache file cut short (a crash or a full disk, or copied in) was played as it was, and
    a link in the cache brought whatever it pointed at into a meditation: both are made again
    by the voice, and the link is replaced, never written through."""
    voice = ToneSynthesizer()
    cache = CachedSynthesizer(voice, tmp_path / "c")
    whole = cache.synthesize("Breathe in.")
    cache.synthesize("Breathe out.")
    cut = cache.path("Breathe in.")
    cut.write_bytes(cut.read_bytes()[: cut.stat().st_size // 2])
    elsewhere = tmp_path / "elsewhere.wav"
    Audio(np.full(22050, 0.9, np.float32), 22050).save(elsewhere)
    linked = cache.path("Breathe out.")
    linked.unlink()
    linked.symlink_to(elsewhere)
    again = CachedSynthesizer(voice, tmp_path / "c")
    said = again.synthesize("Breathe in.")
    assert again.misses == 1 and said.frames == whole.frames
    out = again.synthesize("Breathe out.")
    assert again.misses == 2 and out.peak() < 0.9
    assert not linked.is_symlink() and Audio.load(elsewhere).peak() == pytest.approx(0.9, abs=1e-3)


def test_voices_are_listed_and_an_unknown_voice_is_a_clear_error(run: Run) -> None:
    listed = run("voices")
    assert listed.returncode == 0
    assert "piper" in listed.stdout and "system" in listed.stdout and "(in use)" in listed.stdout
    wrong = run("--voice", "robot", "meditate", "--out", "/tmp/x.wav")
    assert wrong.returncode == 1
    assert "no voice called 'robot'" in wrong.stderr and "piper" in wrong.stderr
    assert "Traceback" not in wrong.stderr


def test_settings_and_the_ambient_choice_are_remembered(run: Run, tmp_path: Path) -> None:
    assert run("config", "set", "speech-rate", "140").returncode == 0
    bad = run("config", "set", "volume", "500")
    assert bad.returncode == 1 and "volume" in bad.stderr
    out = tmp_path / "m.flac"
    result = run("meditate", "--minutes", "2", "--ambient", "surf", "--out", str(out))
    assert result.returncode == 0, result.stderr
    shown = run("config", "show").stdout
    assert "ambient = surf" in shown and "speech-rate = 140" in shown
    assert "bad" not in (run.home / "config.toml").read_text("utf-8")
    wrong = run("meditate", "--ambient", "waves", "--out", str(out))
    assert wrong.returncode == 1 and "drone, rain, surf" in wrong.stderr
    assert soundfile.info(str(out)).duration == pytest.approx(120, abs=0.05)


@pytest.mark.parametrize("suffix", [".wav", ".flac", ".ogg", ".mp3"])
def test_export_writes_each_format_with_a_title(run: Run, tmp_path: Path, suffix: str) -> None:
    out = tmp_path / f"session{suffix}"
    result = run("meditate", "--script", "return-to-intention", "--out", str(out))
    assert result.returncode == 0, result.stderr
    import json
    import subprocess

    probe = subprocess.run(
        [
            "ffprobe",
            "-v",
            "quiet",
            "-print_format",
            "json",
            "-show_format",
            "-show_streams",
            str(out),
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    info = json.loads(probe.stdout)
    fmt = info["format"]
    tags = {k.lower(): v for k, v in fmt.get("tags", {}).items()}
    for stream in info["streams"]:  # Ogg Vorbis keeps its comments on the stream
        tags |= {k.lower(): v for k, v in stream.get("tags", {}).items()}
    assert "Return to your intention" in tags.get("title", ""), tags
    assert float(fmt["duration"]) == pytest.approx(180, abs=0.5)


@pytest.mark.parametrize("ambient", AMBIENTS)
def test_the_voice_stays_intelligible_over_every_bed(
    piper_voice: CachedSynthesizer, ambient: str
) -> None:
    from conftest import wer

    from voiceguide.engines.whisper import WhisperTranscriber

    text = "Notice where your body meets the chair beneath you. Let it hold your weight."
    script = parse(f"[pause 8s]\n{text}\n[pause 8s]\n")
    rendered = render_session(script, piper_voice, minutes=1, ambient=ambient)
    heard = WhisperTranscriber.bundled().transcribe(rendered.audio.for_speech(16000))
    assert wer(text, heard) <= 0.10, heard


@pytest.mark.slow
def test_a_meditation_is_read_at_a_meditation_teachers_pace(tmp_path: Path) -> None:
    """The lines of the 2-minute grounding meditation are read at a median of 110 to 130 words
    a minute (each line's words over the length of its sound, its breaths between phrases
    included), as meditation teachers read, and the session still lasts exactly two minutes."""
    import statistics

    from voiceguide.engines import default_synthesizer
    from voiceguide.guidance.render import render_session
    from voiceguide.guidance.script import Say
    from voiceguide.settings import load_settings

    voice = default_synthesizer(load_settings(home=tmp_path), meditation=True)
    session = Library(tmp_path).load("grounding", builtin=True)
    lines = [s.text for s in session.steps if isinstance(s, Say) and s.level <= 1]

    def seconds(audio: Audio) -> float:
        loud = np.flatnonzero(np.abs(audio.samples[:, 0]) > 0.01)
        return float(loud[-1] - loud[0]) / audio.rate

    pace = [len(line.split()) / seconds(voice.synthesize(line)) * 60 for line in lines]
    assert 110 <= statistics.median(pace) <= 130, sorted(round(p) for p in pace)
    assert render_session(session, voice, minutes=2).audio.duration == pytest.approx(120, abs=0.01)
