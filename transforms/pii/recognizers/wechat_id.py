"""WeChat IDs (微信号), next to a context word."""

from __future__ import annotations

import re

from tdg.transforms.pii.recognizers.base import CandidatePattern, IdentifierRecognizer

_NOT_LETTERS = frozenset("0123456789_-")


class WechatIdRecognizer(IdentifierRecognizer):
    """A person's WeChat ID: an online account identifier that singles its holder out
    (PIPL Art. 4), posted everywhere people ask to be added ("加微信 ...").

    **Format**: 6 to 20 characters, a letter first, then letters, digits, `_` or `-` (WeChat's
    rule; system IDs `wxid_...` follow it too). Reported only right after or before a context
    word (微信, 微信号, V信, 薇信, 威信, vx, wx, WeChat: within 12 characters before, 4 after), and
    only with a digit, `_` or `-` in it: a run of letters next to 微信 is far more often an
    English word (`微信 WeChat`, `微信 account`) than an ID, so letter-only IDs are missed. Not
    part of an e-mail address, domain or URL. A mobile number used as the ID is reported by the
    phone recognizers.

    **Matches**: `微信号：zhang_san88`, `加V信 abc-2024x`, `vx: Li123456`,
    `wxid_k2j3h4g5f6（微信）`.

    **Does not match**: `微信 WeChat` (letters only); `微信a1234` (5 characters); `微信 8abcdef`
    (a digit first); `微信 abc123@example.com` (an e-mail address); `用户名 zhang_san88` (no
    context word).

    **Reference**: WeChat ID rules (微信号: 6-20 characters, letters, digits, underscores and
    hyphens, starting with a letter).
    """

    ENTITY = "WECHAT_ID"
    PATTERNS = (
        CandidatePattern(
            "wechat_id_v1",
            r"(?<![0-9A-Za-z_@./-])[A-Za-z][0-9A-Za-z_-]{5,19}"
            r"(?![0-9A-Za-z_-]|[@.][0-9A-Za-z])",
            0.6,
        ),
    )
    CONTEXT = ("微信", "薇信", "威信", "V信", "vx", "wx", "WeChat", "weixin")  # 微信 covers 微信号
    CONTEXT_REQUIRED = True
    CONTEXT_BEFORE = 12  # "WeChat ID: " is 11
    CONTEXT_AFTER = 4
    # Case-sensitive spellings: a case-insensitive scan for `w` and `v` costs a tenth of an
    # English fast pass (mixed-case forms such as "wEchat" are not looked for).
    PREFILTER = (
        "微信|薇信|威信|[Vv]信|WeChat|Wechat|wechat|WECHAT|WeiXin|Weixin|weixin|[Vv][Xx]|[Ww][Xx]"
    )

    def score_candidate(self, text: str, match: re.Match[str], pattern: CandidatePattern) -> float:
        if _NOT_LETTERS.isdisjoint(match.group()):
            return 0.0  # letters only: most likely a word (see the class docstring)
        return super().score_candidate(text, match, pattern)


RECOGNIZER = WechatIdRecognizer
