"""Encryption at rest (opt-in): AES-256-GCM with a key derived from a passphrase by scrypt."""

from __future__ import annotations

import base64
import getpass
import json
import os
import sys
from collections.abc import Callable
from pathlib import Path

from voiceguide.errors import DamagedFile, JournalError, PassphraseError, WrongPassphrase
from voiceguide.fsutil import atomic_write_text
from voiceguide.home import Home

#: What the passphrase check is sealed with (associated data): a label, fixed for good (it is
#: the key file's first name; changing it would make every existing passphrase fail).
_CHECK_LABEL = "encryption.json"
PASSPHRASE_ENV = "VOICEGUIDE_PASSPHRASE"
SUFFIX = ".enc"
_MAGIC = b"VGE1"
_CHECK = b"voiceguide passphrase check"


def _b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class Cipher:
    """Seals and opens files with one key; each file's name is bound to its contents."""

    def __init__(self, key: bytes) -> None:
        from cryptography.hazmat.primitives.ciphers.aead import AESGCM

        self._aead = AESGCM(key)

    def seal(self, data: bytes, name: str) -> bytes:
        """Encrypt `data` that belongs to the file called `name`."""
        nonce = os.urandom(12)
        return _MAGIC + nonce + self._aead.encrypt(nonce, data, name.encode("utf-8"))

    def open(self, data: bytes, name: str) -> bytes:
        """Decrypt what `seal` made for `name`."""
        from cryptography.exceptions import InvalidTag

        if data[:4] != _MAGIC:
            raise DamagedFile(f"{name} is not a voiceguide encrypted file.")
        try:
            return self._aead.decrypt(data[4:16], data[16:], name.encode("utf-8"))
        except InvalidTag as exc:
            raise DamagedFile(f"{name} cannot be opened: it was changed or damaged.") from exc


def _derive(passphrase: str, salt: bytes, n: int) -> bytes:
    from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

    return Scrypt(salt=salt, length=32, n=n, r=8, p=1).derive(passphrase.encode("utf-8"))


def is_enabled(home: Path) -> bool:
    """Whether this data folder is encrypted."""
    return Home(home).key_file.is_file()


def ask_passphrase(prompt: str = "Passphrase: ", *, confirm: bool = False) -> str:
    """The passphrase from VOICEGUIDE_PASSPHRASE, or asked once in the terminal."""
    env = os.environ.get(PASSPHRASE_ENV)
    if env:
        return env
    if not sys.stdin or not sys.stdin.isatty():
        raise PassphraseError(
            "This needs your passphrase, and there is no terminal to ask for it in.",
            hint=f"Set {PASSPHRASE_ENV}, or run voiceguide in a terminal.",
        )
    first = getpass.getpass(prompt)
    if confirm and getpass.getpass("Once more, to be sure: ") != first:
        raise PassphraseError("The two passphrases were not the same; nothing was changed.")
    if not first:
        raise PassphraseError("An empty passphrase cannot protect anything; nothing was changed.")
    return first


def create_key(home: Path, passphrase: str, *, n: int = 2**15) -> Cipher:
    """Write the key file for a new passphrase and return its cipher."""
    salt = os.urandom(16)
    cipher = Cipher(_derive(passphrase, salt, n))
    info = {
        "version": 1,
        "kdf": "scrypt",
        "n": n,
        "r": 8,
        "p": 1,
        "salt": _b64(salt),
        "check": _b64(cipher.seal(_CHECK, _CHECK_LABEL)),
    }
    atomic_write_text(Home(home).key_file, json.dumps(info, indent=2))
    return cipher


def open_key(home: Path, passphrase: str) -> Cipher:
    """The cipher for this data folder; WrongPassphrase if the passphrase does not fit."""
    try:
        info = json.loads(Home(home).key_file.read_text("utf-8"))
        salt, check = base64.b64decode(info["salt"]), base64.b64decode(info["check"])
        n = int(info["n"])
    except (OSError, ValueError, KeyError) as exc:
        raise JournalError(f"The key file {Home(home).key_file} cannot be read.") from exc
    cipher = Cipher(_derive(passphrase, salt, n))
    try:
        cipher.open(check, _CHECK_LABEL)
    except DamagedFile:
        raise WrongPassphrase("That passphrase does not open this journal.") from None
    return cipher


def cipher_for(home: Path, ask: Callable[[], str] = ask_passphrase) -> Cipher | None:
    """The cipher when encryption is on (asking for the passphrase), else None."""
    return open_key(home, ask()) if is_enabled(home) else None
