"""An index of the journal kept beside its files, so listing and searching stay fast.

The Markdown files are the source of truth. The index (`journal/.index.json`, encrypted like the
entries when the journal is) remembers what each file held, keyed by its size and modification
time: a file that changed, appeared or went away is read again, and a missing or damaged index
is simply rebuilt. Files that cannot be read are remembered too, with the reason, so they are
reported without being parsed on every run.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from voiceguide.fsutil import atomic_write_bytes
from voiceguide.home import INDEX

VERSION = 4

#: What the index knows of one file: (size, mtime_ns, ctime_ns) and either the entry or why it
#: is unreadable. The change time cannot be set by hand (touch -r sets only the mtime), so an
#: edit that keeps a file's size and modification time is still seen.
Record = dict[str, Any]


def scan(root: Path) -> dict[str, tuple[int, int, int]]:
    """Every entry file under `root` (YYYY/MM/DD/*.md, plain or encrypted) and its stamp."""
    found: dict[str, tuple[int, int, int]] = {}
    for rel in _dirs(str(root), "", 3):
        for item in os.scandir(os.path.join(root, rel)):
            name = item.name
            if name.startswith(".") or not (name.endswith(".md") or name.endswith(".md.enc")):
                continue
            try:
                if not item.is_file(follow_symlinks=False):
                    continue  # a link out of the journal is never followed
                info = item.stat(follow_symlinks=False)
            except OSError:
                continue
            found[f"{rel}/{name}"] = (info.st_size, info.st_mtime_ns, info.st_ctime_ns)
    return found


def day_folders(root: Path) -> list[str]:
    """The YYYY/MM/DD folders of a journal (relative), never through a link."""
    return list(_dirs(str(root), "", 3))


def _dirs(root: str, rel: str, depth: int) -> Iterator[str]:
    """Folders `depth` levels below `root` whose names are numbers, relative to it."""
    try:
        items = list(os.scandir(os.path.join(root, rel) if rel else root))
    except OSError:
        return
    for item in items:
        if item.name[:1].isdigit() and item.is_dir(follow_symlinks=False):
            inner = f"{rel}/{item.name}" if rel else item.name
            if depth == 1:
                yield inner
            else:
                yield from _dirs(root, inner, depth - 1)


class Index:
    """The records of every entry file, brought up to date against the folder on each use."""

    def __init__(
        self,
        root: Path,
        *,
        seal: Callable[[bytes], bytes] | None = None,
        open_: Callable[[bytes], bytes] | None = None,
    ) -> None:
        self.root = root
        self._seal = seal
        self._open = open_

    @property
    def path(self) -> Path:
        return self.root / (INDEX + (".enc" if self._seal else ""))

    def load(self) -> dict[str, Record]:
        try:
            raw = self.path.read_bytes()
            if self._open is not None:
                raw = self._open(raw)
            data = json.loads(raw)
        except Exception:  # noqa: BLE001 - unreadable, damaged or another key: rebuild it
            return {}
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return {}
        records = data.get("files")
        if not isinstance(records, dict):
            return {}
        # Only well-formed records are trusted; a damaged one is read again from its file.
        return {rel: r for rel, r in records.items() if _valid(r)}

    def save(self, records: dict[str, Record]) -> None:
        raw = json.dumps({"version": VERSION, "files": records}, ensure_ascii=False).encode()
        if self._seal is not None:
            raw = self._seal(raw)
        try:
            atomic_write_bytes(self.path, raw)
        except OSError:
            pass  # a read-only journal is still readable, just not faster next time

    def refresh(self, read: Callable[[Path], Record]) -> dict[str, Record]:
        """Records for every file now in the folder; `read` makes one for a new or changed file."""
        if not self.root.is_dir():
            return {}
        files = scan(self.root)
        known = self.load()
        records: dict[str, Record] = {}
        changed = len(known) != len(files)
        for rel, stamp in files.items():
            record = known.get(rel)
            if record is None or record.get("stamp") != list(stamp):
                record = {"stamp": list(stamp), **read(self.root / rel)}
                changed = True
            records[rel] = record
        if changed:
            self.save(records)
        return records

    def forget(self) -> None:
        """Remove the index (plain and encrypted); it is rebuilt when next needed."""
        for name in (INDEX, INDEX + ".enc"):
            (self.root / name).unlink(missing_ok=True)


def _valid(record: Any) -> bool:
    """Whether an index record has the shape `refresh` writes."""
    if not isinstance(record, dict) or not isinstance(record.get("stamp"), list):
        return False
    if "entry" in record:
        entry = record["entry"]
        if not (
            isinstance(entry, dict)
            and isinstance(entry.get("date"), str)
            and isinstance(entry.get("kind"), str)
            and isinstance(entry.get("answers"), list)
        ):
            return False
        # Every value an entry is built from must read as what it is (an index edited by hand
        # or by another program, with an unchanged stamp, once broke every command).
        from voiceguide.errors import JournalError
        from voiceguide.journal.entry import entry_from_dict

        try:
            entry_from_dict(entry)
        except JournalError:
            return False
        return True
    return isinstance(record.get("error"), str)
