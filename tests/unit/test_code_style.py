"""The style the design asks for is checked, not hoped for: ruff (lint, format) and mypy."""

import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
PYTHON_DIRS = ["pipelines", "transforms", "tdg", "tests", "bench", "samples"]


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", *args], cwd=REPO, capture_output=True, text=True, check=False
    )


def test_ruff_lint_and_format() -> None:
    lint = run("ruff", "check", *PYTHON_DIRS)
    assert lint.returncode == 0, lint.stdout[-3000:]
    fmt = run("ruff", "format", "--check", *PYTHON_DIRS)
    assert fmt.returncode == 0, fmt.stdout[-3000:]


def test_mypy() -> None:
    result = run("mypy")
    assert result.returncode == 0, result.stdout[-3000:]
