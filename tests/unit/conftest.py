"""Unit tests leave the process as they found it."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

#: Set for the whole process by the engine that needs it, the first time it loads (the same value
#: every time): whichever test loads it first sets them, as the program does.
SET_BY_ENGINES = {"HF_HUB_OFFLINE", "HF_HUB_DISABLE_TELEMETRY", "OMP_WAIT_POLICY"}
#: pytest's own, naming the test that runs.
SET_BY_PYTEST = {"PYTEST_CURRENT_TEST"}


@pytest.fixture(autouse=True)
def _environment_left_as_found() -> Iterator[None]:
    """A unit test that changes an environment variable and leaves it changed fails: the rest
    of the test worker, and every program it starts, would run in it (an ALSA configuration
    left behind by one made PortAudio abort in the device tests that ran after it)."""
    before = dict(os.environ)
    yield
    changed = sorted(
        name
        for name in before.keys() | os.environ.keys()
        if before.get(name) != os.environ.get(name) and name not in SET_BY_ENGINES | SET_BY_PYTEST
    )
    assert not changed, f"the test left these environment variables changed: {changed}"
