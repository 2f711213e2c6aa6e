"""Numbers as printed: Chinese numerals (``一``, ``两``, ``二十四``, ``三千五百``)."""

from __future__ import annotations

_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "壹": 1, "二": 2, "贰": 2, "两": 2, "三": 3, "叁": 3,
    "四": 4, "肆": 4, "五": 5, "伍": 5, "六": 6, "陆": 6, "七": 7, "柒": 7,
    "八": 8, "捌": 8, "九": 9, "玖": 9,
}  # fmt: skip
_SMALL_UNITS = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS = {"万": 10_000, "亿": 100_000_000}

CHINESE_NUMERAL_CHARS = "".join([*_DIGITS, *_SMALL_UNITS, *_BIG_UNITS])


def chinese_to_number(text: str) -> int | None:
    """``二十四`` → 24, ``两`` → 2, ``一百零五`` → 105, ``三万`` → 30000; None if not a numeral.

    Digit strings without units (``二〇二三``) are read digit by digit.
    """
    if not text or any(c not in CHINESE_NUMERAL_CHARS for c in text):
        return None
    if all(c in _DIGITS for c in text):
        if len(text) == 1:
            return _DIGITS[text]
        return int("".join(str(_DIGITS[c]) for c in text))
    total = 0
    section = 0
    digit: int | None = None
    for c in text:
        if c in _DIGITS:
            digit = _DIGITS[c]
        elif c in _SMALL_UNITS:
            section += (1 if digit is None else digit) * _SMALL_UNITS[c]
            digit = None
        else:  # 万 / 亿
            section += digit or 0
            if section == 0:
                return None
            total += section * _BIG_UNITS[c]
            section = 0
            digit = None
    return total + section + (digit or 0)
