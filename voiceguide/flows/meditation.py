"""Meditate: a script rendered to an exact length, played at once (or written to a file); and
`during`, the person's intention and long silences, quietly, looping through the infusion."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from voiceguide.audio.clip import Audio
from voiceguide.audio.loudness import at_volume
from voiceguide.conversation import content
from voiceguide.errors import NoDeviceError, UsageError, check_minutes
from voiceguide.flows import JourneyKit
from voiceguide.fsutil import check_output_path, private_dir
from voiceguide.guidance.render import (
    LEAD_IN,
    Cancelled,
    Rendered,
    Voice,
    at_least_seconds,
    render_natural,
    render_session,
    render_step,
    shortest_minutes,
    shortest_seconds,
    too_short,
)
from voiceguide.guidance.script import Script
from voiceguide.home import Home
from voiceguide.interfaces import Synthesizer
from voiceguide.wording import minutes_phrase


def meditate(
    kit: JourneyKit,
    *,
    minutes: float | None = None,
    out: Path | None = None,
    script: str = "grounding",
    ambient: str | None = None,
    remember: bool = False,
) -> Path | None:
    """Render a meditation script; play it, or write it to `out` (returns a saved path).
    `remember`: the ambient bed asked for is kept as the person's setting."""
    from voiceguide.audio.sounds import check_ambient

    if remember and ambient is not None:
        from voiceguide.settings import save_setting

        save_setting(kit.settings.home, "ambient", check_ambient(ambient))
    ambient = check_ambient(ambient or kit.settings.ambient)
    session = kit.script(script)
    if session.asks:
        raise UsageError(
            f"The script {script!r} asks questions, so it is not a meditation.",
            hint="Meditations are scripts without [listen], [mood] or [offer] steps.",
        )
    if minutes is None:  # 0 is a value (and refused below), not "not given"
        minutes = session.minutes or 10.0
    check_minutes(minutes)
    if out is not None:
        check_output_path(out)
    voice = kit.engines.session_voice(meditation=True)
    session, script = _fit_minutes(kit, session, script, minutes, voice)
    length = minutes

    def render(cancel: threading.Event | None = None) -> Rendered:
        return render_session(
            session, voice, minutes=length, context=kit.context(), ambient=ambient,
            cancel=cancel,
        )  # fmt: skip

    title = f"voiceguide: {session.title}, {minutes_phrase(minutes)}"
    if out is not None:
        at_volume(render().audio, session.volume).save(out, title=title)
        kit.inform(f"Saved the {minutes:g}-minute session to {out}.")
        return out
    kit.inform(
        f"Playing {session.title.lower()}, {minutes_phrase(minutes)}. "
        "Space pauses, q stops (Ctrl-C too)."
    )
    try:
        finished = _play_session(kit, session, render, minutes=minutes)
    except NoDeviceError as exc:
        folder = private_dir(Home(kit.settings.home).sessions)
        path = folder / f"meditation-{script}-{kit.clock.now():%Y-%m-%d-%H%M%S}.flac"
        at_volume(render().audio, session.volume).save(path, title=title)
        kit.inform(content.SAVED_NO_SPEAKER.format(problem=exc.message, path=path))
        return path
    if not finished:
        kit.inform("Stopped.")
    return None


def shortest(kit: JourneyKit, session: Script) -> float:
    """The fewest minutes a meditation can be played in (its plain lines only)."""
    voice = kit.engines.session_voice(meditation=True)
    seconds = shortest_seconds(session, voice, context=kit.context())
    return max(1.0, shortest_minutes(seconds))


def _fit_minutes(
    kit: JourneyKit, session: Script, script: str, minutes: float, voice: Synthesizer
) -> tuple[Script, str]:
    """The session to play in `minutes`: this one, or, when even its plain lines need more
    time, the breathing space, said so (the voice is never sped up to fit)."""
    least = at_least_seconds(session)  # far too long is known before a word is said
    if least <= minutes * 60:
        least = shortest_seconds(session, voice, context=kit.context())
    if minutes * 60 >= least:
        return session, script
    instead = kit.script(content.SHORT_PRACTICE)
    if script == content.SHORT_PRACTICE or minutes * 60 < shortest_seconds(
        instead, voice, context=kit.context()
    ):
        raise too_short(least)
    kit.inform(
        content.SHORTER_INSTEAD.format(
            title=session.title.lower(),
            least=minutes_phrase(shortest_minutes(least)),
            length="one-minute" if minutes == 1 else f"{minutes:g}-minute",
        )
    )
    return instead, content.SHORT_PRACTICE


