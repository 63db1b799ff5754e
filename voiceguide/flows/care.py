"""Looking after the person around the journeys: the notice said once at first use, the phone's
recordings filed from the inbox folder, and the daily reminder (offered once in the days after
an infusion; what the scheduler runs)."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

from voiceguide.audio.sounds import listening_cue
from voiceguide.conversation import content
from voiceguide.errors import NoDeviceError, VoiceguideError
from voiceguide.flows import JourneyKit
from voiceguide.fsutil import atomic_write_text
from voiceguide.home import Home
from voiceguide.wording import number_word


def first_run_notice(kit: JourneyKit, *, speak: bool = True) -> bool:
    """Say, once, that voiceguide is not a medical device or therapy; True when it was said."""
    marker = Home(kit.settings.home).notice_marker
    if marker.exists():
        return False
    # Shown whole first, so that nothing (not even "no speaker was found") comes between
    # its lines; then spoken.
    for _, text in kit.library.load("notice", builtin=True).spoken():
        kit.show(text)
    if speak:
        kit.talk.speak_script("notice", builtin=True, show=False)  # safety words: never replaced
    atomic_write_text(marker, f"{kit.clock.now().isoformat()}\n")
    return True


def file_inbox(kit: JourneyKit, *, speak: bool = True) -> int:
    """At the start of a journey: file what is new in the inbox folder (a phone's memos), each
    on the day it was recorded, and say so when there was any; how many were filed. A file
    still arriving waits for the next start; nothing runs in between."""
    inbox = kit.settings.inbox
    if inbox is None:
        return 0
    folder = Path(inbox)
    if not folder.is_dir():
        kit.show(content.INBOX_GONE.format(folder=folder))
        return 0
    done = kit.journal.import_recordings([folder], settled_only=True)
    filed = sum(d.outcome == "filed" for d in done)
    unread = [d.path.name for d in done if d.problem]
    if unread:
        kit.show(content.INBOX_UNREAD.format(names=", ".join(unread)))
    if filed:
        line = content.INBOX_FILED.format(
            count="a recording" if filed == 1 else f"{number_word(filed)} recordings"
        )
        if speak:
            kit.talk.say(line)
        else:
            kit.show(line)
    return filed


def remind_now(kit: JourneyKit) -> None:
    """What the scheduler runs at the reminder's time: a soft chime and one spoken sentence;
    with no speaker, a desktop notification where one can be shown."""
    try:
        kit.engines.player.play(listening_cue())
        kit.talk.say(content.REMINDER_SPOKEN)
    except NoDeviceError:
        kit.talk.mute = True
        notify = shutil.which("notify-send")
        if notify is not None:
            subprocess.run(
                [notify, content.REMINDER_TITLE, content.REMINDER_NOTICE],
                capture_output=True,
                timeout=10,
            )
        kit.show(content.REMINDER_NOTICE)


def offer_reminder(kit: JourneyKit) -> None:
    """In the days right after an infusion, offer once to set a daily reminder."""
    from voiceguide.remind import reminder_command, scheduler

    marker = Home(kit.settings.home).reminder_marker
    if marker.exists():
        return
    try:
        keeper = scheduler()
        if keeper.current() is not None:
            return
    except VoiceguideError:
        return  # no scheduler on this machine: nothing to offer
    atomic_write_text(marker, f"{kit.clock.today().isoformat()}\n")
    if not kit.talk.confirm(content.REMINDER_OFFER, meta={"transient": True}):
        return
    hour, minute = content.REMINDER_OFFER_TIME
    try:
        keeper.install(hour, minute, reminder_command(kit.settings.home))
    except VoiceguideError as exc:
        kit.talk.say(exc.message)
        return
    kit.talk.say(content.REMINDER_SET_SPOKEN)
