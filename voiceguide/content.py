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
INTENTION_READBACK = "Thank you. I heard: {text}. It is saved, and you can hear it again any time."

#: Primes the transcriber for the kind of answer expected (it is never spoken).
MOOD_HINT = "From zero to ten: six. Seven. About a five. 8."
YES_NO_HINT = "Would you like to? Yes, please. No, thank you."

MOOD_AGAIN = "I did not catch a number. From zero to ten, which number fits best right now?"
MOOD_HEARD = "Thank you. {mood} out of ten."
MOOD_SKIPPED = "That is all right; we will leave it for today."

OFFER_LATER = {
    "intention": (
        "All right. Whenever you are ready, you can set it with: voiceguide intention set."
    ),
    "going-forward": (
        "All right. Whenever you are ready, you can set it with: voiceguide intention set, "
        "going forward."
    ),
}

INFUSION_NEXT = "Infusion {number} begins. From now on, your entries are filed under it."

RECAP_OPENING = "Before your next infusion, here is what you carried away from the last one."
RECAP_GOING_FORWARD = "Your intention going forward, in your own words."
RECAP_REFLECTION = "And from your reflection{after}, on {when}, you said:"
RECAP_CLOSING = "Take a moment with these words. They are yours to bring with you."
