"""Detector: routing, offsets into the original text, chunking, allow and deny lists."""

from __future__ import annotations

import itertools
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tdg.transforms.pii.detection_settings import DetectionSettings
from tdg.transforms.pii.engine import (
    Detector,
    Finding,
    _class_first,
    _class_led,
    _joinable,
    _matching,
    _union_of,
)
from tdg.transforms.pii.recognizers.base import first_characters
from tests.detectors import fast_detector


@pytest.fixture(scope="module")
def thorough() -> Detector:
    return Detector(DetectionSettings(profile="thorough"))


@pytest.fixture(scope="module")
def fast() -> Detector:
    return Detector(DetectionSettings(profile="fast"))


def found(text: str, findings: list[Finding]) -> set[tuple[str, str]]:
    return {(text[f.start : f.end], f.entity_type) for f in findings}


def test_mixed_chinese_english_text(thorough: Detector) -> None:
    text = (
        "联系人：王小明，手机13812345678。Please forward this to Emily Johnson "
        "(emily.johnson@example.com) before Friday."
    )
    result = found(text, thorough.detect(text))
    assert ("王小明", "PERSON") in result
    assert ("13812345678", "PHONE_NUMBER") in result
    assert ("Emily Johnson", "PERSON") in result
    assert ("emily.johnson@example.com", "EMAIL_ADDRESS") in result


def test_chinese_identifiers_in_english_text(fast: Detector) -> None:
    text = "Her resident ID is 11010519491231002X and she banks with card 6200000000000005."
    result = found(text, fast.detect(text, "en"))
    assert ("11010519491231002X", "CN_RESIDENT_ID") in result


def test_offsets_exact_with_full_width_and_zero_width(thorough: Detector) -> None:
    phone = "１３８\u200b１２３４\u200b５６７８"
    email = "ｊａｎｅ\u200b@example.com"
    text = f"请联系我，手机：{phone}，邮箱 {email} 谢谢"
    findings = thorough.detect(text)
    values = {text[f.start : f.end]: f.entity_type for f in findings}
    assert values.get(phone) == "PHONE_NUMBER"
    assert values.get(email) == "EMAIL_ADDRESS"


def test_findings_sorted_and_not_overlapping(thorough: Detector) -> None:
    text = "Call John Smith at (212) 555-0199 or 212-555-0100, 住址北京市海淀区中关村大街27号。"
    findings = thorough.detect(text)
    assert findings == sorted(findings, key=lambda f: (f.start, f.end))
    for a, b in itertools.pairwise(findings):
        assert a.end <= b.start


def test_long_document_entity_across_a_chunk_boundary() -> None:
    detector = Detector(DetectionSettings(profile="fast", max_chunk_chars=200, chunk_overlap=40))
    email = "boundary.case@example.com"
    # Chunks start at 0, 160, 320, ...; the address straddles the first boundary at 200.
    text = "x " * 92 + email + " y" * 300
    start = text.index(email)
    assert start < 200 < start + len(email)
    findings = [f for f in detector.detect(text) if f.entity_type == "EMAIL_ADDRESS"]
    assert [(f.start, f.end) for f in findings] == [(start, start + len(email))]


def test_batch_equals_single_and_is_deterministic(fast: Detector) -> None:
    texts = ["mail a@example.com", "手机13812345678", "nothing", "ip 192.168.10.20 here"]
    batch = fast.detect_batch([(t, None) for t in texts])
    assert batch == [fast.detect(t) for t in texts]
    assert batch == fast.detect_batch([(t, None) for t in texts])


