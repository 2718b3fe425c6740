"""Language routing: hints come first, the script adds what it shows; mixed text gets both."""

from __future__ import annotations

import pytest

from tdg.transforms.pii.language import normalize_hint, route_languages


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please call me tomorrow.", ("en",)),
        ("请明天给我打电话。", ("zh",)),
        ("12345 67890", ("en",)),
        ("", ("en",)),
        ("我在 Google 工作, my manager is Alice Brown", ("zh", "en")),
        ("会议改到三点，请通知 Alice Brown and Bob", ("zh", "en")),
        ("请通知王先生，文件见附件 v2", ("zh",)),
        ("材料请交给 Matthew 统一整理，谢谢。", ("zh", "en")),
        ("请下载 app 后登录账户，再按提示完成实名认证，谢谢大家配合。", ("zh",)),
        ("The word 你好 means hello in Chinese, as everyone knows.", ("zh", "en")),
    ],
)
def test_detected_languages(text: str, expected: tuple[str, ...]) -> None:
    assert route_languages(text, None) == expected


def test_hint_comes_first_and_never_hides_a_script() -> None:
    assert route_languages("12345 67890", "zh") == ("zh",)
    assert route_languages("请明天给我打电话。", "zh") == ("zh",)
    assert route_languages("请明天给我打电话。", "en") == ("en", "zh")
    assert route_languages("Please call me.", "zh-CN") == ("zh", "en")
    assert route_languages("Please call me.", "auto") == ("en",)
    assert route_languages("Please call me.", "mixed") == ("zh", "en")
    # A Chinese source's record quoting English names still gets the English NER.
    assert route_languages("会议改到三点，请通知 Alice Brown and Bob", "zh") == ("zh", "en")


def test_unknown_hint_is_an_error() -> None:
    assert normalize_hint(None) is None
    with pytest.raises(ValueError, match="unsupported language"):
        normalize_hint("klingon")
