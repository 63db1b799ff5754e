"""Turning encryption on and off, resumably: a marker records the change under way.

Every step is safe to repeat, so a change killed at any point (or stopped by a full disk) is
finished by the next `encrypt`, `decrypt`, `recover` or start of voiceguide:

- encrypt: marker, key file, the plaintext index removed, then each file sealed (the sealed copy
  is written atomically before the plain one is removed), leftovers removed, marker removed;
- decrypt: marker, each file opened the same way, the index removed, key file, marker removed.

A marker for an encryption whose key file was never written means nothing was encrypted yet:
the change is rolled back.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from voiceguide.fsutil import atomic_write_text
from voiceguide.home import INDEX as INDEX_NAME
from voiceguide.home import Home
from voiceguide.journal import crypto

if TYPE_CHECKING:
    from voiceguide.journal.store import JournalStore

ENC = crypto.SUFFIX
#: Files of a journal that are sealed when it is encrypted.
SEALED_KINDS = (".md", ".flac")


def pending(home: Path) -> str | None:
    """The change under way ("encrypt" or "decrypt"), if one was interrupted."""
    try:
        data = json.loads(Home(home).sealing_marker.read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError):
        return "encrypt"  # a damaged marker: finishing the encryption is the safe way
    action = data.get("action") if isinstance(data, dict) else None
    return action if action in ("encrypt", "decrypt") else "encrypt"


def begin(home: Path, action: str) -> None:
    """Record that `action` is starting (before anything is changed)."""
    atomic_write_text(Home(home).sealing_marker, json.dumps({"action": action}))


def finish(store: JournalStore, inform: Callable[[str], None]) -> int:
    """Finish an interrupted change, if there is one; the number of files changed."""
    action = pending(store.home)
    if action is None:
        return 0
    if action == "encrypt" and not crypto.is_enabled(store.home):
        Home(store.home).sealing_marker.unlink(missing_ok=True)  # no key yet: nothing was encrypted
        return 0
    inform(f"Finishing the {action}ion of your journal that was interrupted.")
    return encrypt_files(store) if action == "encrypt" else decrypt_files(store)


def encrypt_files(store: JournalStore) -> int:
    """Seal every plain file of the journal (the key file exists); remove the marker."""
    assert store.cipher is not None
    _remove_plaintext_leftovers(store)
    count = 0
    for path in store.journal_files():
        if path.name.endswith(ENC) or path.suffix not in SEALED_KINDS:
            continue
        if path.with_name(path.name + ENC).exists():
            path.unlink()  # sealed before a kill, not yet removed: the sealed copy is whole
        else:
            store.seal(path)
        count += 1
    _remove_plaintext_leftovers(store)
    Home(store.home).sealing_marker.unlink(missing_ok=True)
    return count


def decrypt_files(store: JournalStore) -> int:
    """Open every sealed file of the journal, then remove the key file and the marker."""
    count = 0
    if crypto.is_enabled(store.home):
        assert store.cipher is not None
        for path in store.journal_files():
            if not path.name.endswith(ENC):
                continue
            plain = path.with_name(path.name[: -len(ENC)])
            if plain.exists():
                path.unlink()  # opened before a kill, not yet removed
            else:
                store.unseal(path)
            count += 1
        store.index().forget()
        Home(store.home).key_file.unlink(missing_ok=True)
    store.use_cipher(None)
    Home(store.home).sealing_marker.unlink(missing_ok=True)
    return count


def _remove_plaintext_leftovers(store: JournalStore) -> None:
    """The plaintext index, and temporary files a killed write left in the journal."""
    (store.root / INDEX_NAME).unlink(missing_ok=True)
    for tmp in stray_temporaries(store, index_too=True):
        tmp.unlink(missing_ok=True)


def stray_temporaries(store: JournalStore, *, index_too: bool = False) -> list[Path]:
    """Temporary files that a killed write left behind (never part of an entry); call it with
    the data folder's lock held. Entries are only written under the lock, so a temporary file
    in a day's folder is a leftover; an edit's copy is one once its process is gone. The index
    is written without the lock, so its temporary files are only taken with `index_too`."""
    found: list[Path] = []
    if store.root.is_dir():
        found += [p for p in store.root.glob("[0-9]*/[0-9]*/[0-9]*/.*.tmp") if p.is_file()]
        if index_too:
            found += [p for p in store.root.glob(".*.tmp") if p.is_file()]
    edits = Home(store.home).tmp
    if edits.is_dir():
        found += [p for p in edits.glob("edit-*.md") if p.is_file() and not _alive(p)]
    return sorted(found)


def _alive(edit_copy: Path) -> bool:
    """Whether the voiceguide that made an edit copy (edit-PID-....md) is still running."""
    import os

    parts = edit_copy.name.split("-")
    if len(parts) < 3 or not parts[1].isdigit():
        return False  # an old-style name: from before this version, so long gone
    try:
        os.kill(int(parts[1]), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


# -- exports: whole, or not there ----------------------------------------------------------------
PARTIAL_SUFFIX = ".voiceguide-partial"


def begin_export(home: Path, folder: Path) -> Path:
    """The hidden folder an export is written into before it is renamed to `folder`."""
    partial = folder.absolute().parent / f".{folder.name}{PARTIAL_SUFFIX}"
    undo_export(home)
    atomic_write_text(Home(home).export_marker, json.dumps({"partial": str(partial)}))
    return partial


def end_export(home: Path) -> None:
    Home(home).export_marker.unlink(missing_ok=True)


def undo_export(home: Path) -> None:
    """Remove an export a crash left half written (only the hidden folder voiceguide made)."""
    import shutil

    try:
        partial = Path(json.loads(Home(home).export_marker.read_text("utf-8"))["partial"])
    except FileNotFoundError:
        return
    except (OSError, ValueError, KeyError, TypeError):
        Home(home).export_marker.unlink(missing_ok=True)
        return
    if partial.name.endswith(PARTIAL_SUFFIX) and partial.is_dir() and not partial.is_symlink():
        shutil.rmtree(partial, ignore_errors=True)
    Home(home).export_marker.unlink(missing_ok=True)
