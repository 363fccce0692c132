"""The benchmarks' own small projects still load beside Comptoir's ASGI module.

`make bench` runs them in servers of their own; an import error there shows
only in a server log, minutes into the run (a setting the router reads and
the hello project lacked did exactly that).
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("module", "settings"),
    [
        ("bench.apps.hello.router", "bench.apps.hello.settings"),
        ("bench.apps.hello.asgi", "bench.apps.hello.settings"),
    ],
)
def test_a_bench_project_imports_under_its_own_settings(module: str, settings: str) -> None:
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env["DJANGO_SETTINGS_MODULE"] = settings
    env["WEB_THREADS"] = "2"  # as bench/serving.py sets it: the project has no database
    result = subprocess.run(
        [sys.executable, "-c", f"import {module}; print({module}.application is not None)"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"
