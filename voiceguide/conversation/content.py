"""The few short lines voiceguide says between sessions; every session itself is a script.

The sessions (meditations, preparation, reflection, integration, the notice) are plain-text
scripts in `voiceguide/scripts/`, which a person can replace with their own.
"""

from __future__ import annotations

INTENTION_QUESTIONS = {
    "infusion": "What is your intention?",
    "series": "What is your intention for this series of infusions?",
    "going-forward": "What is your intention going forward?",
}
INTENTION_HEADINGS = {
    "infusion": "Intention",
    "series": "Intention for the series",
    "going-forward": "Intention going forward",
}
INTENTION_SCRIPTS = {
    "infusion": "intention",
    "series": "intention-series",
    "going-forward": "intention-going-forward",
}
INTENTION_REPLACE = (
    "Until now, your intention was: {old}. Shall I keep the new one in its place? "
    "Please say yes or no."
)
INTENTION_SAVED = "It is saved, and you can hear it again any time."
#: Said before the person's own intention is played from the menu: which one it is.
INTENTION_WHICH = {
    "infusion": "Here is your intention for infusion {number}, in your own voice.",
    "series": "Here is your intention for your series of infusions, in your own voice.",
    "going-forward": "Here is your intention going forward, in your own voice.",
}
INTENTION_KEPT = "All right. Your intention stays as it was: {old}."

#: What voiceguide keeps in the person's own words is read back before it is kept.
READ_BACK = "I heard: {text}. Is that right?"
SAY_AGAIN = "Would you like to say it again?"
KEPT_UNSURE = (
    "All right. I have kept your recording just as you said it, and marked the words as not "
    "yet checked. You can correct them later."
)

#: Primes the transcriber for the kind of answer expected (it is never spoken).
MOOD_HINT = "From zero to ten: six. Seven. About a five. 8."
YES_NO_HINT = "Would you like to? Yes, please. No, thank you."

MOOD_AGAIN = "I did not catch a number. From zero to ten, which number fits best right now?"
MOOD_HEARD = "{a_mood}. Thank you."
MOOD_SKIPPED = "That is all right; we will leave it for today."

OFFER_LATER = {
    "therapist": (
        "All right. Whenever something comes up that you want to bring to your therapist, just "
        "tell me, and I will keep it for your next session."
    ),
    "intention": "All right. Whenever you are ready, we can set it together; just ask.",
    "going-forward": "All right. Whenever you are ready, we can set it together; just ask.",
}

INFUSION_NEXT = "Infusion {number} begins. From now on, your entries are filed under it."

RECAP_OPENING = "Before your next infusion, here is what you carried away from the last one."
RECAP_GOING_FORWARD = "Your intention going forward, in your own words."
RECAP_REFLECTION = "And from your reflection{after}, on {when}, you said:"
BRIEF_NOT_SAFE = (
    "The file is not encrypted, so keep it somewhere safe. Nothing is sent anywhere: you "
    "decide who sees it."
)
BRIEF_AUDIO_ASK = (
    "Would you like short clips of your own voice in it, one beside each of your sentences, "
    "so your therapist can hear how you said them? Say yes, or no."
)
BRIEF_AUDIO_TYPE = "Put short clips of your own voice in it, beside your sentences? (y/n) "
BRIEF_WITHOUT_VOICE = (
    "There is no microphone to ask with, so the brief is written without your voice. "
    "To put it in: voiceguide brief --out FILE.html --with-audio."
)
BRIEF_MISSING_GLYPHS = (
    "Some characters of your words ({chars}) have no font on this computer, so the PDF shows "
    "gaps there; a brief saved as .html or .md keeps every one."
)
BRIEF_WRITTEN = "Your brief is ready. I saved it as {name}, in your {folder} folder."
RECAP_THEMES = "Across your journal, some words keep coming back: {themes}."
RECAP_CLOSING = "Take a moment with these words. They are yours to bring with you."

