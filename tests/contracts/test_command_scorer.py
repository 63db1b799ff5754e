"""The CommandScorer contract: a short utterance heard with the commands expected, and each
command scored against it, the one said best of all."""

from __future__ import annotations

import pytest
from battery import COMMAND_PHRASES, command

from voiceguide.conversation.commands import SCORED
from voiceguide.interfaces import CommandScorer

pytestmark = pytest.mark.slow


@pytest.fixture
def scorer(scoring_engine: CommandScorer) -> CommandScorer:
    return scoring_engine


@pytest.mark.parametrize("said", ["that's all", "stop"])
def test_the_command_said_scores_best(scorer: CommandScorer, said: str) -> None:
    assert isinstance(scorer, CommandScorer)
    audio = command(said, "piper")
    phrases = tuple(SCORED)
    heard, scores = scorer.command_scores(audio, phrases)
    assert set(phrases) <= set(scores) and heard in scores
    best = max(phrases, key=lambda phrase: scores[phrase])
    assert SCORED[best] == COMMAND_PHRASES[said][0], scores
    assert all(score <= 0 for score in scores.values())  # log-probabilities
