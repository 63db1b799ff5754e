"""The data folder's map: every name voiceguide keeps there is spelt once (voiceguide/home.py),
and the README's picture of the folder shows exactly those names."""

from __future__ import annotations

import ast
from pathlib import Path

from conftest import ROOT

from voiceguide.home import Home


def names() -> dict[str, str]:
    """What each Home name is called, relative to the data folder ("cache/voice/", ".lock")."""
    home = Home(Path("/data"))
    found = {}
    for name, path in home.everything().items():
        rel = path.relative_to(home.root).as_posix()
        found[name] = rel + ("/" if "." not in path.name and "-" not in path.name else "")
    return found


def test_the_readme_shows_every_file_and_folder_of_the_data_folder() -> None:
    readme = (ROOT / "README.md").read_text("utf-8")
    section = readme[readme.index("### Your journal") :]
    tree = section[section.index("```\n") + 4 :]
    tree = tree[: tree.index("```")]
    shown = {line.split()[0] for line in tree.splitlines() if line.strip()}
    for name, rel in names().items():
        if name == "journal":
            assert any(s.startswith("journal/20") for s in shown), "an entry in journal/"
        else:
            assert rel in shown, f"the README's folder does not show {rel} (Home.{name})"
    known = set(names().values())
    for item in shown:
        assert item in known or item.startswith("journal/20"), f"{item} is not in Home"


def test_no_module_but_home_spells_a_name_of_the_data_folder() -> None:
    """File names (those with a dot or a dash) appear as a string in voiceguide/home.py only.
    The one exception: the passphrase check's sealing label, fixed for good."""
    files = {Path(rel.rstrip("/")).name for rel in names().values()}
    files = {f for f in files if "." in f or "-" in f}
    allowed = {("journal/crypto.py", "encryption.json")}
    for module in sorted((ROOT / "voiceguide").rglob("*.py")):
        rel = module.relative_to(ROOT / "voiceguide").as_posix()
        if rel == "home.py":
            continue
        for node in ast.walk(ast.parse(module.read_text("utf-8"))):
            if isinstance(node, ast.Constant) and node.value in files:
                assert (rel, node.value) in allowed, f"{rel} spells {node.value!r}: ask Home"
