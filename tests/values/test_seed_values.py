"""Every target and actual printed in the seed tables is typed or deliberately kept as text."""

from __future__ import annotations

from collections.abc import Iterator

from jixiao.values import parse_value

from seeds import all_gold

TYPED = {"quantity", "change", "duration", "qualitative", "compound", "placeholder"}

# The seed values kept as text, and why (the start of the value's ``note``).
KEPT_AS_TEXT = {
    # A spreadsheet turned a number into a clock time: no reading is safe.
    "15:01:00": "时刻格式",
    # Descriptions with numbers that are not one operator-number-unit.
    "综治信息平台相关设备（1个镇级平台，24个居委平台）": "含数字的描述性文字",
    "未发生造成较大影响的治安案件，但5月曾发生一起因家庭纠纷造成人员意外死亡的案件": "含数字的描述性文字",
    "2023年全市未测评": "含数字的描述性文字",
    # Sentences (more than 12 characters): their claim is still read (达成 / 滞后 …).
    "年龄结构优化，综合素质提升，防控水平提高": "描述性语句",
    "人口综合调控工作达到区人口办考核要求": "描述性语句",
    "自建监控项目招投标及签约有所滞后": "描述性语句",
    "完成公安机关交办工作，确保做到“三个不发生”": "描述性语句",
    "确保镇、居委两级平台与区平台的正常对接，任务收发": "描述性语句",
    "在全区各街镇排名中有所提升": "描述性语句",
    "社会面平稳有序，特殊人员可控": "描述性语句",
    "未发生影响稳定的重大事件，相关特殊人员平": "描述性语句",
    "能有效改善社区消防设施的落后现象，为社区居民提供消防安全保障": "描述性语句",
    "有效提高镇域内企业和居民安全意识": "描述性语句",
    # A reference level with nothing to compare or claim.
    "全区平均水平": "描述性文字",
}


def seed_values() -> Iterator[tuple[str, str | None]]:
    for record in all_gold():
        for ind in record["indicators"]:
            for key in ("target", "actual"):
                if ind[key] is not None:
                    yield ind[key], ind["name"]


def test_every_seed_value_is_typed_or_kept_as_text_on_purpose() -> None:
    kept: dict[str, str] = {}
    for text, name in seed_values():
        v = parse_value(text, name)
        assert v.kind in TYPED | {"text"}, text
        if v.kind == "text":
            assert v.note and "unparsed" in v.flags
            kept[text] = v.note
    assert set(kept) == set(KEPT_AS_TEXT)
    for text, note in kept.items():
        assert note.startswith(KEPT_AS_TEXT[text]), (text, note)


def test_seed_values_cover_every_kind() -> None:
    kinds = {parse_value(t, n).kind for t, n in seed_values()}
    assert kinds == TYPED | {"text"}


def test_seed_numbers_are_read_exactly() -> None:
    values = {t: parse_value(t, n) for t, n in seed_values()}
    assert values["<0.10(%)"].number == 0.1
    assert values["240(件/人/年)"].unit == "件/人/年"
    assert values["=2-3人"].upper == 3
    assert values["一个工作日"].kind == "duration"
    assert values["=24 小时/天"].number == 24
    assert values["56191，增长10%"].parts[0].number == 56191
