"""Values: every printed spelling of an operator, number, unit, change, time, word."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from jixiao.values import Value, chinese_to_number, direction_from_name, parse_value, vocab

KINDS = {
    "quantity",
    "change",
    "duration",
    "qualitative",
    "compound",
    "placeholder",
    "text",
    "empty",
}

# text → (kind, op, number, upper, unit, direction)
QUANTITIES = [
    ("=100.00(%)", "quantity", "=", 100.0, None, "%", "exact"),
    (">=90%", "quantity", "≥", 90.0, None, "%", "higher"),
    ("≥85%", "quantity", "≥", 85.0, None, "%", "higher"),
    ("≧90%", "quantity", "≥", 90.0, None, "%", "higher"),
    ("＞＝９０％", "quantity", "≥", 90.0, None, "%", "higher"),
    ("<0.10(%)", "quantity", "<", 0.1, None, "%", "lower"),
    ("<=5%", "quantity", "≤", 5.0, None, "%", "lower"),
    ("=125.00(人)", "quantity", "=", 125.0, None, "人", "exact"),
    ("40.00(件/人/年)", "quantity", None, 40.0, None, "件/人/年", None),
    ("≥50个", "quantity", "≥", 50.0, None, "个", "higher"),
    ("≤90万元", "quantity", "≤", 90.0, None, "万元", "lower"),
    ("≥100百分比", "quantity", "≥", 100.0, None, "%", "higher"),
    ("达到80%以上", "quantity", "≥", 80.0, None, "%", "higher"),
    ("90%以上", "quantity", "≥", 90.0, None, "%", "higher"),
    ("达到90以上", "quantity", "≥", 90.0, None, None, "higher"),
    ("60%以下", "quantity", "≤", 60.0, None, "%", "lower"),
    ("不低于95%", "quantity", "≥", 95.0, None, "%", "higher"),
    ("不高于10%", "quantity", "≤", 10.0, None, "%", "lower"),
    ("不超过5起", "quantity", "≤", 5.0, None, "起", "lower"),
    ("控制在90万元以内", "quantity", "≤", 90.0, None, "万元", "lower"),
    ("=2-3人", "quantity", "=", 2.0, 3.0, "人", "exact"),
    ("2～3人", "quantity", None, 2.0, 3.0, "人", None),
    ("12,345.6元", "quantity", None, 12345.6, None, "元", None),
    ("1 2 , 3 4 5 元", "quantity", None, 12345.0, None, "元", None),
    ("500元/亩", "quantity", None, 500.0, None, "元/亩", None),
    ("百分之九十", "quantity", None, 90.0, None, "%", None),
    ("两人", "quantity", None, 2.0, None, "人", None),
    ("-3", "quantity", None, -3.0, None, None, None),
    ("0起", "quantity", None, 0.0, None, "起", None),
    ("一个工作日", "duration", None, 1.0, None, "工作日", "lower"),
    ("两个工作日", "duration", None, 2.0, None, "工作日", "lower"),
    ("3天内", "duration", "≤", 3.0, None, "天", "lower"),
    ("不超过3天", "duration", "≤", 3.0, None, "天", "lower"),
    ("=24 小时/天", "duration", "=", 24.0, None, "小时/天", "exact"),
    ("24小时/天", "duration", None, 24.0, None, "小时/天", None),
]


@pytest.mark.parametrize(("text", "kind", "op", "number", "upper", "unit", "direction"), QUANTITIES)
def test_quantities_and_times(
    text: str,
    kind: str,
    op: str | None,
    number: float,
    upper: float | None,
    unit: str | None,
    direction: str | None,
) -> None:
    v = parse_value(text)
    assert (v.kind, v.op, v.number, v.upper, v.unit, v.direction) == (
        kind,
        op,
        number,
        upper,
        unit,
        direction,
    )


@pytest.mark.parametrize(
    ("text", "basis", "trend", "number", "unit"),
    [
        ("同比下降10%", "同比", "down", 10.0, "%"),
        ("环比下降5%", "环比", "down", 5.0, "%"),
        ("同比上升20%", "同比", "up", 20.0, "%"),
        ("同比减少58%", "同比", "down", 58.0, "%"),
        ("较上年增长5%", "较上年", "up", 5.0, "%"),
        ("较上一年提升", "较上年", "up", None, None),
        ("比上年减少3起", "较上年", "down", 3.0, "起"),
        ("全年同比下降14.6%", "同比", "down", 14.6, "%"),
        ("增长 10%", None, "up", 10.0, "%"),
    ],
)
def test_relative_changes(
    text: str, basis: str | None, trend: str, number: float | None, unit: str | None
) -> None:
    v = parse_value(text)
    assert v.kind == "change"
    assert (v.basis, v.trend, v.number, v.unit) == (basis, trend, number, unit)
    assert v.direction == ("higher" if trend == "up" else "lower")


def test_compound_values_keep_their_parts() -> None:
    v = parse_value("56191，增长 10%")
    assert v.kind == "compound"
    assert [p.kind for p in v.parts] == ["quantity", "change"]
    assert v.parts[0].number == 56191 and v.parts[1].number == 10
    v = parse_value("9个居委67小区")
    assert [(p.number, p.unit) for p in v.parts] == [(9, "个居委"), (67, "小区")]
    v = parse_value("登记率96%、准确率97%")
    assert [(p.label, p.number, p.unit) for p in v.parts] == [
        ("登记率", 96, "%"),
        ("准确率", 97, "%"),
    ]


@pytest.mark.parametrize(
    ("text", "claim", "trend", "direction"),
    [
        ("及时", None, None, None),
        ("健全", None, None, None),
        ("有效", None, None, None),
        ("提升", None, "up", "higher"),
        ("有所提升", None, "up", "higher"),
        ("下降", None, "down", "lower"),
        ("达成指标", "achieved", None, None),
        ("达成预期指标", "achieved", None, None),
        ("完成", "achieved", None, None),
        ("符合区人口办考核要求", "achieved", None, None),
        ("未发生特殊人员脱失事件", "achieved", None, None),
        ("部分完成", "partial", None, None),
        ("基本达成", "partial", None, None),
        ("未完成", "missed", None, None),
        ("不及时", "missed", None, None),
        ("控制在预算范围内", None, None, "lower"),
        ("是", "achieved", None, None),
        ("否", "missed", None, None),
    ],
)
def test_qualitative_words(
    text: str, claim: str | None, trend: str | None, direction: str | None
) -> None:
    v = parse_value(text)
    assert v.kind == "qualitative"
    assert (v.claim, v.trend, v.direction) == (claim, trend, direction)


@pytest.mark.parametrize("text", ["无", "暂无", "指标1", "指标2", "……", "...", "/", "—", "xx"])
def test_placeholders(text: str) -> None:
    assert parse_value(text).kind == "placeholder"


@pytest.mark.parametrize("text", [None, "", "   ", "\u3000"])
def test_empty(text: str | None) -> None:
    assert parse_value(text).kind == "empty"


@pytest.mark.parametrize(
    ("text", "claim"),
    [
        ("自建监控项目招投标及签约有所滞后", "missed"),
        ("2023年全市未测评", "not_assessed"),
        (
            "未发生造成较大影响的治安案件，但5月曾发生一起因家庭纠纷造成人员意外死亡的案件",
            "partial",
        ),
    ],
)
def test_statements_kept_as_text_still_say_what_they_claim(text: str, claim: str) -> None:
    v = parse_value(text)
    assert v.kind == "text" and v.claim == claim and v.note


def test_clock_time_is_kept_as_text_with_a_reason() -> None:
    v = parse_value("15:01:00")
    assert v.kind == "text" and v.number is None
    assert v.note is not None and "时刻" in v.note


def test_percent_above_100_is_flagged_not_corrected() -> None:
    v = parse_value("292%")  # OCR may have read "≥92%": flagged, never guessed
    assert v.number == 292 and "percent_over_100" in v.flags


def test_a_year_is_not_a_duration() -> None:
    assert parse_value("2023年").kind == "text"


@pytest.mark.parametrize(
    ("name", "direction"),
    [
        ("治安案件发生率", "lower"),
        ("设备事故率", "lower"),
        ("安全事故发生次数", "lower"),
        ("群众投诉量", "lower"),
        ("投诉率降低", "lower"),
        ("整治区域回潮率", "lower"),
        ("单位成本", "lower"),
        ("系统重要储存信息丢失率", "lower"),
        ("故障处理率", "higher"),
        ("投诉满意率", "higher"),
        ("辖区发案数下降率", "higher"),
        ("安全隐患消除率", "higher"),
        ("系统运行率", None),
        (None, None),
    ],
)
def test_direction_from_name(name: str | None, direction: str | None) -> None:
    assert direction_from_name(name) == direction


def test_name_refines_an_exact_target_but_not_an_explicit_operator() -> None:
    assert parse_value("=0.00(起)", "整治区域回潮率").direction == "lower"
    assert parse_value("=0.00(起)").direction == "exact"
    assert parse_value(">=90%", "设备事故率").direction == "higher"  # the text wins


@pytest.mark.parametrize(
    ("text", "number"),
    [
        ("一", 1),
        ("两", 2),
        ("十", 10),
        ("十二", 12),
        ("二十四", 24),
        ("一百零五", 105),
        ("三千五百", 3500),
        ("三万", 30000),
        ("一万二千", 12000),
        ("二〇二三", 2023),
        ("网", None),
        ("", None),
    ],
)
def test_chinese_numerals(text: str, number: int | None) -> None:
    assert chinese_to_number(text) == number


def test_describe_and_to_dict() -> None:
    v = parse_value("达到80%以上")
    assert v.describe() == "≥80%"
    d = v.to_dict()
    assert d["kind"] == "quantity" and d["op"] == "≥" and d["number"] == 80.0
    assert parse_value("同比下降10%").describe() == "同比下降10%"


# ---------------------------------------------------------------------------
# Properties

FULL_WIDTH = str.maketrans("0123456789.,%", "０１２３４５６７８９．，％")


@given(st.integers(min_value=0, max_value=10**12))
def test_thousands_separators_and_full_width_digits(n: int) -> None:
    assert parse_value(f"{n:,}").number == n
    assert parse_value(f"{n:,}".translate(FULL_WIDTH)).number == n
    assert parse_value(f"{n}元").unit == "元"


@given(
    st.sampled_from([">=", "≥", "≧", "不低于", "不少于", "达到"]),
    st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False),
    st.sampled_from(["%", "(%)", "百分比", "人", "(件/人/年)", "万元"]),
)
def test_at_least_in_every_spelling(op: str, x: object, unit: str) -> None:
    v = parse_value(f"{op}{x}{unit}")
    assert v.kind == "quantity" and v.op == "≥" and v.direction == "higher"
    assert v.number == pytest.approx(float(str(x)))


@given(st.text(max_size=40))
def test_any_text_parses_without_error(text: str) -> None:
    v = parse_value(text)
    assert isinstance(v, Value) and v.kind in KINDS
    if v.kind in ("quantity", "duration"):
        assert v.number is not None


@settings(max_examples=500, deadline=None)
@given(
    st.sampled_from(["", "=", ">=", "<=", "≥", "≤", ">", "<", "==", "=>"]),
    st.integers(min_value=0, max_value=10**7),
    st.one_of(st.none(), st.integers(min_value=0, max_value=9999)),
    st.sampled_from(
        [
            *("", "%", "(%)", "(人)", "(个)", "(件/人/年)", "(起)", "(天)", "(个月)", "(年)"),
            *("(万元)", "(百分比)", "(分)", "(ab)", "(个工作日)", "(小时/天)", "(部)", "(元/亩)"),
            *(
                "(个点)",
                "(件/人)",
                "(人/年)",
                "(年/人)",
                "(个/天)",
                "(件／人)",
                "(人/ｋ)",
                "(个人)",
            ),
            *("(台次)", "(人/天/年)", "(元/)", "(/人)"),
        ]
    ),
)
def test_the_plain_shortcut_agrees_with_the_general_parser(
    op: str, whole: int, fraction: int | None, unit: str
) -> None:
    from jixiao.values.parse import _parse_general, _plain

    text = f"{op}{whole}{'' if fraction is None else f'.{fraction}'}{unit}"
    fast = _plain(text)
    if fast is not None:
        assert fast == _parse_general(text)


def test_the_plain_shortcut_takes_the_common_shapes() -> None:
    from jixiao.values.parse import _plain

    for text in ("96.5%", ">=95%", "=100%", "120(人)", "≤2(起)", "=5.00(个)", "40(件/人/年)"):
        assert _plain(text) is not None, text
    for text in ("2023(年)", "1(个工作日)", "3(天)", "完成127项", "24(小时/天)", "2(个月)"):
        assert _plain(text) is None, text


def test_direction_copy_keeps_every_other_field() -> None:
    from jixiao.values.model import Value
    from jixiao.values.parse import _with_direction

    part = Value(text="3人", kind="quantity", number=3.0, unit="人")
    v = Value(
        text="t", kind="quantity", op="≥", number=1.0, upper=2.0, unit="%", label="l",
        basis="同比", trend="up", words=("w",), claim="achieved", direction="higher",
        parts=(part,), note="n", flags=("f",),
    )  # fmt: skip
    assert all(getattr(v, name) is not None for name in Value._fields)
    assert _with_direction(v, "lower") == v._replace(direction="lower")


_VOCAB_WORDS = sorted(
    {
        *vocab.QUALITATIVE_WORDS,
        *vocab.TREND_WORDS,
        *vocab.NOT_ASSESSED_WORDS,
        *vocab.PARTIAL_WORDS,
        *vocab.MISSED_WORDS,
        *vocab.ACHIEVED_WORDS,
    }
)


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.sampled_from(_VOCAB_WORDS) | st.text("已未不及时完成提升下降", max_size=3), max_size=5
    )
)
def test_word_patterns_find_what_scanning_the_word_lists_finds(pieces: list[str]) -> None:
    """Claims, trends and qualitative words are found by patterns as by scanning each list."""
    from jixiao.values.parse import _claim, _trend, _words

    s = "".join(pieces)
    claim = vocab.YES_NO.get(s)
    if claim is None:
        for words, name in (
            (vocab.NOT_ASSESSED_WORDS, "not_assessed"),
            (vocab.PARTIAL_WORDS, "partial"),
            (vocab.MISSED_WORDS, "missed"),
            (vocab.ACHIEVED_WORDS, "achieved"),
        ):
            if any(w in s for w in words):
                claim = name  # type: ignore[assignment]
                break
    trends = {t for w, t in vocab.TREND_WORDS.items() if w in s}
    assert _claim(s) == claim, s
    assert _trend(s) == (trends.pop() if len(trends) == 1 else None), s
    assert _words(s) == tuple(w for w in vocab.QUALITATIVE_WORDS if w in s), s
