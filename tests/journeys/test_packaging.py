"""What a newcomer reads first: building voiceguide prints no warnings about its own packaging."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT


@pytest.mark.slow
def test_the_package_builds_without_warnings(tmp_path: Path) -> None:
    """The wheel pip builds (as scripts/setup does) holds the session scripts, and setuptools
    has nothing to warn about: no deprecated license table, no undeclared package."""
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-v", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 0, result.stderr
    output = result.stdout + result.stderr
    lines = [
        line
        for line in output.splitlines()
        if ("warning" in line.lower() or "deprecat" in line.lower())
        and "WARNING: Location" not in line  # the machine's pip configuration, not ours
        and "byte-compiling is disabled" not in line  # how pip builds any wheel
    ]
    assert not lines, "\n".join(lines)
    import zipfile

    [wheel] = tmp_path.glob("voiceguide-*.whl")
    names = zipfile.ZipFile(wheel).namelist()
    assert "voiceguide/guidance/scripts/grounding.txt" in names
    assert "voiceguide/guidance/scripts/notice.txt" in names
    assert "voiceguide/engines/pulse-speaker.conf" in names  # voiceguide's way to PulseAudio