def test_allow_list_and_deny_list() -> None:
    settings = DetectionSettings(
        profile="fast",
        allow_list=["service@acme-example.com", "Acme Tower, 1 Harbour Road"],
        deny_list={"PERSON": ["Zorblax Quint"], "CN_ADDRESS": ["幸福小区"]},
    )
    detector = Detector(settings)
    text = (
        "Write to service@acme-example.com or zq@example.net; ask for Zorblax Quint "
        "at Acme Tower, 1 Harbour Road. 他住在幸福小区。"
    )
    result = found(text, detector.detect(text))
    assert ("service@acme-example.com", "EMAIL_ADDRESS") not in result
    assert ("zq@example.net", "EMAIL_ADDRESS") in result
    assert ("Zorblax Quint", "PERSON") in result
    assert ("幸福小区", "CN_ADDRESS") in result
    denied = [f for f in detector.detect(text) if f.recognizer == "deny_list"]
    assert {f.score for f in denied} == {1.0}


def test_entities_setting_restricts_types() -> None:
    detector = Detector(DetectionSettings(profile="fast", entities=["EMAIL_ADDRESS"]))
    text = "a@example.com 13812345678"
    assert {f.entity_type for f in detector.detect(text)} == {"EMAIL_ADDRESS"}


def test_fast_profile_finds_cue_names_without_ner(fast: Detector) -> None:
    text = "收件人：李春花，电话请见附件"
    assert ("李春花", "PERSON") in found(text, fast.detect(text))


def test_common_words_starting_with_a_surname_are_not_names(fast: Detector) -> None:
    text = "谢谢大家的祝福，周末看到王国的黄金很高兴，方法很安全。"
    assert not [f for f in fast.detect(text, "zh") if f.entity_type == "PERSON"]


def test_names_without_cue_words_in_both_profiles(fast: Detector, thorough: Detector) -> None:
    text = "昨天邵小敏和曾若彤去看了电影。"
    for detector in (fast, thorough):
        result = found(text, detector.detect(text, "zh"))
        assert ("邵小敏", "PERSON") in result
        assert ("曾若彤", "PERSON") in result


def test_social_media_handles_are_persons_unless_organisations(fast: Detector) -> None:
    text = "转发给@晴天小猪 看看，来源@城市晚报"
    result = found(text, fast.detect(text, "zh"))
    assert ("晴天小猪", "PERSON") in result
    assert not any(value == "城市晚报" for value, _ in result)


def test_fast_profile_finds_phones_without_libphonenumber(fast: Detector) -> None:
    text = "Call me at (212) 555-0199 or +44 (0)20 7946 0958; released 2024-03-15."
    result = found(text, fast.detect(text, "en"))
    assert ("(212) 555-0199", "PHONE_NUMBER") in result
    assert ("+44 (0)20 7946 0958", "PHONE_NUMBER") in result
    assert not any(value == "2024-03-15" for value, kind in result if kind == "PHONE_NUMBER")


@pytest.mark.parametrize(
    ("pattern", "digits"),
    [
        (r"(?<![0-9])[0-9]{4}(?:[ -]?[0-9]{4}){3}", 16),
        (r"(?:\(0[1-9]{2}\)|[0-9]{3}-)[0-9]{7,8}", 10),
        (r"[A-Z][0-9]{3}|[0-9]{2}", 2),
        (r"\d{9}", 0),  # \d also matches non-ASCII digits: no bound
        (r"(?:1[ .-]?)?[2-9][0-9]{2}", 3),
    ],
)
def test_min_ascii_digits_is_a_lower_bound(pattern: str, digits: int) -> None:
    from tdg.transforms.pii.recognizers.base import min_ascii_digits

    assert min_ascii_digits(pattern) == digits


def test_fast_profile_prefilters_keep_what_the_patterns_find(fast: Detector) -> None:
    cases = {
        "The server at 10.20.30.40 rebooted.": ("10.20.30.40", "IP_ADDRESS"),
        "Link-local fe80::1ff:fe23:4567:890a answered.": ("fe80::1ff:fe23:4567:890a", "IP_ADDRESS"),
        "Signed on 03/15/1990 in Ohio.": ("03/15/1990", "DATE_TIME"),
        "Valid from 15.03.2024 onwards.": ("15.03.2024", "DATE_TIME"),
        "Due 12-MAR-2024 at noon.": ("12-MAR-2024", "DATE_TIME"),
        "SSN 536-22-8451 on file.": ("536-22-8451", "US_SSN"),
        "Wire to DE89370400440532013000 today.": ("DE89370400440532013000", "IBAN_CODE"),
        "Device 00:1a:2b:3c:4d:5e joined.": ("00:1a:2b:3c:4d:5e", "MAC_ADDRESS"),
        "Call +44 20 7946 0958 now.": ("+44 20 7946 0958", "PHONE_NUMBER"),
        "Driver license number A1234567 expired.": ("A1234567", "US_DRIVER_LICENSE"),
    }
    for text, expected in cases.items():
        assert expected in found(text, fast.detect(text, "en")), text


