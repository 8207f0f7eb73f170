"""A session: one conversation in a workspace, built from components.

``Agent.session()`` resolves the session's extension points once (``services.SessionServices``,
the composition root) and builds a ``Session`` from them. Each part of a session is a component,
an attribute with its own class and explicit constructor dependencies:

==================  ==================================  =============================================
attribute           class (module)                      what it does
==================  ==================================  =============================================
``roots``           ``roots.WorkspaceRoots``            the workspace and further folders
``sandbox``         ``sandbox.session.SessionSandbox``  the shell ``bash`` runs in
``mcp``             ``session.mcp.SessionMcp``          MCP servers: add, remove, list, their tools
``memory``          ``session.memory.SessionMemory``    recall before a turn, remember after it
``context``         ``session.context.SessionContext``  context providers asked before a turn
``queue``           ``session.queue.SessionQueue``      lanes, direct submission, external tasks
``hooks``           ``hooks.HookExecutor``              lifecycle hooks (``HookEngine`` by default)
``steering``        ``steering.SteerQueue``             words for the running turn
``rewinder``        ``rewind.SessionRewind``            ``checkpoints``, rewind, fork points
``persistence``     ``session.persistence``             save and restore (``SessionSnapshot``)
``pipeline``        ``pipeline.ToolPipeline``           every tool call's checks and run
``runner``          ``session.turn.TurnRunner``         one turn, slash commands, compaction
==================  ==================================  =============================================

``session.core.SessionCore`` holds the state, composes the components and runs turns;
``session.api.Session`` (what ``Agent.session`` returns) is the seed's API over it: the names that
belong to a component delegate to it (``add_mcp_server_async``, ``queue_stats``,
``register_hook``, ``rewind_async``, ...) and the blocking calls (``send``, ``rewind``, ``fork``,
...) run their ``_async`` twins. See docs/architecture.md.
"""

from .api import Session
from .core import SessionBusyError, SessionCore

__all__ = ["Session", "SessionBusyError", "SessionCore"]
