"""Values: a printed 年度指标值 or 实际完成值 as a typed value.

>>> from jixiao.values import parse_value
>>> v = parse_value("达到80%以上")
>>> (v.kind, v.op, v.number, v.unit, v.direction)
('quantity', '≥', 80.0, '%', 'higher')
"""

from jixiao.values.model import Claim, Direction, Kind, Operator, Trend, Value
from jixiao.values.numerals import chinese_to_number
from jixiao.values.parse import direction_from_name, normalize, parse_value

__all__ = [
    "Claim",
    "Direction",
    "Kind",
    "Operator",
    "Trend",
    "Value",
    "chinese_to_number",
    "direction_from_name",
    "normalize",
    "parse_value",
]
