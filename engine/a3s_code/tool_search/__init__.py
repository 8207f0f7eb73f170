"""Tool search: with a large MCP tool set, send the model only the tools relevant to the request.

Every tool description sent costs prompt tokens on every model call, and a long menu of
near-duplicates makes the model pick worse. ``ToolIndex`` ranks tools against the request
(``index.py``: BM25 over weighted fields, Snowball stems and synonyms from ``text.py``).
Built-in tools always go; MCP tools (``mcp__*``) and anything added to the index explicitly are
searchable. The model can load more mid-turn with the ``tool_search`` tool
(``tools/tool_search.py``), and a tool that was not sent can still run if the model calls it.
"""

from .index import MCP_PREFIX, ToolIndex, ToolMatch, ToolSearchConfig, display_name
from .selector import ToolCatalog, ToolSelector, called_since_user_text, last_user_text, selector_for
from .text import Analyzer

__all__ = [
    "MCP_PREFIX",
    "Analyzer",
    "ToolCatalog",
    "ToolIndex",
    "ToolMatch",
    "ToolSearchConfig",
    "ToolSelector",
    "called_since_user_text",
    "display_name",
    "last_user_text",
    "selector_for",
]