def test_low_scoring_patterns_need_a_context_word(fast: Detector) -> None:
    # US_BANK_NUMBER patterns score below the threshold: only a context word lifts them.
    with_word = "bank account 123456789012"
    without = "reference 123456789012"
    assert any(f.entity_type == "US_BANK_NUMBER" for f in fast.detect(with_word, "en"))
    assert not any(f.entity_type == "US_BANK_NUMBER" for f in fast.detect(without, "en"))


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"\b(?:[0-9]{3}|x)-", "0-9x"),  # boundaries skipped, alternatives joined
        (r"(?<![0-9])1[3-9]", "1"),
        (r"(?:https?://)?w", "hw"),  # an optional prefix adds what follows it
        (r"a?", None),  # can match empty
        (r"[^a]b", None),  # negated class
        (r".b", None),
        (r"(?i:a)b", None),  # scoped flags
    ],
)
def test_first_characters(pattern: str, expected: str | None) -> None:
    assert first_characters(pattern) == expected


@given(st.text(alphabet="0123456789-/. ABJanFeb\u0131\u017f\u212a\u0661", max_size=30))
@settings(max_examples=300, deadline=None)
def test_first_characters_lookahead_keeps_every_match(text: str) -> None:
    for pattern in (r"\b(([1-9]|0[1-9]|1[0-2])/\d{4})\b", r"\b((JAN|FEB)-(\d{4}|\d{2}))\b"):
        plain = re.compile(pattern, re.IGNORECASE)
        gated = re.compile(f"(?=[{first_characters(pattern, re.IGNORECASE)}])(?:{pattern})", re.I)
        assert [m.span() for m in plain.finditer(text)] == [m.span() for m in gated.finditer(text)]


@pytest.mark.parametrize(
    ("pattern", "joinable"),
    [("[0-9]{4}[ -]?[0-9]{3}", True), ("[.][A-Za-z]", True), ("account|bank", True),
     (r"\bx", True), ("(?<!x)a", True), (r"\sa", True), (r"[\s]a", True), (r"\d\w", True),
     ("^a", False), ("a$", False), ("a.b", False), ("[^a]", False), (r"\Wa", False),
     (r"\Da", False), ("a\x00", False), (r"a\x00", False), ("[\x00-a]", False),
     ("(?i)ab", False), (r"\Aa", False), (r"a\Z", False)],
)  # fmt: skip
def test_joinable_rejects_what_the_separator_could_change(pattern: str, joinable: bool) -> None:
    assert _joinable(re.compile(pattern)) is joinable


_BATCH_PATTERNS = (
    r"[0-9]{3}[- .]?[0-9]{2}",
    "@",
    r"[0-9](?:(?<=[A-Za-z][0-9])|[0-9]{5})",
    r"(?<![0-9A-Za-z])[0-9]{3}(?![0-9A-Za-z])",
    r"\b[0-9]{2}\b",
    r"(?<=a)b|\Bb",
)


@given(st.lists(st.text(alphabet="0123456789ab.-@ \n\x00", max_size=12), max_size=12))
@settings(max_examples=300, deadline=None)
def test_batch_prefilter_finds_exactly_the_texts_a_search_finds(texts: list[str]) -> None:
    for pattern in _BATCH_PATTERNS:
        regex = re.compile(pattern)
        assert _joinable(regex)
        indexes = list(range(len(texts)))
        alone = [i for i in indexes if regex.search(texts[i])]
        assert _matching(regex, texts, indexes) == alone
        assert _matching(regex, texts, indexes, {}) == alone


