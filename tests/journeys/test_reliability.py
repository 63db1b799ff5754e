"""Nothing lost, nothing leaves the machine, nothing readable by others."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import threading
from pathlib import Path

import numpy as np
import pytest
import soundfile
from conftest import (
    VOICEGUIDE,
    Run,
    references,
    speak_into_microphone,
    wait_for_line,
    wait_until,
    wav_seconds,
    wer,
)

from voiceguide.app import Voiceguide
from voiceguide.audio.capture import CaptureWriter
from voiceguide.audio.clip import Audio
from voiceguide.engines.fakes import (
    CollectingPlayer,
    FileRecorder,
    ScriptedTranscriber,
    ToneSynthesizer,
)
from voiceguide.errors import EngineError
from voiceguide.journal.entry import parse_markdown
from voiceguide.journal.lock import data_lock
from voiceguide.settings import load_settings


def entries(home: Path) -> list[Path]:
    return sorted((home / "journal").glob("*/*/*/*.md"))


def assert_private(home: Path) -> None:
    for folder, _dirs, files in os.walk(home):
        assert stat.S_IMODE(os.stat(folder).st_mode) == 0o700, folder
        for name in files:
            path = Path(folder) / name
            assert stat.S_IMODE(path.stat().st_mode) == 0o600, path


@pytest.mark.devices
def test_kill_9_mid_answer_then_recover(
    run: Run, speech: Path, virtual_audio: None, tmp_path: Path
) -> None:
    proc = run.start("reflect", "--infusion", "5")
    wait_for_line(proc.stderr, "Listening")
    speaker = threading.Thread(target=speak_into_microphone, args=(speech / "jfk.flac", tmp_path))
    speaker.start()
    # Mid-sentence: once eight seconds of the answer are on disk.
    recordings = run.home / "recordings"
    wait_until(
        lambda: any(wav_seconds(p) >= 8 for p in recordings.glob("*.wav")), 60, "8 s recorded"
    )
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    speaker.join()
    assert entries(run.home) == []
    [left] = (run.home / "recordings").glob("*.wav")
    assert left.stat().st_size > 16000 * 2 * 5  # at most about a second at risk

    result = run("recover")
    assert result.returncode == 0, result.stderr
    assert "Recovered" in result.stderr
    [md] = entries(run.home)
    entry = parse_markdown(md.read_text("utf-8"))
    assert entry.get("recovered") is True and entry.kind == "reflection" and entry.infusion == 5
    assert entry.answers[0].question.startswith("What did you see")
    said = entry.answers[0].text
    assert len(said.split()) >= 6
    assert wer(references()["jfk.flac"], said) <= 0.6  # the start of the sentence, cut off
    assert soundfile.info(str(md.parent / entry.audio[0])).duration >= 6.0
    assert not list((run.home / "recordings").glob("*"))
    assert_private(run.home)


def test_every_start_quietly_files_unfinished_recordings(run: Run, speech: Path) -> None:
    (run.home / "recordings").mkdir(parents=True)
    writer = CaptureWriter(
        run.home / "recordings" / "cut.wav",
        16000,
        meta={"kind": "intention", "scope": "infusion", "question": "What is your intention?"},
    )
    writer.write(Audio.load(speech / "jfk.flac").for_speech().to_int16()[:, 0])
    # ... and the process dies without closing the file
    result = run("journal", "list")
    assert result.returncode == 0, result.stderr
    assert "Recovered" in result.stderr
    assert "intention" in result.stdout and "And so my fellow" in result.stdout
    shown = run("intention", "show")
    assert wer(references()["jfk.flac"], shown.stdout) <= 0.1


def test_a_second_voiceguide_waits_for_the_first(run: Run, speech: Path) -> None:
    run.home.mkdir(mode=0o700, parents=True)
    with data_lock(run.home):
        busy = run("journal", "import", str(speech / "one_two_three.wav"))
    assert busy.returncode == 1
    assert "Another voiceguide is using" in busy.stderr and "Traceback" not in busy.stderr
    assert entries(run.home) == []

    with data_lock(run.home):  # released only once the second one says it is waiting
        proc = run.start("journal", "import", str(speech / "one_two_three.wav"))
        told = wait_for_line(proc.stderr, "Another voiceguide is using the journal; waiting")
    out, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, "".join(told) + err
    assert len(entries(run.home)) == 1


class BrokenTranscriber:
    engine, model = "whisper", "tiny.en"

    def transcribe(self, audio: Audio, *, prompt: str | None = None) -> str:
        raise EngineError("the model crashed")


def test_a_failed_transcription_keeps_the_audio_and_retry_fills_it_in(
    run: Run, speech: Path
) -> None:
    app = Voiceguide(
        load_settings(home=run.home, silence=2.0),
        synthesizer=ToneSynthesizer(),
        player=CollectingPlayer(),
        recorder=FileRecorder(speech / "jfk.flac"),
        transcriber=BrokenTranscriber(),
        stop=threading.Event(),
        show=lambda t: None,
        inform=lambda t: None,
    )
    entry = app.reflect(quick=True)
    [md] = entries(run.home)
    assert "transcript: pending" in md.read_text("utf-8")
    assert entry.answers[0].pending and entry.audio

    listed = run("journal", "list")
    assert listed.returncode == 0
    result = run("journal", "retry")
    assert result.returncode == 0, result.stderr
    fixed = parse_markdown(md.read_text("utf-8"))
    assert not fixed.answers[0].pending and "pending" not in md.read_text("utf-8")
    assert wer(references()["jfk.flac"], fixed.text) <= 0.1
    again = run("journal", "retry")
    assert again.returncode == 0 and "already" in again.stderr


def _no_network(trace: Path) -> None:
    """Fail on any socket but a local (AF_UNIX) one in an strace log: `unshare -n` alone cannot
    catch a lookup that fails quietly (onnxruntime's telemetry was seen to try one)."""
    calls = trace.read_text().splitlines()
    network = [c for c in calls if ("socket(" in c or "connect(" in c) and "AF_UNIX" not in c]
    assert not network, "\n".join(network[:10])


@pytest.mark.devices
def test_the_main_journeys_work_with_no_network_at_all(
    run: Run, speech: Path, virtual_audio: None, tmp_path: Path
) -> None:
    def offline(name: str) -> list[str]:
        trace = tmp_path / f"{name}.strace"
        traces.append(trace)
        return ["unshare", "--net", "--", "strace", "-f", "-qq", "-e", "trace=socket,connect",
                "-o", str(trace)]  # fmt: skip

    traces: list[Path] = []
    check = subprocess.run(
        ["unshare", "--net", "--", "python3", "-c",
         "import socket; socket.create_connection(('127.0.0.1', 9), 1)"],
        capture_output=True,
    )  # fmt: skip
    assert check.returncode != 0  # really no network in there
    env = run.env()
    env.pop("HF_HUB_OFFLINE", None)
    proc = subprocess.Popen(
        [*offline("reflect"), str(VOICEGUIDE), "reflect", "--quick", "--silence", "3"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        stdin=subprocess.DEVNULL,
    )
    wait_for_line(proc.stderr, "Listening")
    speak_into_microphone(speech / "jfk.flac", tmp_path)
    _, err = proc.communicate(timeout=120)
    assert proc.returncode == 0, err
    [md] = entries(run.home)
    assert wer(references()["jfk.flac"], parse_markdown(md.read_text("utf-8")).text) <= 0.1

    def offline_run(name: str, *args: str, **extra: str) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [*offline(name), str(VOICEGUIDE), *args],
            env={**env, **extra},
            capture_output=True,
            text=True,
            stdin=subprocess.DEVNULL,
        )
        assert result.returncode == 0, result.stderr
        return result

    # The natural voice (piper on onnxruntime), Whisper with its VAD, import, encryption, export.
    offline_run("meditate", "meditate", "--minutes", "2", "--out", str(tmp_path / "m.mp3"))
    result = offline_run("transcribe", "transcribe", str(speech / "jfk.flac"))
    assert wer(references()["jfk.flac"], result.stdout) <= 0.1
    offline_run("import", "journal", "import", str(speech / "one_two_three.wav"))
    offline_run("encrypt", "encrypt", VOICEGUIDE_PASSPHRASE="pw")
    offline_run("export", "journal", "export", "--out", str(tmp_path / "exp"),
                VOICEGUIDE_PASSPHRASE="pw")  # fmt: skip
    for trace in traces:
        _no_network(trace)
    assert_private(run.home)


@pytest.fixture
def small_disk(tmp_path: Path):  # type: ignore[no-untyped-def]
    mount = tmp_path / "small"
    mount.mkdir()
    subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=400k,mode=0700", "tmpfs", str(mount)], check=True
    )
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_a_disk_that_fills_during_a_recording_keeps_what_fits(
    small_disk: Path, speech: Path
) -> None:
    home = small_disk / "home"
    app = Voiceguide(
        load_settings(home=home, silence=2.0),
        synthesizer=ToneSynthesizer(),
        player=CollectingPlayer(),
        recorder=FileRecorder(Audio.concat([Audio.load(speech / "jfk.flac").for_speech()] * 3)),
        transcriber=ScriptedTranscriber(["x"] * 10),
        stop=threading.Event(),
        show=lambda t: None,
        inform=lambda t: None,
    )
    from voiceguide.errors import DiskFullError

    with pytest.raises(DiskFullError, match="disk is full") as caught:
        app.reflect(quick=True)
    [kept] = (home / "recordings").glob("*.wav")
    assert str(kept) in caught.value.message
    audio = Audio.load(kept)
    assert 5.0 < audio.duration < 14.0
    assert np.abs(audio.samples).max() > 0.1
