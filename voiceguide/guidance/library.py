"""Where scripts are found: the built-in ones inside the package (guidance/scripts/*.txt), and a
person's own in `<home>/scripts`, which add to or replace them."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

from voiceguide.errors import ScriptError, UsageError
from voiceguide.guidance.parser import _NAME, Resolver, check, decode_script, parse
from voiceguide.guidance.script import MAX_SCRIPT_BYTES, SUFFIX, Problem, Script
from voiceguide.home import Home


def read_script_file(path: Path) -> bytes:
    """At most MAX_SCRIPT_BYTES + 1 bytes of a regular file (never a device or a pipe)."""
    import stat

    if not stat.S_ISREG(path.stat().st_mode):
        raise OSError(0, "it is not a regular file")
    with open(path, "rb") as handle:
        return handle.read(MAX_SCRIPT_BYTES + 1)


def builtin_dir() -> Path:
    """The folder of scripts that ship with voiceguide."""
    return Path(str(resources.files("voiceguide.guidance") / "scripts"))


class Library:
    """Built-in scripts, plus a person's own in `<home>/scripts` that add to or replace them."""

    def __init__(self, home: Path) -> None:
        self.user_dir = Home(home).scripts

    def names(self) -> dict[str, Path]:
        """Every script by name; a person's own script wins over a built-in one."""
        found = {p.stem: p for p in sorted(builtin_dir().glob(f"*{SUFFIX}"))}
        if self.user_dir.is_dir():
            found |= {
                p.stem: p for p in sorted(self.user_dir.glob(f"*{SUFFIX}")) if _NAME.match(p.stem)
            }
        return found

    def is_own(self, path: Path) -> bool:
        return path.parent == self.user_dir

    def read(self, path: Path) -> str:
        try:
            raw = read_script_file(path)
        except PermissionError as exc:
            raise UsageError(f"Permission was denied to read the script {path}.") from exc
        except OSError as exc:
            raise UsageError(f"The script {path} cannot be read ({exc.strerror}).") from exc
        text, problem = decode_script(raw)
        if problem is not None:
            raise ScriptError(path.stem, [problem])
        assert text is not None
        return text

    def resolver(self) -> Resolver:
        names = self.names()

        def resolve(name: str) -> tuple[str, str] | None:
            path = names.get(name)
            if path is None:
                return None
            return self.read(path), name  # ScriptError: there, but unreadable

        return resolve

    def load(self, name: str, *, builtin: bool = False) -> Script:
        """The script called `name` (a person's own first, unless `builtin`), parsed."""
        path = (builtin_dir() / f"{name}{SUFFIX}") if builtin else self.names().get(name)
        if path is not None and not path.is_file():
            path = None
        if path is None:
            raise UsageError(
                f"There is no script called {name!r}.",
                hint=f"See them with: voiceguide scripts list ({', '.join(self.names())})",
            )
        return parse(self.read(path), name, include=self.resolver())

    def check_file(self, path: Path) -> list[Problem]:
        """Every problem in the script at `path`."""
        try:
            raw = read_script_file(path)
        except PermissionError:
            return [Problem(0, "permission was denied to read it")]
        except OSError as exc:
            return [Problem(0, f"it cannot be read ({exc.strerror})")]
        text, problem = decode_script(raw)
        if problem is not None:
            return [problem]
        assert text is not None
        return check(text, path.stem, include=self.resolver())