@given(st.lists(st.text(alphabet="0123456789+-() .Xx@abc:/\n", max_size=40), max_size=8))
@settings(max_examples=200, deadline=None)
def test_every_runner_scan_finds_the_texts_its_regexes_find(texts: list[str]) -> None:
    detector = fast_detector()
    indexes = list(range(len(texts)))
    for runner in detector._universal:
        for regex in (runner.prefilter, runner.candidates):
            if regex is not None:
                alone = [i for i in indexes if regex.search(texts[i])]
                assert set(alone) <= set(_matching(regex, texts, indexes)), regex.pattern


@pytest.mark.parametrize(
    "pattern",
    [r"[0-9]{3}[- .]?[0-9]{2}", r"[0-9]{8}", r"[a-z]{1}b", r"[a-c]{2,4}?b", r"[0-9]{2,}-",
     r"[\]a]{2}x", r"[0-9]{1,3}", r"@"],
)  # fmt: skip
def test_class_first_matches_the_same(pattern: str) -> None:
    rewritten = re.compile(_class_first(pattern))
    assert (rewritten.pattern != pattern) is (pattern != "@")  # a leading repeat is split

    @given(st.text(alphabet="0123456789abc]x- .@", max_size=30))
    @settings(max_examples=200, deadline=None)
    def same(text: str) -> None:
        plain = re.compile(pattern)
        assert [m.span() for m in plain.finditer(text)] == [
            m.span() for m in rewritten.finditer(text)
        ]

    same()


@given(st.text(alphabet="0123456789+-() .Xx@abcE:/HG\n\u4eac", max_size=40))
@settings(max_examples=200, deadline=None)
def test_class_led_scans_match_where_the_regexes_do(text: str) -> None:
    detector = fast_detector()
    led_any = False
    for runner in detector._universal:
        for regex in (runner.prefilter, runner.candidates, runner.context_words):
            if regex is None:
                continue
            led = re.compile(_class_led(regex), regex.flags)
            led_any = led_any or led.pattern != f"(?:{regex.pattern})"
            for pos in range(len(text) + 1):
                expected = regex.match(text, pos) is not None
                assert (led.match(text, pos) is not None) is expected, regex.pattern
    assert led_any  # the candidate scans starting with a lookahead are rewritten


def test_class_led_rewrites_only_assertion_led_rare_classes() -> None:
    assert _class_led(re.compile("[0-9]-")) == "(?:[0-9]-)"
    assert _class_led(re.compile("driver|lic")) == "(?:driver|lic)"
    assert _class_led(re.compile("[0-9]{3}")).startswith("[0-9](?<=")
    assert _class_led(re.compile(r"(?<![0-9])[0-9]{3}")).startswith("[0-9](?<=")
    assert _class_led(re.compile(r"\b[a-z]+@")) == r"(?:\b[a-z]+@)"  # most letters: no gain


def test_long_documents_are_chunked_for_ner_and_chinese_rules_too() -> None:
    """A name across a chunk boundary is found once, whole, by spaCy NER and by the Chinese
    name and address rules, exactly as in one piece."""
    chunked = Detector(DetectionSettings(max_chunk_chars=200, chunk_overlap=40))
    whole = Detector(DetectionSettings(max_chunk_chars=20_000, chunk_overlap=40))
    english = "Minutes follow. " * 12 + "Dear " + "Nancy Nelson, please send them on. " * 4
    filler = ("今天的会议讨论了很多事情，大家都发表了意见。" * 10)[:196]
    name = filler + "联系人王小明，请尽快回复。" * 3
    address = filler[:-6] + "地址：北京市朝阳区幸福路12号，请尽快回复。" * 3
    for text, expected in (
        (english, ("Nancy Nelson", "PERSON")),
        (name, ("王小明", "PERSON")),
        (address, ("北京市朝阳区幸福路12号", "CN_ADDRESS")),
    ):
        value = expected[0]
        first = text.index(value)
        assert first < 200 < first + len(value)  # straddles the first boundary
        got = chunked.detect(text)
        assert got == whole.detect(text)
        assert (first, first + len(value), expected[1]) in {
            (f.start, f.end, f.entity_type) for f in got
        }


