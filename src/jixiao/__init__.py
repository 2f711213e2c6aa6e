"""jixiao (绩效): read, score and check budget performance tables."""

from jixiao import native

# First: the compiled hot modules, when a build matching the sources exists (jixiao.native).
native.install()

from jixiao.api import read, read_text  # noqa: E402
from jixiao.audit import audit  # noqa: E402
from jixiao.errors import JixiaoError, NoTableFoundError, UnreadableFileError  # noqa: E402
from jixiao.models import Fund, Goals, Indicator, Table, Total  # noqa: E402
from jixiao.scoring import score  # noqa: E402

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
