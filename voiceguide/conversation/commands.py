"""Understanding short spoken replies: voice commands while answering, and choices from a menu.

Whisper transcribes; this small matcher decides. It ignores filler words ("um", "please",
"okay") and forgives near-misses of a word ("meditaton", "skipp"), so "Um, skip this one please"
is `skip`. A command is only ever a short utterance of its own: the caller passes the last phrase
of an answer, never words from inside it.
"""

from __future__ import annotations

import dataclasses
import difflib
import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from voiceguide.audio.clip import Audio
    from voiceguide.interfaces import Transcriber

#: Each command and the ways people say it.
COMMANDS: dict[str, tuple[str, ...]] = {
    "repeat": (
        "repeat",
        "repeat that",
        "repeat the question",
        "say that again",
        "say it again",
        "again please",
        "what was the question",
        "can you repeat",
        "can you repeat that",
        "could you repeat that",
        "say again",
        "pardon",
    ),
    "skip": ("skip", "skip this", "skip this one", "skip that", "skip it", "pass"),
    # One meaning each. Finishing an answer: the next question follows at once.
    "next": (
        "next",
        "next question",
        "next one",
        "move on",
        "thats all",
        "that is all",
        "thats it",
        "that is it",
        "im done",
        "i am done",
        "done",
        "all done",
        "im finished",
        "i am finished",
        "finished",
    ),
    "back": ("go back", "back", "previous", "previous question", "the last question"),
    # Ending the session, after keeping everything said.
    "stop": (
        "stop",
        "lets stop",
        "lets stop here",
        "stop here",
        "stop now",
        "i want to stop",
        "i would like to stop",
        "id like to stop",
        "end the session",
        "end",
    ),
    "cancel": ("cancel", "cancel this", "cancel that", "cancel everything", "cancel it"),
    "more": (
        "tell me more",
        "more",
        "explain",
        "explain more",
        "explain that",
        "explain please",
        "can you explain",
        "what does that mean",
        "i dont understand",
    ),
}

FILLERS = frozenset(
    "um umm uh uhh er erm hmm mm ah oh ok okay so well please now just then right yeah "
    "and thanks thank".split()
)
#: The longest a command phrase may be, in seconds: longer is an answer, not a command.
MAX_COMMAND_SECONDS = 3.5  # the phrase, with the pause around it that its segment holds
_MAX_WORDS = 5


def words(text: str) -> list[str]:
    """Lower-case words, apostrophes dropped ("That's" -> thats)."""
    return re.findall(r"[a-z0-9]+", text.lower().replace("'", "").replace("\u2019", ""))


def _core(text: str) -> list[str]:
    return [w for w in words(text) if w not in FILLERS]


def _similar(said: list[str], phrase: str) -> float:
    return difflib.SequenceMatcher(None, " ".join(said), phrase).ratio()


def match_command(text: str, seconds: float = 0.0) -> str | None:
    """The command a short utterance gives, or None (also for anything long: that is content)."""
    if seconds > MAX_COMMAND_SECONDS:
        return None
    said = _core(text)
    if not said or len(words(text)) > _MAX_WORDS + 2 or len(said) > _MAX_WORDS:
        return None
    best, best_score = None, 0.0
    for command, phrases in COMMANDS.items():
        for phrase in phrases:
            score = _similar(said, phrase)
            if score > best_score:
                best, best_score = command, score
    return best if best_score >= 0.84 else None


#: The commands, as words that bias the decoder when a short last utterance is heard again.
HOTWORDS = (
    "That's all, next, I'm done, let's stop here, skip, repeat, go back, cancel, tell me more"
)
#: One way to say each command, scored against the audio when the words heard match none.
SCORED = {
    "That's all.": "next",
    "I'm done.": "next",
    "Stop.": "stop",
    "Let's stop here.": "stop",
    "Skip.": "skip",
    "Next.": "next",
    "Repeat.": "repeat",
    "Go back.": "back",
    "Cancel.": "cancel",
    "Tell me more.": "more",
}
#: How much less likely (mean log-probability per token) a command may be than the words heard:
#: within SURE it is the command (an unusual voice: "Nice oil" for "That's all"); within ASK it
#: may be, so the person is asked; beyond, it is words. Measured on the command battery in seven
#: voices and on short answers: commands 0.0-0.3 (one slow espeak "Next." 0.8, heard as "Yeah,
#: I can"), look-alike answers ("The sea.", "Nice oil.") 0.5, other answers 1.5 and more.
SURE_GAP = 0.3
ASK_GAP = 0.9
_MAX_SCORED_WORDS = 3


@dataclasses.dataclass(frozen=True, slots=True)
class Understood:
    """What a short last utterance was: a command (sure, or worth asking about), or words."""

    command: str | None
    sure: bool
    heard: str


def understand_command(text: str, audio: Audio, transcriber: Transcriber | None) -> Understood:
    """Whether a short utterance said on its own (`text`, as first transcribed) is a command.

    The words are matched first. When they match no command, a transcriber that can score
    phrases hears the utterance again with the commands as hotwords, and scores each command
    against what it heard: robust to accents, slow speech and unusual voices.
    """
    seconds = audio.duration
    if command := match_command(text, seconds):
        return Understood(command, True, text)
    if seconds > MAX_COMMAND_SECONDS or len(_core(text)) > _MAX_SCORED_WORDS:
        return Understood(None, False, text)
    from voiceguide.interfaces import CommandScorer

    if not isinstance(transcriber, CommandScorer):
        return Understood(None, False, text)
    heard, scores = transcriber.command_scores(audio, tuple(SCORED))
    if command := match_command(heard, seconds):
        return Understood(command, True, heard)
    if not _core(heard):
        return Understood(None, False, text)
    best = max(SCORED, key=lambda phrase: scores[phrase])
    gap = scores[heard] - scores[best]
    if gap <= SURE_GAP:
        return Understood(SCORED[best], True, heard)
    if gap <= ASK_GAP:
        return Understood(SCORED[best], False, heard)
    return Understood(None, False, text)


#: How each command is named when the person is asked whether they meant it.
SPOKEN = {
    "stop": "stop",
    "skip": "skip",
    "next": "that's all",
    "repeat": "repeat",
    "back": "go back",
    "cancel": "cancel",
    "more": "tell me more",
}


def match_choice(text: str, choices: dict[str, tuple[str, ...]]) -> str | None:
    """Which of `choices` (name -> the words that point to it) a reply names; None when it
    names none, or more than one equally ("reflect or meditate?")."""
    said = _core(text)
    if not said:
        return None
    scores: dict[str, float] = {}
    for name, keys in choices.items():
        score = 0.0
        for key in keys:
            key_words = key.split()
            hits = sum(1 for k in key_words if any(_close(w, k) for w in said))
            if hits == len(key_words):
                score = max(score, len(key_words) + 0.1 * len(key))  # the fullest key wins
        if score:
            scores[name] = score
    if not scores:
        return None
    ranked = sorted(scores.items(), key=lambda kv: kv[1], reverse=True)
    if len(ranked) > 1 and ranked[0][1] - ranked[1][1] < 0.5:
        return None
    return ranked[0][0]


def _close(word: str, key: str) -> bool:
    if word == key:
        return True
    if len(word) < 4:
        return False  # "not" is not "note"
    if len(key) >= 5 and (word.startswith(key[:5]) and key.startswith(word[:5])):
        return True  # meditate, meditation, meditating
    return len(key) >= 4 and difflib.SequenceMatcher(None, word, key).ratio() >= 0.85