def test_spacy_runs_with_its_ner_component_only() -> None:
    assert Detector(DetectionSettings()).ner_components == ("ner",)
    assert Detector(DetectionSettings(profile="fast")).ner_components == ()


@pytest.mark.parametrize("lead", ["我的邮箱是", "联系邮箱", "邮箱：", "mail "])
def test_an_email_after_chinese_text_is_the_address_alone(fast: Detector, lead: str) -> None:
    text = f"{lead}john.doe@example.com。"
    emails = [f for f in fast.detect(text) if f.entity_type == "EMAIL_ADDRESS"]
    assert [text[f.start : f.end] for f in emails] == ["john.doe@example.com"]


@given(
    st.lists(
        st.tuples(
            st.integers(0, 40),
            st.integers(1, 8),
            st.sampled_from(["PERSON", "PHONE_NUMBER"]),
            st.sampled_from([0.4, 0.6, 0.85]),
            st.sampled_from(["SpacyRecognizer", "CnMobileRecognizer", "deny_list"]),
        ),
        max_size=30,
    )
)
@settings(max_examples=400, deadline=None)
def test_overlap_resolution_keeps_the_greedy_choice_widened_by_its_own_type(
    raw: list[tuple[int, int, str, float, str]],
) -> None:
    from tdg.transforms.pii.engine import _RANK, _resolve_overlaps

    text = "ab cd-e f.gh ij" * 4  # letters between separators, for the parts' trimming
    spans = [(a, a + n, t, s, r) for a, n, t, s, r in raw]
    order = sorted(
        set(spans), key=lambda s: (-_RANK.get(s[4], 1), -s[3], -(s[1] - s[0]), s[0], s[2], s[4])
    )
    expected: list[tuple[int, int, str, float, str]] = []
    dropped = []
    for span in order:  # the plain quadratic greedy
        if all(span[1] <= c[0] or span[0] >= c[1] for c in expected):
            expected.append(span)
        else:
            dropped.append(span)
    crossing = []
    for span in dropped:  # then widening into same-type overlaps
        overlapped = sorted(c for c in expected if span[0] < c[1] and c[0] < span[1])
        if all(c[2] == span[2] for c in overlapped):
            best = max(overlapped, key=lambda c: c[3])
            for c in overlapped:
                expected.remove(c)
            start = min(span[0], overlapped[0][0])
            expected.append((start, max(span[1], overlapped[-1][1]), *best[2:]))
        else:
            crossing.append(span)
    for span in crossing:  # then what other types' spans leave of it, character by character
        covered = {i for c in expected for i in range(c[0], c[1])}
        free = [i for i in range(span[0], span[1]) if i not in covered]
        runs: list[list[int]] = []
        for i in free:
            if runs and runs[-1][-1] == i - 1:
                runs[-1].append(i)
            else:
                runs.append([i])
        for run in runs:
            letters = [i for i in run if text[i].isalnum()]
            if not letters:
                continue
            piece = (letters[0], letters[-1] + 1, *span[2:])
            # joined to its neighbours, when of its type with nothing but punctuation between
            before = [c for c in expected if c[1] <= piece[0]]
            after = [c for c in expected if c[0] >= piece[1]]
            neighbours = [max(before, default=None), min(after, default=None)]
            joined = [
                c
                for c in neighbours
                if c is not None
                and c[2] == piece[2]
                and not any(ch.isalnum() for ch in text[min(c[1], piece[1]) : max(c[0], piece[0])])
            ]
            for c in joined:
                expected.remove(c)
            best = max([piece, *joined], key=lambda c: c[3])
            parts = [piece, *joined]
            expected.append(
                (min(p[0] for p in parts), max(p[1] for p in parts), piece[2], best[3], best[4])
            )
    expected.sort(key=lambda s: (s[0], s[1]))
    got = _resolve_overlaps(spans, text)
    assert got == (expected if len(spans) > 1 else spans)
    # and what resolution must guarantee, whatever the algorithm: sorted, disjoint, non-empty,
    # and every letter or digit some span covered is still covered
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(got))
    assert all(s[0] < s[1] for s in got)
    covered = {i for s in got for i in range(s[0], s[1])}
    assert all(i in covered for s in spans for i in range(s[0], s[1]) if text[i].isalnum())


