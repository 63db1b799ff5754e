"""The journal on disk: one folder per day, Markdown beside its audio, written atomically."""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import re
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from voiceguide.errors import JournalError
from voiceguide.fsutil import (
    atomic_path,
    atomic_write_bytes,
    atomic_write_text,
    private_dir,
    unique_path,
)
from voiceguide.home import INDEX as INDEX_NAME
from voiceguide.home import Home
from voiceguide.journal.entry import (
    Entry,
    check_audio_name,
    entry_from_dict,
    entry_to_dict,
    parse_markdown,
    render_markdown,
)
from voiceguide.journal.index import Index

if TYPE_CHECKING:
    from voiceguide.audio.clip import Audio
    from voiceguide.hearing.phrases import Moment
    from voiceguide.journal.crypto import Cipher

ENC = ".enc"
#: Beside the entry being filed, what it is writing (.HHMMSS-kind.adding) until it is written.
ADDING = ".adding"
#: The front-matter field naming the in-progress recordings an entry was filed from.
FILED_FROM = "recordings"

_NAME = re.compile(r"^(\d{6})-([a-z-]+?)(?:-(\d+))?\.md$")


@dataclasses.dataclass(frozen=True, slots=True)
class Glance:
    """What a filter looks at, read from an index record without building the entry."""

    kind: str
    infusion: int | None
    date: dt.datetime

    @classmethod
    def of(cls, record: dict[str, Any]) -> Glance:
        return cls(
            record["kind"], record.get("infusion"), dt.datetime.fromisoformat(record["date"])
        )


@dataclasses.dataclass(frozen=True, slots=True)
class Skipped:
    """A journal file that could not be read, and why."""

    path: Path
    reason: str


