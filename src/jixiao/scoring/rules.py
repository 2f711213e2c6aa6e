"""Rule sets: named, versioned scoring rules, kept as data (TOML or YAML).

The built-in rule sets live in ``jixiao/scoring/rules/*.toml``; ``load_rules``
also takes a path to a ``.toml``, ``.yaml`` or ``.yml`` file of the same shape.
A rule set may list *variants*: named overrides (``execution.basis =
"initial_budget"``) the engine tries when a printed total differs from the
recomputed one, to name the basis the preparer used.
"""

from __future__ import annotations

import copy
import importlib
import tomllib
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, model_validator

from jixiao.errors import JixiaoError

Rounding = Literal["half_up", "down"]


class RulesError(JixiaoError):
    """A rule set that cannot be found or does not validate."""


class ExecutionRules(BaseModel):
    """How 预算执行率 and its score are computed."""

    # 执行率 = 执行数 / 全年预算数 ("budget") or / 年初预算数 ("initial_budget").
    basis: Literal["budget", "initial_budget"] = "budget"
    # "proportional": min(rate, 1) × 分值; "bands": the fraction of the first band reached.
    mode: Literal["proportional", "bands"] = "proportional"
    # For mode "bands": [minimum rate in percent, fraction of the weight], highest first.
    bands: list[tuple[float, float]] = Field(default_factory=list)
    cap: bool = True  # cap the rate at 100% before scoring
    decimals: int = 2
    rounding: Rounding = "half_up"
    # 分值 of the 执行率 row when a project form prints none.
    default_weight: float | None = 10.0
    # Flag a 全年预算数 that differs from 年初预算数 by at least this share.
    adjustment_flag: float = 0.2

    @model_validator(mode="after")
    def _sort_bands(self) -> ExecutionRules:
        self.bands.sort(key=lambda b: b[0], reverse=True)
        return self


class QuantitativeRules(BaseModel):
    """Indicators with a number: reached → full weight; missed → by these rules."""

    # Higher-is-better, missed: "ratio" = actual / target × w;
    # "percentage_points" = w − shortfall in percentage points × points_per_percent.
    positive: Literal["ratio", "percentage_points"] = "ratio"
    # Lower-is-better, missed: "ratio" = target / actual × w;
    # "linear" = (1 − (actual − target) / target) × w, 0 at twice the target.
    reverse: Literal["ratio", "linear", "percentage_points"] = "ratio"
    points_per_percent: float = 1.0
    decimals: int = 2
    rounding: Rounding = "half_up"
    # Flag an actual at least this many times a higher-is-better target.
    exceed_flag_ratio: float = 2.0


class Tier(BaseModel):
    """One tier of a qualitative indicator, as shares of its weight."""

    name: str
    low: float
    high: float
    high_inclusive: bool = False


class QualitativeRules(BaseModel):
    tiers: list[Tier]  # achieved, partial, missed — in that order
    decimals: int = 2


class Grade(BaseModel):
    name: str
    min: float


class Variant(BaseModel):
    """A named override of a rule set, e.g. ``{"execution.basis": "initial_budget"}``."""

    name: str
    description: str
    set: dict[str, Any]


class RuleSet(BaseModel):
    """A named, versioned set of scoring rules."""

    name: str
    version: str
    title: str
    description: str = ""
    sources: list[str] = Field(default_factory=list)
    execution: ExecutionRules = Field(default_factory=ExecutionRules)
    quantitative: QuantitativeRules = Field(default_factory=QuantitativeRules)
    qualitative: QualitativeRules
    grades: list[Grade]
    # 一级指标 whose rows are taken as printed (the 投入管理 rows of a department form).
    as_printed_level1: list[str] = Field(default_factory=list)
    # Default 一级 weights, reported beside printed ones (not enforced).
    level1_default_weights: dict[str, float] = Field(default_factory=dict)
    tolerance: float = 0.005
    variants: list[Variant] = Field(default_factory=list)

    @property
    def label(self) -> str:
        return f"{self.name}@{self.version}"

    @model_validator(mode="after")
    def _sort_grades(self) -> RuleSet:
        self.grades.sort(key=lambda g: g.min, reverse=True)
        return self

    def grade(self, total: float | None) -> str | None:
        """The grade (优/良/中/差) of a total; grades are kept highest first."""
        if total is None:
            return None
        for g in self.grades:
            if total >= g.min - 1e-9:
                return g.name
        return None

    def with_variant(self, variant: Variant | str) -> RuleSet:
        """This rule set with a variant's overrides applied (no variants of its own)."""
        v = variant if isinstance(variant, Variant) else self.variant(variant)
        return _apply(self, (v,))

    def with_variants(self, variants: tuple[Variant, ...]) -> RuleSet:
        return _apply(self, variants)

    def variant(self, name: str) -> Variant:
        for v in self.variants:
            if v.name == name:
                return v
        raise RulesError(f"规则 {self.name} 没有变体 {name!r} (no such variant)")