# -- voice commands while answering --------------------------------------------------------------
MIC_CHECK = (
    "Let's check your microphone. After the tone, say a sentence in your usual voice, for "
    "example: today I am taking good care of myself."
)
#: Said once, the first time a long pause comes: after that, a soft tone is enough.
CHECK_FIRST = (
    "No hurry at all. If there is more, just carry on. When you have finished, you can say "
    "that's all, or simply stay quiet for a little while."
)
#: Asked when a short last utterance may have been a command, or may have been words.
COMMAND_MAYBE = "Did you say {command}?"
COMMAND_MAYBE_NO = "All right, I have kept those words with your answer."
COMMAND_REPEAT = "Of course. Here is the question again."
COMMAND_SKIP = "All right, let's leave that one."
COMMAND_BACK = "Let's go back to the question before."
COMMAND_NO_BACK = "This is the first question, so here it is again."
COMMAND_STOP = "All right. We'll stop here, and I'll keep what you said."
CANCEL_CONFIRM = (
    "Do you want to stop now without saving anything from this session? Please say yes or no."
)
CANCELLED = "All right. Nothing from this session was saved."
NOT_CANCELLED = "Good, we'll carry on. Here is the question again."

# -- the spoken menu -------------------------------------------------------------------------------
MENU_GREETING = {
    "before": "Hello. Your next infusion is still ahead of you.",
    "day": "Hello. Today is the day of your infusion.",
    "after": "Welcome back. Take all the time you need.",
    "following": "Hello. It has been {days} since your infusion.",
}
MENU_OFFER = "Would you like to {options}? You can also say something else, or stop."
MENU_AGAIN = (
    "Is there anything else you would like? You can {options}, say something else, or stop."
)
MENU_EVERYTHING = "Here is everything I can do. You can {options}. Or say stop."
MENU_UNCLEAR = "I'm sorry, I didn't quite catch that. You can say: {options}."
MENU_GOODBYE = "Thank you. Take good care of yourself. Goodbye."
MENU_SILENT = "It's all right. I'm here whenever you need me. Goodbye."
MENU_HINT = "I'd like to reflect. Meditate. Play my intention. Something else. Stop."
MENU_LABELS = {
    "prepare": "prepare for your infusion",
    "meditate": "do a grounding meditation",
    "intention": "set your intention",
    "practice": "take a short moment with your intention",
    "play": "hear your intention",
    "reflect": "reflect on your infusion",
    "going-forward": "set your intention going forward",
    "integrate": "do your daily check-in",
    "hear-going-forward": "hear your intention going forward",
    "recap": "hear a recap of your last reflection",
    "note": "keep a note for your therapist",
    "brief": "make a page for your therapist",
}
#: What each choice may be called, in a few words (see conversation.commands.match_choice).
MENU_WORDS = {
    "note": ("note for my therapist", "therapist", "note", "question for my therapist"),
    "prepare": ("prepare", "preparation", "get ready", "preparing"),
    "meditate": ("meditate", "meditation", "grounding", "relax"),
    "intention": (
        "set intention",
        "new intention",
        "record intention",
        "say intention",
        "intention",
    ),
    "practice": ("practice", "short moment", "moment with intention", "return"),
    "play": ("play intention", "hear intention", "listen intention", "play"),
    "reflect": ("reflect", "reflection", "journal", "talk"),
    "going-forward": ("going forward", "intention going forward", "set intention going forward"),
    "integrate": ("check in", "checkin", "daily", "integrate", "integration"),
    "hear-going-forward": (
        "hear going forward",
        "play going forward",
        "hear intention going forward",
        "play intention going forward",
        "listen intention going forward",
    ),
    "recap": ("recap", "remind", "summary"),
    "brief": (
        "page therapist",
        "therapist page",
        "make page",
        "page",
        "brief",
        "report",
        "pdf",
        "therapist read",
        "write therapist",
    ),  # fmt: skip
    "explain": ("tell me more", "explain", "help", "how does this work", "what is this"),
    "else": ("something else", "else", "other", "everything", "more", "options"),
    "stop": (
        "stop",
        "goodbye",
        "bye",
        "nothing",
        "no thanks",
        "exit",
        "quit",
        "thats all",
        "done",
        "no",
        "not",
        "later",
        "not now",
        "maybe later",
    ),  # fmt: skip
}
MENU_OFFERS = {
    "before": ("prepare", "meditate", "intention"),
    "day": ("practice", "play", "reflect"),
    "after": ("reflect", "going-forward"),
    "following": ("integrate", "hear-going-forward", "recap", "brief"),
}

