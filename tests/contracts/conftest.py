"""What the contract suites share: the engines that implement the optional interfaces."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(params=["whisper"])
def scoring_engine(request: pytest.FixtureRequest) -> Any:
    """Each engine that can time, score and weigh what it hears (only Whisper so far; a new
    one joins the timed, command and reading contracts by being named here)."""
    from voiceguide.engines.whisper import WhisperTranscriber

    return WhisperTranscriber.bundled()