def test_two_readings_of_one_name_leave_none_of_it_in_clear() -> None:
    from tdg.transforms.pii.engine import _resolve_overlaps

    text = "xxxx lucy yyyyyyyyyyy"
    handle = (0, 9, "PERSON", 0.5, "CnPersonNameRecognizer")
    english = (4, 9, "PERSON", 0.85, "SpacyRecognizer")
    assert _resolve_overlaps([handle, english], text) == [(0, 9, "PERSON", 0.85, "SpacyRecognizer")]
    # another type: what the kept span does not cover stays a span of its own
    address = (0, 9, "CN_ADDRESS", 0.5, "CnAddressRecognizer")
    assert _resolve_overlaps([address, english], text) == [
        (0, 4, "CN_ADDRESS", 0.5, "CnAddressRecognizer"),
        english,
    ]
    # widening never costs a span of another type the greedy choice kept
    place = (7, 20, "LOCATION", 0.6, "SpacyRecognizer")
    first = (0, 5, "PERSON", 0.9, "SpacyRecognizer")
    middle = (3, 9, "PERSON", 0.85, "CnPersonNameRecognizer")
    got = _resolve_overlaps([first, middle, place], text)
    # what is left of `middle` (`lu`) touches `first`, of its type: one name
    assert got == [(0, 7, "PERSON", 0.9, "SpacyRecognizer"), place]


def test_what_is_left_of_a_crossing_span_respects_the_allow_list() -> None:
    detector = Detector(
        DetectionSettings(
            profile="fast", allow_list=["Harlow Road"], deny_list={"PERSON": ["Room 12"]}
        )
    )
    text = "Room 12 Harlow Road"
    assert found(text, detector.detect(text)) == {("Room 12", "PERSON")}


def test_a_name_that_runs_into_an_address_unit_keeps_the_name(thorough: Detector) -> None:
    text = "Ship to Mx Dana Reyes Apt. 4, Springfield"
    result = found(text, thorough.detect(text))
    assert ("Apt. 4", "LOCATION") in result
    assert any(value.startswith("Dana Reyes") and kind == "PERSON" for value, kind in result)


def test_allow_and_deny_values_are_folded_like_the_text() -> None:
    detector = Detector(
        DetectionSettings(
            profile="fast",
            allow_list=["400\u2013800\u20131234"],
            deny_list={"PERSON": ["张\u00a0三"]},
        )
    )
    text = "热线 400\u2013800\u20131234，联系人张\u00a0三。"
    result = found(text, detector.detect(text))
    assert ("张\u00a0三", "PERSON") in result
    assert not any(value.startswith("400") for value, _ in result)


def _fixture_matches() -> list[tuple[str, str]]:
    import yaml

    from tdg.transforms.pii.recognizers import recognizer_modules

    cases_dir = Path(__file__).resolve().parents[2] / "fixtures" / "recognizers"
    cases = []
    for module, cls in recognizer_modules().items():
        spec = yaml.safe_load((cases_dir / f"{module}.yaml").read_text(encoding="utf-8"))
        cases += [(cls.__name__, case["text"]) for case in spec.get("match", [])]
    return cases