# -- short practices -----------------------------------------------------------------------------
#: What a meditation too long for the minutes asked for offers instead.
SHORT_PRACTICE = "breathing-space"
SHORTER_INSTEAD = "The shortest {title} is {least}; here is a {length} breathing space instead."


# -- no speaker ----------------------------------------------------------------------------------
SAVED_NO_SPEAKER = (
    "{problem} The session was saved to {path} instead; play it with any audio player "
    "(for example: ffplay -nodisp -autoexit {path})."
)

# -- the daily reminder --------------------------------------------------------------------------
REMINDER_SPOKEN = (
    "Hello. Today's integration check-in is ready whenever you are. "
    "When you have a quiet moment, open voiceguide and choose the check-in."
)
REMINDER_TITLE = "voiceguide"
# -- the questionnaires (their items are read as published: voiceguide/instruments.toml) -------
QUESTIONNAIRE_INTRO = (
    "This is the {title}: {count} short questions that your clinic asks. For each one, say how "
    "often it has bothered you: not at all, several days, more than half the days, or nearly "
    "every day. Your own words are fine too, like a couple of days, or most days."
)
QUESTIONNAIRE_ITEM = "Question {n} of {count}. {item}."
QUESTIONNAIRE_HINT = "Not at all. Several days. More than half the days. Nearly every day."
QUESTIONNAIRE_CHOICES = "You can answer {choices}. {item}."
QUESTIONNAIRE_LEFT = "Let's leave that one unanswered for now."
QUESTIONNAIRE_NOTHING = "Nothing was answered, so nothing was kept."
QUESTIONNAIRE_UNSCORED = (
    "Thank you. Not every question was answered, so the {title} has no total this time. What "
    "you said is kept."
)
QUESTIONNAIRE_SCORE = (
    "Thank you. Your {title} total is {total} out of {most}, which the questionnaire calls {band}."
)
#: Said at once when the PHQ-9's ninth item is answered above "not at all" (tested word for
#: word); the person's own numbers follow when they have set them.
SAFETY_MESSAGE = (
    "Thank you for telling me. That can be hard to say. Please contact your clinic or your "
    "therapist today. If you are in danger right now, call your local emergency number."
)
SAFETY_NUMBERS = "The numbers you have set are: {numbers}."
SAFETY_GO_ON = "When you are ready, we will go on."
QUESTIONNAIRE_ASK = (
    "One question before we start. Does your clinic ask you to fill in the PHQ-9 or the GAD-7, "
    "the short questionnaires about mood and worry? If so, I can ask them for you, by voice."
)
QUESTIONNAIRE_YES = (
    "All right. I will offer them when they are due: before your next infusion, and once a "
    "week. You can also say the PHQ-9, or the GAD-7, at any time."
)
QUESTIONNAIRE_NO = "All right. I won't ask about them."
QUESTIONNAIRE_LABELS = {"phq9": "answer the PHQ-9", "gad7": "answer the GAD-7"}
QUESTIONNAIRE_WORDS = {
    "phq9": ("phq", "phq 9", "phq9", "p h q", "mood questionnaire", "depression questionnaire"),
    "gad7": ("gad", "gad 7", "gad7", "g a d", "anxiety questionnaire", "worry questionnaire"),
}
#: Said at the start of a journey when recordings from the inbox folder were filed.
INBOX_FILED = "I filed {count} from your phone folder in your journal."
INBOX_GONE = "Your phone folder, {folder}, is not there just now, so nothing new was filed from it."
INBOX_UNREAD = "In your phone folder, voiceguide could not read {names}; they are left as they are."
REMINDER_NOTICE = "Today's integration check-in is ready: voiceguide integrate."
REMINDER_SET = (
    "A daily reminder is set for {at}, kept by {where}. (voiceguide remind off removes it.)"
)
REMINDER_NONE = "No reminder is set. (voiceguide remind daily 20:00 sets one.)"
REMINDER_OFF = "The daily reminder is removed."
REMINDER_OFFER = (
    "In these weeks after an infusion, a short check-in every day helps. Would you like a "
    "gentle reminder each evening at eight? Say yes, or no."
)
REMINDER_OFFER_TIME = (20, 0)
REMINDER_SET_SPOKEN = (
    "All right. I will remind you every evening at eight. You can change the time, or turn the "
    "reminder off, whenever you like."
)
