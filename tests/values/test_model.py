"""The value model: ``make_value`` builds the same named tuple as ``Value(...)``."""

from __future__ import annotations

import inspect

from jixiao.values.model import Value, make_value


def test_make_value_has_the_fields_order_and_defaults_of_value() -> None:
    params = inspect.signature(make_value).parameters
    assert list(params) == list(Value._fields)
    defaults = {k: p.default for k, p in params.items() if p.default is not inspect.Parameter.empty}
    assert defaults == Value._field_defaults
    assert list(params)[:2] == ["text", "kind"] and "text" not in defaults


def test_make_value_builds_what_value_builds() -> None:
    part = Value("3人", "quantity", number=3.0, unit="人")
    full = dict(
        text="≥3人，同比增长", kind="compound", op="≥", number=3.0, upper=4.0, unit="人",
        label="x", basis="同比", trend="up", words=("及时",), claim="achieved",
        direction="higher", parts=(part,), note="n", flags=("f",),
    )  # fmt: skip
    for kwargs in ({"text": "", "kind": "empty"}, full):
        made, built = make_value(**kwargs), Value(**kwargs)  # type: ignore[arg-type]
        assert type(made) is Value and made == built and made._asdict() == built._asdict()