def _play_session(
    kit: JourneyKit,
    session: Script,
    render: Callable[[threading.Event], Rendered],
    *,
    minutes: float,
) -> bool:
    """Play a meditation, starting with its first step while the rest is prepared."""
    from voiceguide.guidance.playback import Progress, play_pieces, silence_while
    from voiceguide.terminal import keyboard_controls

    voice = Voice(kit.engines.session_voice(meditation=True))
    lead_in = LEAD_IN  # the same as the full render's, which playback continues into
    first, _ = render_step(session.steps[0], voice, kit.context())
    rate = first.rate if first is not None else (voice.rate or voice("Breathe.").rate)
    opening = [Audio.silence(lead_in, rate)] + ([first] if first is not None else [])
    rest = _Rendering(render)
    progress = Progress(minutes * 60)
    played = {"frames": 0}

    def pieces() -> Iterator[Audio]:
        for piece in opening:
            played["frames"] += piece.frames
            yield at_volume(piece, session.volume)
            # The rest is prepared once sound is on its way (after the lead-in, which always
            # comes first): loading a voice at the same time would hold back the first sound
            # (0.8 s instead of 0.3 s, cold, 2 cores).
            rest.start()
        for piece in silence_while(rest.done, rate):
            played["frames"] += piece.frames
            yield piece
        if rest.error is not None:
            raise rest.error
        assert rest.rendered is not None
        yield from _resumed(rest.rendered, session.volume, played["frames"])

    def on_position(seconds: float) -> None:
        done = rest.rendered
        where = done.step_at(abs(seconds)) if done is not None else session.title
        progress.show(abs(seconds), where, paused=seconds < 0)

    with keyboard_controls() as controls:
        try:
            return play_pieces(
                kit.engines.player, pieces(), controls=controls, on_position=on_position
            )
        finally:
            progress.close()
            # Stopped early: the rendering stops too, and is waited for (a thread still in
            # the voice engine when the process ends aborts it).
            rest.stop()


class _Rendering:
    """The rest of a session, rendered in a thread of its own while its start plays."""

    def __init__(self, render: Callable[[threading.Event], Rendered]) -> None:
        self.render = render
        self.done = threading.Event()
        self.cancel = threading.Event()
        self.rendered: Rendered | None = None
        self.error: BaseException | None = None  # raised once playback reaches it
        self.thread: threading.Thread | None = None

    def start(self) -> None:
        if self.thread is None:
            self.thread = threading.Thread(target=self._run, name="render", daemon=True)
            self.thread.start()

    def _run(self) -> None:
        try:
            self.rendered = self.render(self.cancel)
        except Cancelled:
            pass
        except BaseException as exc:
            self.error = exc
        finally:
            self.done.set()

    def stop(self) -> None:
        self.cancel.set()
        if self.thread is not None:
            self.thread.join()


def _resumed(rendered: Rendered, volume: float, played: int) -> Iterator[Audio]:
    """The rendered session from where playback has got to (`played` frames), in half-second
    pieces. Held up past the first line by a slow start (the voice loaded, every line said for
    the first time, on a busy machine), the first line comes now, never cut into, and the
    pauses after it give back the time."""
    audio = at_volume(rendered.audio, volume)
    start = min(played, audio.frames)
    first_line = next((at for at, _ in rendered.marks[1:]), None)
    if first_line is not None and start > first_line * audio.rate:
        late = start / audio.rate - first_line
        audio = rendered.with_shorter_pauses(audio, late, after=first_line)
        start = int(first_line * audio.rate)
    step = audio.rate // 2
    for at in range(start, audio.frames, step):
        yield Audio(audio.samples[at : at + step], audio.rate)


def during(kit: JourneyKit, *, minutes: float | None = None) -> None:
    """Quietly, for the infusion itself: the person's intention and long silences, looping."""
    check_minutes(minutes, "during")
    session = kit.script("during")
    if session.asks:
        raise UsageError("The 'during' script must not ask questions.")
    voice = kit.engines.session_voice(meditation=True)
    one = render_natural(session.steps, voice, kit.context())
    one = at_volume(Audio.concat([Audio.silence(session.lead_in, one.rate), one]), session.volume)
    how_long = f"for {minutes_phrase(minutes)}" if minutes else "until you press Ctrl-C"
    kit.inform(f"Playing quietly {how_long}.")
    words = " ".join(text for _, text in session.spoken())
    try:
        if minutes:
            total = round(minutes * 60 * one.rate)
            rounds = -(-total // one.frames)
            audio = Audio.concat([one] * rounds)
            kit.talk.play(Audio(audio.samples[:total], one.rate), words=words)
        else:
            while kit.talk.play(one, words=words):
                pass
    except KeyboardInterrupt:
        kit.inform("Stopped.")
