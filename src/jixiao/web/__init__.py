"""The review workbench: FastAPI + Jinja2 + HTMX, served by ``jixiao serve``."""

from jixiao.web.app import create_app
from jixiao.web.config import WebSettings

__all__ = ["WebSettings", "create_app"]
