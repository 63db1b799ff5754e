"""The speaker's output callback, called as PortAudio calls it, on a stream that only keeps the
callback (no sound system): what it gives right after the sound system has run dry."""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

from voiceguide.engines.sound_device import DRY_CALLS_SILENT, SpeakerPlayer, _Output

BLOCK = 1000


class _Stream:
    """sounddevice.OutputStream as the player uses it; the test calls its callback."""

    def __init__(self, *, samplerate: int, latency: float, callback: Any, **_: Any) -> None:
        self.samplerate, self.latency, self.callback = samplerate, latency, callback

    def start(self) -> None: ...

    def abort(self) -> None: ...

    def close(self) -> None: ...


class _SoundDevice:
    OutputStream = _Stream

    class PortAudioError(Exception): ...


@dataclasses.dataclass
class _Status:
    output_underflow: bool


@dataclasses.dataclass
class _Timing:
    outputBufferDacTime: float = 0.0  # noqa: N815 (PortAudio's names)
    currentTime: float = 0.0  # noqa: N815


def _calls(out: _Output, dry: list[bool]) -> list[np.ndarray]:
    blocks = []
    for flag in dry:
        block = np.full((BLOCK, 1), np.nan, np.float32)
        out.callback(block, BLOCK, _Timing(), _Status(flag))
        blocks.append(block[:, 0].copy())
    return blocks


def _stream_with(sound: np.ndarray) -> _Output:
    out = _Output(SpeakerPlayer(), _SoundDevice(), None, 16000, 1)
    out.buffer.put(sound[:, None])  # after the silence a stream opens with
    return out


def test_blocks_asked_for_right_after_the_sound_system_ran_dry_are_silence_and_keep_the_sound() -> (
    None
):
    """As a stream opened in a fresh-clone run beside two busy loops: one block, then 45 in a row
    each saying the sound system had run dry (and went to streams started again at once, never
    heard), then blocks as usual. Everything of the sound is in the blocks that are heard, from
    its first sample, in order."""
    sound = np.linspace(0.1, 0.9, 3 * 16000, dtype=np.float32)
    out = _stream_with(sound)
    dry = [False] + [True] * 45 + [False] * 70
    blocks = _calls(out, dry)
    assert all(not block.any() for block, flag in zip(blocks, dry, strict=True) if flag)
    heard = np.concatenate([b for b, flag in zip(blocks, dry, strict=True) if not flag])
    assert not np.isnan(heard).any()
    played = heard[np.flatnonzero(heard)[0] :]
    np.testing.assert_array_equal(played[: len(sound)], sound)
    assert out.player.underruns == 45


def test_a_stream_that_stays_dry_still_plays_its_sound() -> None:
    """A stream that never recovers must not hold the sound back for ever (`play` would never
    return): past DRY_CALLS_SILENT calls in a row, the sound goes on."""
    sound = np.linspace(0.1, 0.9, 16000, dtype=np.float32)
    out = _stream_with(sound)
    blocks = _calls(out, [True] * (DRY_CALLS_SILENT + 30))
    assert not any(b.any() for b in blocks[:DRY_CALLS_SILENT])
    assert np.concatenate(blocks[DRY_CALLS_SILENT:]).any()
