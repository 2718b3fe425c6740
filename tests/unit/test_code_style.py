"""The style the design asks for is checked, not hoped for: ruff (lint, format) and mypy."""

import subprocess
import sys
import tomllib
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


def test_mypy(tmp_path: Path) -> None:
    """mypy over the package as it installs. The code imports itself as `tdg.transforms...`
    (pyproject's package-dir maps `tdg.transforms` to `transforms/`), which mypy cannot
    follow from the folders: run on them, it sees every such import as missing and checks no
    call across modules. So it runs on a view of the package built from symlinks."""
    config = tomllib.loads((REPO / "pyproject.toml").read_text())
    view = tmp_path / "tdg"
    view.mkdir()
    for item in (REPO / "tdg").iterdir():
        (view / item.name).symlink_to(item)
    for package, folder in config["tool"]["setuptools"]["package-dir"].items():
        if package != "tdg":
            (view / package.removeprefix("tdg.")).symlink_to(REPO / folder)
    result = subprocess.run(
        [sys.executable, "-m", "mypy", "--config-file", str(REPO / "pyproject.toml"), "-p", "tdg"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
    assert "no issues found" in result.stdout
