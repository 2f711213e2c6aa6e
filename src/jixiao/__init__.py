"""jixiao (绩效): read, score and check budget performance tables."""

from jixiao.api import read, read_text
from jixiao.audit import audit
from jixiao.errors import JixiaoError, NoTableFoundError, UnreadableFileError
from jixiao.models import Fund, Goals, Indicator, Table, Total
from jixiao.scoring import score

__all__ = [
    "Fund",
    "Goals",
    "Indicator",
    "JixiaoError",
    "NoTableFoundError",
    "Table",
    "Total",
    "UnreadableFileError",
    "audit",
    "read",
    "read_text",
    "score",
]
__version__ = "0.1.0"
