"""Every command documents itself; bad usage is a one-line error with exit 2."""

import pytest

from tdg.pipelines.cli import COMMAND_MODULES, main


@pytest.mark.parametrize(
    "argv",
    [
        [],
        ["run"],
        ["verify"],
        ["detect"],
        ["keys", "init"],
        ["reidentify"],
        ["ledger", "verify"],
        ["requests", "apply"],
        ["annotations", "sample"],
    ],
)
def test_help_exits_zero(argv: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main([*argv, "--help"])
    assert exit_.value.code == 0
    assert "usage: tdg" in capsys.readouterr().out


def test_every_command_module_registers() -> None:
    assert len(COMMAND_MODULES) == 8


def test_unknown_command_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["certify-everything"])
    assert exit_.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
