import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from dbtargets import engine, target

__all__ = ["engine", "target"]
