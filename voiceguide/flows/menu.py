"""The spoken menu: a greeting that fits where the person is in their infusion, what fits that
moment offered by voice, the choice understood in natural words and run, and again."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

from voiceguide.conversation import content
from voiceguide.errors import Recoverable
from voiceguide.flows import JourneyKit


class InfusionPhase(NamedTuple):
    """Where the person is in their infusion: "before", on the "day", right "after" (a
    reflection filed today), or in the "following" days; and the days since it."""

    name: str
    days: int | None


def infusion_phase(kit: JourneyKit) -> InfusionPhase:
    """The phase of the infusion the person is in now."""
    days = kit.journal.days_since_infusion()
    if days is not None:
        return InfusionPhase("after" if days == 0 else "following", days)
    if kit.journal.infusion_started_today():
        return InfusionPhase("day", 0)
    return InfusionPhase("before", None)


def actions(kit: JourneyKit) -> dict[str, Callable[[], object]]:
    """What each choice on the menu runs, by its key."""
    from voiceguide.flows import journal_tools, sessions
    from voiceguide.flows.intention import play_current, set_intention
    from voiceguide.flows.meditation import meditate

    return {
        "prepare": lambda: sessions.run_session(kit, "prepare"),
        "meditate": lambda: meditate(kit),
        "intention": lambda: set_intention(kit, scope="infusion"),
        "practice": lambda: meditate(kit, script="return-to-intention"),
        "play": lambda: play_current(kit),
        "reflect": lambda: sessions.run_session(kit, "reflect"),
        "going-forward": lambda: set_intention(kit, scope="going-forward"),
        "integrate": lambda: sessions.integrate(kit),
        "hear-going-forward": lambda: play_current(kit, scope="going-forward"),
        "recap": lambda: journal_tools.recap(kit),
        "note": lambda: sessions.run_session(kit, "note"),
        "brief": lambda: journal_tools.brief_by_voice(kit),
    }


def menu(kit: JourneyKit) -> None:
    """Greet, offer what fits the moment, understand the spoken choice and run it; again after
    each, until the person says stop or stays silent."""
    from voiceguide.conversation.commands import match_choice

    run = actions(kit)
    talk = kit.talk
    talk.get_ready_to_listen()
    talk.speak_script("menu")  # the first time, what voiceguide is and how to answer
    where, days = infusion_phase(kit)
    greeting = content.MENU_GREETING[where].format(days="a day" if days == 1 else f"{days} days")
    if where in ("before", "following") and kit.settings.questionnaires is None:
        kit = ask_about_questionnaires(kit)
    run.update(_questionnaires(kit))
    offered = _offers(kit, where)
    question = f"{greeting} {content.MENU_OFFER.format(options=spoken_list(offered))}"
    unclear = 0
    while True:
        capture = talk.reply(question, label="menu", hint=content.MENU_HINT, wait=20.0)
        if not capture.heard or not capture.text:
            talk.say(content.MENU_SILENT)
            return
        # Anything can be asked for by name, not only what was offered.
        choice = match_choice(capture.text, _words(kit))
        if choice is None:
            unclear += 1
            if unclear > 1:
                talk.say(content.MENU_GOODBYE)
                return
            names = [_label(k) for k in offered] + ["something else", "stop"]
            question = content.MENU_UNCLEAR.format(options=spoken_list(names, raw=True))
            continue
        unclear = 0
        if choice == "stop":
            talk.say(content.MENU_GOODBYE)
            return
        if choice == "explain":
            talk.explain_again(kit.script("menu"))
            continue
        if choice == "else":
            offered = tuple(content.MENU_LABELS) + kit.settings.chosen_questionnaires
            question = content.MENU_EVERYTHING.format(options=spoken_list(offered))
            continue
        try:
            run[choice]()
        except Recoverable as exc:  # e.g. no intention yet: say so, and offer again
            talk.say(exc.message)
        where, days = infusion_phase(kit)
        offered = _offers(kit, where)
        question = content.MENU_AGAIN.format(options=spoken_list(offered))


def ask_about_questionnaires(kit: JourneyKit) -> JourneyKit:
    """Once: whether the person's clinic asks for the PHQ-9 or GAD-7; the answer is kept as
    the setting `questionnaires` (both, or none), so that they are offered only after a yes."""
    import dataclasses

    from voiceguide.settings import save_setting

    yes = kit.talk.confirm(content.QUESTIONNAIRE_ASK)
    settings = save_setting(kit.settings.home, "questionnaires", "phq9,gad7" if yes else "none")
    kit.talk.say(content.QUESTIONNAIRE_YES if yes else content.QUESTIONNAIRE_NO)
    chosen = dataclasses.replace(kit.settings, questionnaires=settings.questionnaires)
    return dataclasses.replace(kit, settings=chosen)


def _questionnaires(kit: JourneyKit) -> dict[str, Callable[[], object]]:
    """The questionnaires said yes to, as menu choices."""
    from voiceguide.flows.questionnaire import questionnaire

    def asking(key: str) -> Callable[[], object]:
        return lambda: questionnaire(kit, key)

    return {key: asking(key) for key in kit.settings.chosen_questionnaires}


def _offers(kit: JourneyKit, where: str) -> tuple[str, ...]:
    """What the menu offers now: what fits the moment, and a questionnaire said yes to once
    it is due (before the next infusion, or weekly)."""
    from voiceguide.flows.questionnaire import due

    return content.MENU_OFFERS[where] + tuple(
        key for key in kit.settings.chosen_questionnaires if due(kit, key)
    )


def _words(kit: JourneyKit) -> dict[str, tuple[str, ...]]:
    chosen = kit.settings.chosen_questionnaires
    return {**content.MENU_WORDS, **{k: content.QUESTIONNAIRE_WORDS[k] for k in chosen}}


def _label(key: str) -> str:
    return content.MENU_LABELS.get(key) or content.QUESTIONNAIRE_LABELS[key]


def spoken_list(items: Iterable[str], *, raw: bool = False) -> str:
    """'a, b, or c' from menu keys (or, with raw, from words as they are)."""
    words = list(items) if raw else [_label(k) for k in items]
    if len(words) <= 1:
        return "".join(words)
    return ", ".join(words[:-1]) + ", or " + words[-1]