@pytest.mark.parametrize(("recognizer", "text"), _fixture_matches())
def test_every_case_file_match_passes_its_recognizers_cheap_gates(
    fast: Detector, recognizer: str, text: str
) -> None:
    """The engine skips a recognizer on texts failing its digit-run, chain, total-digit,
    character and ASCII gates: no text it must find may fail them."""
    from tdg.transforms.pii.normalized_view import NormalizedView

    folded = NormalizedView.of(text).text
    gated = {type(runner.recognizer).__name__ for runner, _ in fast._gate([folded], [0])}
    runs_here = any(type(r.recognizer).__name__ == recognizer for r in fast._universal)
    assert recognizer in gated or not runs_here


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("我的同事David说Sarah Connor下周来北京出差", ["David", "Sarah Connor"]),
        ("Email Robert Thomas at robert.t@corp.example.org today.", ["Robert Thomas"]),
        (
            "会议改到三点，请通知 Nancy Nelson 和 Matthew Carter 准时参加",
            ["Nancy Nelson", "Matthew Carter"],
        ),
    ],
)
def test_ner_names_stop_at_chinese_text_and_sentence_openers(
    thorough: Detector, text: str, names: list[str]
) -> None:
    persons = [text[f.start : f.end] for f in thorough.detect(text) if f.entity_type == "PERSON"]
    assert persons == names


def test_thorough_parses_phones_with_libphonenumber_in_english_text_only(
    thorough: Detector,
) -> None:
    # libphonenumber knows national formats the regexes do not (an Israeli landline) ...
    english = "My Israeli number is 09-7625400"
    [phone] = [f for f in thorough.detect(english) if f.entity_type == "PHONE_NUMBER"]
    assert english[phone.start : phone.end] == "09-7625400"
    assert phone.recognizer == "PhoneRecognizer"
    # ... but on Chinese text, where it would parse every digit group of a form, the Chinese
    # phone recognizers and the international regexes do the work, as in the fast profile.
    chinese = "请于明天联系伦敦办事处，电话 +44 20 7946 0958，或手机 139 1234 5678。"
    phones = [f for f in thorough.detect(chinese) if f.entity_type == "PHONE_NUMBER"]
    assert [chinese[f.start : f.end] for f in phones] == ["+44 20 7946 0958", "139 1234 5678"]
    assert {f.recognizer for f in phones} == {"IntlPhoneRecognizer", "CnMobileRecognizer"}


@pytest.mark.parametrize("profile", ["fast", "thorough"])
def test_a_cue_name_leaves_the_text_around_it_to_the_other_recognizers(
    profile: str, request: pytest.FixtureRequest
) -> None:
    detector: Detector = request.getfixturevalue(profile)
    text = "收件人Mr. Wang北京市海淀区中关村大街27号3单元"  # synthetic
    result = found(text, detector.detect(text))
    assert ("Wang", "PERSON") in result
    assert ("北京市海淀区中关村大街27号3单元", "CN_ADDRESS") in result
    # a name rule ranks as the NER does: `Dame` is no title in a street name
    street = "I live at 40 Dame Street, Dublin."
    assert ("Street", "PERSON") not in found(street, detector.detect(street))


def test_thorough_also_runs_the_phone_regexes_on_english_text(thorough: Detector) -> None:
    # a grouping libphonenumber does not parse, and one spaCy reads as two dates
    text = "Text me on +447700 921 916, or call my office, phone 21 284 698 2548."
    phones = [f for f in thorough.detect(text) if f.entity_type == "PHONE_NUMBER"]
    assert [text[f.start : f.end] for f in phones] == ["+447700 921 916", "21 284 698 2548"]
    assert {f.recognizer for f in phones} == {"IntlPhoneRecognizer"}


