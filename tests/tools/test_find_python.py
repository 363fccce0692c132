"""The Makefile's interpreter finder: the first Python >= 3.12 that runs, or one clear line."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_finder(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["/bin/sh", str(ROOT / "tools" / "find-python")],
        env={"PATH": str(tmp_path), "HOME": str(tmp_path), **env},
        capture_output=True,
        text=True,
        check=False,
    )


def fake_python(tmp_path: Path, name: str, version: tuple[int, int]) -> Path:
    """A stand-in interpreter that reports `version` to the finder's probe."""
    path = tmp_path / name
    path.write_text(
        f"#!/bin/sh\nexec {sys.executable} -c 'import sys; sys.exit({version!r} < (3, 12))'\n"
    )
    path.chmod(0o755)
    return path


def test_it_picks_the_newest_named_interpreter_that_runs(tmp_path):
    fake_python(tmp_path, "python3.12", (3, 12))
    broken = tmp_path / "python3.14"
    broken.write_text("#!/bin/sh\nexit 127\n")
    broken.chmod(0o755)
    fake_python(tmp_path, "python3.13", (3, 13))

    result = run_finder(tmp_path)

    assert result.returncode == 0
    assert result.stdout.strip() == str(tmp_path / "python3.13")


def test_it_skips_a_python3_older_than_3_12(tmp_path):
    fake_python(tmp_path, "python3", (3, 11))

    result = run_finder(tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr.strip().splitlines() == [
        "Comptoir needs Python >= 3.12 and none was found "
        "(install one, or set PYTHON=/path/to/python3.12+)."
    ]


def test_it_looks_in_pyenv_versions(tmp_path):
    versions = tmp_path / "pyenv" / "versions"
    for version in ("3.11.7", "3.12.1", "3.13.0"):
        (versions / version / "bin").mkdir(parents=True)
        major, minor = map(int, version.split(".")[:2])
        fake_python(versions / version / "bin", "python3", (major, minor))
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("ls", "sort"):  # the only outside commands the pyenv branch uses
        (bin_dir / tool).symlink_to(shutil.which(tool))
    pyenv = bin_dir / "pyenv"
    pyenv.write_text(f"#!/bin/sh\necho {tmp_path / 'pyenv'}\n")
    pyenv.chmod(0o755)

    result = run_finder(bin_dir)

    assert result.returncode == 0
    assert result.stdout.strip() == str(versions / "3.13.0" / "bin" / "python3")


def test_an_explicit_python_must_work(tmp_path):
    result = run_finder(tmp_path, PYTHON=str(tmp_path / "nope"))

    assert result.returncode == 1
    assert "is not a working Python >= 3.12" in result.stderr


def test_an_explicit_python_wins(tmp_path):
    result = run_finder(tmp_path, PYTHON=sys.executable)

    assert result.returncode == 0
    assert result.stdout.strip() == sys.executable


def test_make_stops_with_one_line_naming_the_minimum_version(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("make", "ls", "sort"):
        (bin_dir / tool).symlink_to(shutil.which(tool))

    result = subprocess.run(
        ["make", "--no-print-directory", f"VENV={tmp_path / 'venv'}", "install"],
        cwd=ROOT,
        env={"PATH": str(bin_dir), "HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode != 0
    [line] = result.stderr.strip().splitlines()
    assert line.endswith(
        "*** Comptoir needs Python >= 3.12 and none was found: "
        "install one or set PYTHON=/path/to/python3.12+.  Stop."
    )
    assert not (tmp_path / "venv").exists()
