"""The ReadingScorer contract: of two readings of the same audio, the one that was said is
better supported (the merge of the two passes over an answer decides by it)."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import references

from voiceguide.audio.clip import Audio
from voiceguide.interfaces import ReadingScorer

pytestmark = pytest.mark.slow


@pytest.fixture
def scorer(scoring_engine: ReadingScorer) -> ReadingScorer:
    return scoring_engine


def test_what_was_said_is_better_supported_than_a_reading_with_a_hole(
    scorer: ReadingScorer, speech: Path
) -> None:
    assert isinstance(scorer, ReadingScorer)
    said = references()["jfk.flac"]
    holed = said.replace("ask not what your country can do for you", "")
    wrong = said.replace("country", "county")
    scores = scorer.support(Audio.load(speech / "jfk.flac"), [said, holed, wrong])
    assert len(scores) == 3
    assert scores[0] > scores[1] and scores[0] > scores[2], scores
