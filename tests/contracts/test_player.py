"""The Player contract, run against the collecting fake and the real speaker."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pytest
from conftest import (
    record_speaker,
    speech_seconds,
    wait_until,
)

from voiceguide.audio.clip import Audio
from voiceguide.engines.fakes import (
    CollectingPlayer,
)
from voiceguide.interfaces import Player


def _chime(seconds: float = 2.0) -> Audio:
    t = np.arange(int(22050 * seconds)) / 22050
    return Audio((0.3 * np.sin(2 * np.pi * 440 * t)).astype(np.float32), 22050)


class Heard:
    """A player, and how many seconds of sound it has put out so far."""

    def __init__(self, player: Player, seconds: Callable[[], float]) -> None:
        self.player = player
        self.seconds = seconds


@pytest.fixture(params=["collecting", pytest.param("speaker", marks=pytest.mark.devices)])
def heard(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Heard]:
    if request.param == "collecting":
        collecting = CollectingPlayer()
        yield Heard(collecting, lambda: collecting.seconds)
        return
    request.getfixturevalue("virtual_audio")
    from voiceguide.engines.sound_device import SpeakerPlayer

    with record_speaker(tmp_path / "heard.wav") as recording:
        yield Heard(SpeakerPlayer(), lambda: speech_seconds(recording))


def test_a_player_plays_all_of_the_audio_and_returns_when_it_has(heard: Heard) -> None:
    assert isinstance(heard.player, Player)
    started = time.monotonic()
    heard.player.play(_chime(2.0))
    elapsed = time.monotonic() - started
    if not isinstance(heard.player, CollectingPlayer):
        # It blocks until played, in real time (with the sound system's start, and the
        # silence that opens and closes a stream so that none of it is lost).
        assert 1.9 <= elapsed <= 4.0 + heard.player.opening_and_closing
        wait_until(lambda: heard.seconds() >= 1.7, 5, "the chime to be recorded")
    assert 1.7 <= heard.seconds() <= 2.5


def test_a_stream_plays_its_pieces_back_to_back_and_says_where_it_is(heard: Heard) -> None:
    positions: list[float] = []
    pieces = [_chime(0.5) for _ in range(4)]
    done = heard.player.play_stream(iter(pieces), on_position=positions.append)
    assert done is True
    assert positions == sorted(positions) and positions[-1] == pytest.approx(2.0, abs=0.05)
    if not isinstance(heard.player, CollectingPlayer):
        wait_until(lambda: heard.seconds() >= 1.7, 5, "the stream to be recorded")
    assert 1.7 <= heard.seconds() <= 2.5


def test_a_stream_holds_while_paused_and_ends_early_when_quit(heard: Heard) -> None:
    from voiceguide.interfaces import Controls

    controls = Controls()
    positions: list[float] = []

    def on_position(seconds: float) -> None:
        positions.append(seconds)
        if seconds >= 0.5 and not controls.paused.is_set() and not controls.quit.is_set():
            controls.paused.set()  # half a second in: pause
        if seconds < 0 and sum(1 for p in positions if p < 0) >= 5:
            controls.quit.set()  # paused for a while: quit

    pieces = (_chime(0.25) for _ in range(16))  # four seconds in all
    done = heard.player.play_stream(pieces, controls=controls, on_position=on_position)
    assert done is False
    held = [p for p in positions if p < 0]
    assert held and all(abs(p) == abs(held[0]) for p in held)  # nothing advanced while paused
    assert 0.5 <= abs(held[0]) <= 1.0
    assert max(positions) < 1.5
    assert heard.seconds() < 2.0
