"""voiceguide's speaker through PulseAudio is added to ALSA's configuration for its own process
only: before PortAudio reads it, after what is already there, and never on disk."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from voiceguide.engines import sound_device

OURS = str(Path(sound_device.__file__).with_name("pulse-speaker.conf"))


@pytest.fixture
def before_portaudio(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A process that has not started PortAudio yet, on a machine whose ALSA configuration is
    a file of the test's own."""
    monkeypatch.delitem(sys.modules, "sounddevice", raising=False)
    # Set, then removed: monkeypatch puts back what was there before (here: nothing) only for a
    # variable it has changed, and delenv of an absent one changes nothing. Left behind, the
    # path this test makes (a configuration with no speaker at all) was read by every program
    # the test worker started after it, and PortAudio, finding no device, aborted (ci41, ci42).
    monkeypatch.setenv("ALSA_CONFIG_PATH", "")
    monkeypatch.delenv("ALSA_CONFIG_PATH")
    alsa = tmp_path / "alsa.conf"
    alsa.write_text("# ALSA's own configuration\n")
    monkeypatch.setattr(sound_device, "ALSA_CONFIG", alsa)
    return alsa


def test_the_speaker_comes_after_alsas_own_configuration(
    before_portaudio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    sound_device._add_pulse_speaker()
    sound_device._add_pulse_speaker()  # once only
    assert sound_device.os.environ["ALSA_CONFIG_PATH"] == f"{before_portaudio}:{OURS}"
    text = Path(OURS).read_text()
    assert f"pcm.{sound_device.PULSE_SPEAKER} " in text and "handle_underrun false" in text


def test_a_configuration_path_already_set_is_kept(
    before_portaudio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("ALSA_CONFIG_PATH", "/etc/mine.conf")
    sound_device._add_pulse_speaker()
    assert sound_device.os.environ["ALSA_CONFIG_PATH"] == f"/etc/mine.conf:{OURS}"


def test_nothing_is_added_where_alsa_keeps_its_configuration_elsewhere(
    before_portaudio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    before_portaudio.unlink()
    sound_device._add_pulse_speaker()
    assert "ALSA_CONFIG_PATH" not in sound_device.os.environ


def test_nothing_changes_once_portaudio_has_read_it(
    before_portaudio: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "sounddevice", object())
    sound_device._add_pulse_speaker()
    assert "ALSA_CONFIG_PATH" not in sound_device.os.environ
