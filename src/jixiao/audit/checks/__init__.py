"""The checks, registered on import; the registry is then put in catalogue order."""

from jixiao.audit.checks import arithmetic, data, design, execution, scores
from jixiao.audit.registry import sort_checks

sort_checks()

__all__ = ["arithmetic", "data", "design", "execution", "scores"]