class JournalStore:
    """Owns the journal's paths. The folder (YYYY/MM/DD) is authoritative for an entry's date."""

    def __init__(self, home: Path, *, cipher: Callable[[], Cipher | None] | None = None) -> None:
        self.home = home
        self.root = Home(home).journal
        self.recordings = Home(home).recordings
        self.skipped: list[Skipped] = []
        self._cipher_factory = cipher
        self._cipher: Cipher | None = None
        self._cipher_known = cipher is None

    # -- encryption at rest ---------------------------------------------------------------------
    @property
    def cipher(self) -> Cipher | None:
        """The cipher when the journal is encrypted (asked for once, when first needed)."""
        if not self._cipher_known:
            assert self._cipher_factory is not None
            self._cipher = self._cipher_factory()
            self._cipher_known = True
        return self._cipher

    def check_cipher(self) -> None:
        """Ask again whether the journal is encrypted if that changed on disk (call it with
        the lock held: another voiceguide may have turned encryption on or off)."""
        from voiceguide.journal.crypto import is_enabled

        if self._cipher_known and self._cipher_factory is not None:
            if is_enabled(self.home) != (self._cipher is not None):
                self._cipher, self._cipher_known = None, False

    def use_cipher(self, cipher: Cipher | None) -> None:
        """Switch encryption on (a cipher) or off (None) for what is written from now on."""
        self._cipher, self._cipher_known = cipher, True

    def seal(self, path: Path) -> Path:
        """Replace a plain file by its encrypted form (when encryption is on)."""
        cipher = self.cipher
        if cipher is None:
            return path
        sealed = path.with_name(path.name + ENC)
        with atomic_path(sealed) as tmp:
            tmp.write_bytes(cipher.seal(path.read_bytes(), path.name))
        path.unlink()
        return sealed

    def unseal(self, sealed: Path) -> Path:
        """Replace an encrypted file by its plain form."""
        plain = sealed.with_name(sealed.name[: -len(ENC)])
        with atomic_path(plain) as tmp:
            tmp.write_bytes(self.read_bytes(plain))
        sealed.unlink()
        return plain

    def read_bytes(self, path: Path) -> bytes:
        """A journal file's contents, decrypted if it is stored encrypted."""
        sealed = path.with_name(path.name + ENC)
        if sealed.exists():
            cipher = self.cipher
            if cipher is None:
                raise JournalError(
                    f"{sealed.name} is encrypted, but this journal is not: it was skipped."
                )
            return cipher.open(sealed.read_bytes(), path.name)
        return path.read_bytes()

    def load_audio(self, entry: Entry, name: str) -> Audio:
        """One of an entry's clips, decrypted if needed."""
        from voiceguide.audio.clip import Audio

        path = self.audio_path(entry, name)
        if not path.with_name(path.name + ENC).exists():
            return Audio.load(path)
        import io

        import soundfile

        data, rate = soundfile.read(
            io.BytesIO(self.read_bytes(path)), dtype="float32", always_2d=True
        )
        return Audio(data, rate)

    def journal_files(self) -> list[Path]:
        """Every entry and audio file, as stored (plain or encrypted). Links are never
        followed: a linked folder or file may point outside the data folder."""
        import os

        from voiceguide.journal.index import day_folders

        if not self.root.is_dir():
            return []
        found = []
        for rel in day_folders(self.root):
            for item in os.scandir(self.root / rel):
                if not item.name.startswith(".") and item.is_file(follow_symlinks=False):
                    found.append(self.root / rel / item.name)
        return sorted(found)

    def _exists(self, path: Path) -> bool:
        return path.exists() or path.with_name(path.name + ENC).exists()

    # -- recordings in progress ---------------------------------------------------------------
    def capture_path(self, label: str, when: dt.datetime | None = None) -> Path:
        """A fresh path for a recording about to start."""
        private_dir(self.recordings)
        stamp = (when or dt.datetime.now()).strftime("%Y-%m-%d-%H%M%S")
        return unique_path(self.recordings, f"{stamp}-{label}", ".wav")

    def unfinished(self) -> list[Path]:
        """Recordings left in the in-progress folder (by a crash, power loss or kill), except
        those known to hold no speech."""
        if not self.recordings.is_dir():
            return []
        return sorted(
            p for p in self.recordings.glob("*.wav") if not capture_note(p).get("unheard")
        )

    def mark_unheard(self, path: Path) -> None:
        """Note that a kept recording held no speech, so recovery leaves it alone."""
        meta = path.with_suffix(".json")
        try:
            data = json.loads(meta.read_text("utf-8"))
        except (OSError, ValueError):
            data = {}
        data["unheard"] = True
        atomic_write_text(meta, json.dumps(data, indent=2))

    def discard_capture(self, path: Path) -> None:
        """Remove a recording (and its note) once its audio is safely in the journal."""
        for p in (path, path.with_suffix(".json")):
            p.unlink(missing_ok=True)

    # -- entries ------------------------------------------------------------------------------
    def day_dir(self, when: dt.datetime) -> Path:
        return self.root / f"{when:%Y}" / f"{when:%m}" / f"{when:%d}"

    def keep(
        self,
        entry: Entry,
        clips: Sequence[Audio | Path | None],
        moments: Sequence[Sequence[Moment]],
    ) -> tuple[Entry, Path]:
        """File `entry` with its clips and the moments of its answers (`add`), then let go of
        the recordings in progress it was filed from. The entry as filed, and its Markdown."""
        from voiceguide.journal.moments import with_moments

        entry, md = self.add(with_moments(entry, moments), clips)
        for clip in clips:
            if isinstance(clip, Path) and clip.parent == self.recordings:
                self.discard_capture(clip)
        return entry, md

    def add(self, entry: Entry, clips: Sequence[Audio | Path | None]) -> tuple[Entry, Path]:
        """File `entry` with one clip per answer: audio first, then the Markdown that points at it.

        A clip is audio in memory, or the path of a finished WAV recording (converted block by
        block).

        An existing entry is never overwritten: a second entry in the same second gets its own name.
        """
        from voiceguide.audio.clip import flac_bytes, wav_to_flac

        if len(clips) != len(entry.answers):
            raise ValueError("one clip (or None) per answer")
        # The key first (a wrong passphrase fails before anything is written).
        cipher = self.cipher
        folder = private_dir(self.day_dir(entry.date))
        for p in (self.root, folder.parent, folder.parent.parent):
            private_dir(p)
        md_path = unique_path(
            folder,
            f"{entry.date:%H%M%S}-{entry.kind}",
            ".md",
            exists=lambda p: self._exists(p) or any(folder.glob(f"{p.stem}-*.flac*")),
        )
        stem = md_path.stem
        # The recordings it is filed from are named in the entry: if the process dies before
        # they are removed, recovery sees they are filed and does not file them again.
        sources = [c.name for c in clips if isinstance(c, Path) and c.parent == self.recordings]
        if sources and entry.get(FILED_FROM) is None:
            entry = dataclasses.replace(entry, extra=(*entry.extra, (FILED_FROM, sources)))
        # What is about to be written, noted first: killed before the entry is written, the
        # next start takes the recordings out again (they are still where they came from).
        adding = folder / f".{stem}{ADDING}"
        atomic_write_text(adding, json.dumps([n for n, c in enumerate(clips, 1) if c is not None]))
        answers = []
        for i, (answer, clip) in enumerate(zip(entry.answers, clips, strict=True), start=1):
            name = None
            if clip is not None:
                name = f"{stem}-{i}.flac"
                if cipher is not None:  # encoded and sealed in memory: no plaintext on disk
                    sealed = folder / (name + ENC)
                    atomic_write_bytes(sealed, cipher.seal(flac_bytes(clip), name), overwrite=False)
                elif isinstance(clip, Path):
                    wav_to_flac(clip, folder / name)
                else:
                    clip.save(folder / name)
            answers.append(dataclasses.replace(answer, audio=name or answer.audio))
        entry = dataclasses.replace(entry, answers=tuple(answers), id=self._id(md_path))
        text = render_markdown(entry).encode("utf-8")
        target = md_path if cipher is None else md_path.with_name(md_path.name + ENC)
        with atomic_path(target, overwrite=False) as tmp:
            tmp.write_bytes(text if cipher is None else cipher.seal(text, md_path.name))
        adding.unlink()
        return entry, md_path

    def interrupted(self) -> list[Path]:
        """The notes of filings killed before their entry was written (see `add`)."""
        if not self.root.is_dir():
            return []
        return sorted(self.root.glob(f"[0-9]*/[0-9]*/[0-9]*/.*{ADDING}"))

    def undo_interrupted(self, note: Path) -> None:
        """Finish or undo a filing that was killed: with its entry written, only the note is
        left to remove; without it, the recordings it wrote go too (the ones it was filed from
        are still in the recordings folder or wherever they were imported from). Call it with
        the data folder's lock held."""
        stem = note.name[1 : -len(ADDING)]
        if not self._exists(note.with_name(f"{stem}.md")):
            try:
                numbers = [int(n) for n in json.loads(note.read_text("utf-8"))]
            except (OSError, ValueError, TypeError):
                numbers = []
            for n in numbers:
                for name in (f"{stem}-{n}.flac", f"{stem}-{n}.flac{ENC}"):
                    (note.parent / name).unlink(missing_ok=True)
        note.unlink(missing_ok=True)

    def replace(self, entry: Entry) -> Path:
        """Rewrite an existing entry's Markdown (its audio is left as it is)."""
        path = self.path_of(entry.id)
        text = render_markdown(entry).encode("utf-8")
        cipher = self.cipher
        if cipher is None:
            atomic_write_bytes(path, text)
        else:
            atomic_write_bytes(path.with_name(path.name + ENC), cipher.seal(text, path.name))
        return path

    def path_of(self, entry_id: str) -> Path:
        """The Markdown file of an entry id (YYYY-MM-DD-HHMMSS-kind[-n])."""
        m = re.match(r"^(\d{4})-(\d{2})-(\d{2})-(.+)$", entry_id)
        if not m:
            raise JournalError(f"{entry_id!r} is not an entry id.")
        return self.root / m[1] / m[2] / m[3] / f"{m[4]}.md"

    def audio_path(self, entry: Entry, name: str) -> Path:
        """An entry's audio file: a plain name in the entry's own folder, nothing else."""
        check_audio_name(name)
        return self.path_of(entry.id).parent / name

    def _id(self, md_path: Path) -> str:
        day = md_path.parent
        return f"{day.parent.parent.name}-{day.parent.name}-{day.name}-{md_path.stem}"

    def entries(self, where: Callable[[Glance], bool] | None = None) -> Iterator[Entry]:
        """Every readable entry, newest first; unreadable ones are noted in `skipped`. `where`:
        only entries whose kind, infusion and date pass it (decided before each is built).

        Served from the index beside the files, which reads again only what changed.
        """
        for record in self.records():
            if where is None or where(Glance.of(record)):
                yield entry_from_dict(record)

    def read_all(self) -> list[Entry]:
        """Every readable entry, read from its own file, the index left as it is: for a step
        that must write nothing but what it files (an import may be killed at any point, and
        the index is written without the lock, so a temporary file of it would be left)."""
        from voiceguide.journal.index import scan

        found = []
        for rel in scan(self.root):
            stored = self.root / rel
            path = stored.with_name(stored.name[: -len(ENC)]) if rel.endswith(ENC) else stored
            entry = self.read(path)
            if entry is not None:
                found.append(entry)
        return found

    def records(self) -> list[dict[str, Any]]:
        """Every readable entry as its index record (`entry_to_dict` without the joined text),
        newest first, without building Entry objects: for listing and searching thousands."""
        self.skipped = []
        records = self.index().refresh(self._record)
        logical = {
            (rel[: -len(ENC)] if rel.endswith(ENC) else rel): record
            for rel, record in records.items()
        }
        found = []
        for rel in sorted(logical, key=_newest_first_rel, reverse=True):
            record = logical[rel]
            if "entry" in record:
                found.append(record["entry"])
            else:
                self.skipped.append(Skipped(self.root / rel, record.get("error", "unreadable")))
        return found

    def index(self) -> Index:
        """The journal's index, encrypted when the journal is."""
        cipher = self.cipher
        if cipher is None:
            return Index(self.root)
        return Index(
            self.root,
            seal=lambda raw: cipher.seal(raw, INDEX_NAME),
            open_=lambda raw: cipher.open(raw, INDEX_NAME),
        )

    def _record(self, stored: Path) -> dict[str, Any]:
        path = stored.with_name(stored.name[: -len(ENC)]) if stored.name.endswith(ENC) else stored
        entry = self.read(path)
        if entry is None:
            return {"error": self.skipped.pop().reason}
        return {"entry": entry_to_dict(entry, text=False)}

    def read(self, path: Path) -> Entry | None:
        """One entry, dated by its folder and file name; None (and noted) if it cannot be read."""
        from voiceguide.errors import DamagedFile

        m = _NAME.match(path.name)
        try:
            day = dt.date(
                int(path.parent.parent.parent.name),
                int(path.parent.parent.name),
                int(path.parent.name),
            )
            text = self.read_bytes(path).decode("utf-8")
            entry = parse_markdown(text, id=self._id(path))
            for name in entry.audio:  # in the journal, only plain names in the entry's folder
                check_audio_name(name)
            # The time of day is in the file's name ("193000-reflection.md"): an impossible
            # one ("259977") names this file and skips it, never the whole journal.
            clock = entry.date.timetz() if m is None else _clock(m[1], entry.date)
        except PermissionError:
            self.skipped.append(Skipped(path, "permission was denied to read it"))
            return None
        except (ValueError, OSError, UnicodeDecodeError, JournalError, DamagedFile) as exc:
            self.skipped.append(Skipped(path, str(getattr(exc, "message", exc))))
            return None
        when = dt.datetime.combine(day, clock)
        return dataclasses.replace(entry, date=when)

    def filed_recordings(self) -> set[str]:
        """Names of in-progress recordings that some entry was already filed from."""
        names: set[str] = set()
        for entry in self.entries():
            value = entry.get(FILED_FROM)
            if isinstance(value, list):
                names.update(str(v) for v in value)
        return names


def capture_note(path: Path) -> dict[str, Any]:
    """What was kept beside a recording in progress (its question, session, ...)."""
    try:
        data = json.loads(path.with_suffix(".json").read_text("utf-8"))
        return data if isinstance(data, dict) else {}
    except (OSError, ValueError):
        return {}


def _newest_first(path: Path) -> tuple[str, str, int]:
    m = _NAME.match(path.name)
    if m is None:
        return (str(path.parent), path.stem, 0)
    return (str(path.parent), m[1], int(m[3] or 1))


def _newest_first_rel(rel: str) -> tuple[str, str, int]:
    """The same order as `_newest_first`, for a path relative to the journal ("2026/11/20/x.md")."""
    folder, _, name = rel.rpartition("/")
    m = _NAME.match(name)
    if m is None:
        return (folder, name.removesuffix(".md"), 0)
    return (folder, m[1], int(m[3] or 1))


def _clock(hhmmss: str, fallback: dt.datetime) -> dt.time:
    return dt.time(int(hhmmss[:2]), int(hhmmss[2:4]), int(hhmmss[4:]), tzinfo=fallback.tzinfo)