def test_thorough_finds_chinese_names_by_the_model_unless_switched_off(
    thorough: Detector, fast: Detector
) -> None:
    text = "昨天晓红和建国去看电影了。"  # synthetic: given names alone, no cue word
    assert ("晓红", "LacChineseNer") in {
        (text[f.start : f.end], f.recognizer) for f in thorough.detect(text)
    }
    without = Detector(DetectionSettings(profile="thorough", chinese_ner=False))
    assert not [f for f in without.detect(text) if f.recognizer == "LacChineseNer"]
    # never a model in fast, whatever chinese_ner says (the fixture leaves it on)
    assert fast.settings.chinese_ner
    assert not [f for f in fast.detect(text) if f.recognizer == "LacChineseNer"]


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("客服电话400-820-8820一直无人接听，我的手机13912345678", "400-820-8820"),
        ("免费热线800 810 1234，欢迎来电", "800 810 1234"),
        ("热线4008208820", "4008208820"),
        ("Their hotline 400-613-1125 keeps me on hold.", "400-613-1125"),
    ],
)
def test_mainland_service_numbers_are_a_company_not_a_person(
    fast: Detector, thorough: Detector, text: str, kept: str
) -> None:
    for detector in (fast, thorough):
        assert not [f for f in detector.detect(text) if text[f.start : f.end] == kept]
    if "13912345678" in text:
        assert ("13912345678", "PHONE_NUMBER") in found(text, fast.detect(text))


def test_an_800_number_in_english_text_is_north_american(fast: Detector) -> None:
    text = "Call us toll-free at 1-800-555-0199 or 800-555-0123."
    assert {v for v, t in found(text, fast.detect(text)) if t == "PHONE_NUMBER"} == {
        "1-800-555-0199",
        "800-555-0123",
    }


def test_a_dea_number_inside_a_longer_code_is_not_a_medical_licence(fast: Detector) -> None:
    parcel = "快递单号SF358083528239显示已签收"  # SF3580835 passes the DEA check by chance
    assert not [f for f in fast.detect(parcel) if f.entity_type == "MEDICAL_LICENSE"]
    text = "DEA number: AB1234563 on file"
    assert ("AB1234563", "MEDICAL_LICENSE") in found(text, fast.detect(text))


def test_service_number_digits_validated_as_another_identifier_are_still_reported(
    fast: Detector,
) -> None:
    nhs = "Patient NHS number 400 123 4564 was admitted."  # valid NHS check digit
    assert ("400 123 4564", "UK_NHS") in found(nhs, fast.detect(nhs))
    qq = "有事加我QQ号：4001234567"
    assert ("4001234567", "QQ_NUMBER") in found(qq, fast.detect(qq))


def test_in_chinese_text_the_english_model_reads_english_words_only(thorough: Detector) -> None:
    text = "订单号2025272410366424，价格8646元，日期2025年11月15日，交给 Matthew 整理"
    result = found(text, thorough.detect(text))
    assert ("Matthew", "PERSON") in result
    assert not [v for v, _ in result if not any(c.isascii() and c.isalpha() for c in v)]


def test_numbers_reported_only_with_context_keep_their_pattern_score() -> None:
    from tdg.transforms.pii.recognizers.cn_taiwan_resident_permit import (
        CnTaiwanResidentPermitRecognizer,
    )
    from tdg.transforms.pii.recognizers.qq_number import QqNumberRecognizer

    for recognizer, text in (
        (QqNumberRecognizer(), "QQ：123456789"),
        (CnTaiwanResidentPermitRecognizer(), "台胞证号码：12345678"),
    ):
        [result] = recognizer.analyze(text, [])
        assert recognizer.CONTEXT_REQUIRED
        assert result.score == recognizer.PATTERNS[0].score  # no context boost on top


def test_patterns_with_numbered_conditionals_are_not_joined() -> None:
    """Joined, `(?(1)...)` in the second pattern would refer to the first one's group."""
    patterns = ((re.compile("(a)?b"), 0.5), (re.compile("(c)?(?(1)d|e)"), 0.5))
    assert _union_of(patterns) is None


def test_a_lone_surrogate_does_not_stop_detection(fast: Detector) -> None:
    text = "call 13812345678 \ud800"
    assert ("13812345678", "PHONE_NUMBER") in found(text, fast.detect(text))
