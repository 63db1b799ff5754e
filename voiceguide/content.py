"""What voiceguide says. Written for people before and after a ketamine infusion: warm, plain, slow.

Nothing here is medical advice; the program points to the clinic, the therapist or emergency
services and never assesses anyone.
"""

from __future__ import annotations

from voiceguide.session import Say

NOTICE = (
    "A note before we begin. voiceguide is not a medical device and it is not therapy, and it "
    "gives no medical advice. If you are in crisis, please contact your clinic, your therapist, "
    "or your local emergency number."
)

GROUNDING_MEDITATION: tuple[Say, ...] = (
    Say("Welcome. This is a grounding meditation, to help you settle before your infusion.", 3),
    Say("Let your body settle where it feels supported, and let your eyes close.", 5),
    Say("Or, if you prefer, let your gaze rest softly on the floor.", 4, level=1),
    Say("Take a slow breath in through your nose, and let it go slowly, all the way out.", 6),
    Say(
        "Let your shoulders drop a little. Soften your jaw, and the space between your eyes.",
        10,
        level=1,
    ),
    Say(
        "Notice where your body meets the chair or the bed beneath you. Let it hold your "
        "weight for a while.",
        8,
    ),
    Say("Feel your feet, and the ground under them, steady and still.", 10, level=1),
    Say(
        "Now let your breath find its own pace. There is nothing to fix, and nowhere else to be.",
        12,
        level=1,
    ),
    Say("Breathe in, and feel your belly rise. Breathe out, and feel it fall.", 12, level=1),
    Say(
        "Let your attention move slowly up through your body, from your feet to your legs, "
        "your hips, your chest, your face, noticing, without changing anything.",
        15,
        level=2,
    ),
    Say(
        "If your thoughts start to race, that is all right. Notice them, and gently come back "
        "to the feeling of your breath.",
        15,
    ),
    Say(
        "Notice the sounds around you, near and far. Let them come and go, like weather.",
        15,
        level=2,
    ),
    Say("Each breath out is a small chance to let go of a little more.", 15, level=1),
    Say(
        "If you notice tension anywhere, breathe towards it, and let it be there, softly.",
        15,
        level=2,
    ),
    Say(
        "Now bring your intention to mind. A few words, or just one. Let it rest with you, "
        "like an anchor.",
        15,
    ),
    Say(
        "If anything feels hard during the infusion, take a deep breath, and come back to "
        "your intention.",
        12,
    ),
    Say("Your preparation is done. You can let go now, and stay open to whatever shows up.", 10),
    Say(
        "When you are ready, take one more deep breath, and let your attention return to the room.",
        3,
    ),
)

INTENTION_INTRO = (
    "Let's set your intention for the infusion. An intention can be something you hope for, "
    "a way of being, or just a word or two. For example: being at peace. Surrendering to the "
    "experience. Kindness towards myself. Freedom from pain. During the infusion, if something "
    "feels hard, you can take a deep breath and come back to it. After the tone, say your "
    "intention, then stay quiet for a few seconds."
)

GOING_FORWARD_INTRO = (
    "Let's set an intention going forward: a way to carry what you found into the days ahead. "
    "For example: I will meditate every day. Be patient with myself. Do one thing each day that "
    "makes me happy. Be grateful. After the tone, say your intention going forward, then stay "
    "quiet for a few seconds."
)

INTENTION_READBACK = "Thank you. I heard: {text}. It is saved, and you can hear it again any time."

REFLECT_INTRO = (
    "Welcome back. Take your time; there is no hurry. I will ask a few questions. After each "
    "tone, answer in your own words, as much or as little as you like. When you fall quiet for "
    "a few seconds, I will move on."
)

REFLECT_QUESTIONS = (
    "What did you see, hear or feel during the infusion?",
    "What stands out for you most, now that it is over?",
    "Is there anything you want to remember from today?",
)

QUICK_QUESTION = "How was the infusion for you? Say whatever comes to mind."

REFLECT_DONE = (
    "Thank you. Your reflection is saved in your journal. Rest now, and be gentle with yourself."
)
