"""The tool-call pipeline: every tool call, from any caller, is decided and run here."""

from .approvals import SessionApprovals, call_key
from .decisions import Allow, Ask, Decision, Deny, Stage
from .pipeline import CallResult, PipelineSettings, ToolCall, ToolPipeline
from .shield import Shield

__all__ = [
    "Allow",
    "Ask",
    "CallResult",
    "Decision",
    "Deny",
    "PipelineSettings",
    "SessionApprovals",
    "Shield",
    "Stage",
    "ToolCall",
    "ToolPipeline",
    "call_key",
]