def _apply(base: RuleSet, variants: tuple[Variant, ...]) -> RuleSet:
    return _apply_cached(base, tuple(v.name for v in variants))


# (id(base), variant names) → (base, derived); the base is kept to check identity.
_VARIANT_CACHE: dict[tuple[int, tuple[str, ...]], tuple[RuleSet, RuleSet]] = {}


def _apply_cached(base: RuleSet, names: tuple[str, ...]) -> RuleSet:
    key = (id(base), names)
    hit = _VARIANT_CACHE.get(key)
    if hit is not None and hit[0] is base:
        return hit[1]
    data = base.model_dump()
    for name in names:
        for dotted, value in base.variant(name).set.items():
            node = data
            *path, last = dotted.split(".")
            for part in path:
                if not isinstance(node.get(part), dict):
                    raise RulesError(f"变体 {name!r} 设置了未知字段 {dotted!r} (unknown field)")
                node = node[part]
            if last not in node:
                raise RulesError(f"变体 {name!r} 设置了未知字段 {dotted!r} (unknown field)")
            node[last] = copy.deepcopy(value)
    data["name"] = "+".join((base.name, *names))
    data["variants"] = []
    out = rules_from_data(data, data["name"])
    if len(_VARIANT_CACHE) > 1024:
        _VARIANT_CACHE.clear()
    _VARIANT_CACHE[key] = (base, out)
    return out


def builtin_rule_names() -> list[str]:
    """Names of the rule sets shipped with jixiao."""
    folder = resources.files("jixiao.scoring").joinpath("rules")
    return sorted(p.name[:-5] for p in folder.iterdir() if p.name.endswith(".toml"))


def rules_from_data(data: dict[str, Any], source: str = "<data>") -> RuleSet:
    try:
        return RuleSet.model_validate(data)
    except ValidationError as e:
        raise RulesError(f"{source}: 规则文件无效 (invalid rule set): {e}") from e


def _read_yaml(text: str, source: str) -> dict[str, Any]:
    try:
        yaml: Any = importlib.import_module("yaml")
    except ImportError as e:
        raise RulesError(f"{source}: 读取 YAML 需要安装 PyYAML (install PyYAML)") from e
    data = yaml.safe_load(text)
    if not isinstance(data, dict):
        raise RulesError(f"{source}: 规则文件应为映射 (expected a mapping)")
    return data


@lru_cache(maxsize=64)
def _load_builtin(name: str) -> RuleSet:
    folder = resources.files("jixiao.scoring").joinpath("rules")
    res = folder.joinpath(f"{name}.toml")
    if not res.is_file():
        known = ", ".join(builtin_rule_names())
        raise RulesError(f"未知规则 {name!r} (unknown rule set); 可用: {known}")
    return rules_from_data(tomllib.loads(res.read_text("utf-8")), f"{name}.toml")


def load_rules(rules: str | Path | RuleSet = "mof-2020") -> RuleSet:
    """A rule set by built-in name (``mof-2020``), by file path, or as given."""
    if isinstance(rules, RuleSet):
        return rules
    if isinstance(rules, str) and "." not in rules:
        return _load_builtin(rules)  # no suffix: a built-in name
    text_name = str(rules)
    path = Path(text_name)
    if path.suffix.lower() in (".toml", ".yaml", ".yml"):
        if not path.is_file():
            raise RulesError(f"{path}: 规则文件不存在 (no such file)")
        text = path.read_text("utf-8")
        if path.suffix.lower() == ".toml":
            try:
                data = tomllib.loads(text)
            except tomllib.TOMLDecodeError as e:
                raise RulesError(f"{path}: TOML 格式错误: {e}") from e
        else:
            data = _read_yaml(text, str(path))
        return rules_from_data(data, str(path))
    return _load_builtin(text_name)
