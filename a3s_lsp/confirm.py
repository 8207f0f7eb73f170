"""Asking the user: ``a3s/confirm`` for clients that advertise it, else ``window/showMessageRequest``.

No answer before the request's timeout is ``timeout`` (a deny). A cancelled turn withdraws the
question with ``$/cancelRequest`` so the editor can dismiss its prompt.
"""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pydantic import ValidationError

from a3s_code._stream import events_delivered
from a3s_code.ports import AmendedApproval, ConfirmationAnswer, ConfirmationRequest, PartialApproval

from .convert import summarize_args
from .protocol import CONFIRM
from .wire import ANSWERS, AnswerDecision, ConfirmAnswer, ConfirmParams, ReviewHunk, describe, dump

if TYPE_CHECKING:
    from .server import A3SLanguageServer

log = logging.getLogger(__name__)

ALLOW, ALLOW_SESSION, DENY = "Allow", "Allow for this session", "Deny"
_BY_TITLE: dict[str, AnswerDecision] = {ALLOW: "allow", ALLOW_SESSION: "allow_session", DENY: "deny"}


class LspConfirmationProvider:
    """The engine's ConfirmationProvider, answered by the editor."""

    def __init__(self, server: A3SLanguageServer) -> None:
        self._server = server

    async def confirm(self, request: ConfirmationRequest) -> ConfirmationAnswer:
        await events_delivered()  # the text and tool line before the question reach the editor first
        forwarder = self._server.sessions.forwarders.get(request.session_id)
        if forwarder is not None:
            forwarder.flush()
        msg_id = f"a3s-confirm-{uuid.uuid4().hex[:12]}"
        params: Any
        if self._server.supports_a3s_confirm():
            method, params = CONFIRM, dump(_confirm_params(request))
        else:
            method, params = types.WINDOW_SHOW_MESSAGE_REQUEST, _message_params(request)
        pending = self._server.protocol.send_request_async(method, params, msg_id=msg_id)
        try:
            answer = await asyncio.wait_for(pending, max(request.timeout_ms, 1) / 1000)
        except TimeoutError:
            self._withdraw(msg_id)
            return "timeout"
        except asyncio.CancelledError:
            self._withdraw(msg_id)
            raise
        except Exception as exc:
            log.warning("confirmation request failed, treating it as deny: %s", exc)
            return "deny"
        return _decision(answer)

    def _withdraw(self, msg_id: str) -> None:
        """Forget the pending request and tell the client it no longer needs an answer."""
        self._server.protocol._request_futures.pop(msg_id, None)
        self._server.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))


def _confirm_params(request: ConfirmationRequest) -> ConfirmParams:
    return ConfirmParams(
        session_id=request.session_id,
        tool_id=request.tool_id,
        tool=request.tool_name,
        args=request.args,
        reason=request.reason,
        diff=request.diff,
        timeout_ms=request.timeout_ms,
        options=list(ANSWERS),
        hunks=[
            ReviewHunk(
                id=h.id,
                file=h.file,
                old_start=h.old_start,
                old_lines=h.old_lines,
                new_start=h.new_start,
                new_lines=h.new_lines,
                text=h.text,
            )
            for h in request.hunks
        ]
        or None,
    )


def _message_params(request: ConfirmationRequest) -> types.ShowMessageRequestParams:
    lines = [f"A3S wants to run {request.tool_name}({summarize_args(request.args)})"]
    if request.reason:
        lines.append(f"Reason: {request.reason}")
    if request.diff:
        diff = request.diff if len(request.diff) < 2000 else request.diff[:2000] + "\n…"
        lines.append(diff)
    return types.ShowMessageRequestParams(
        type=types.MessageType.Warning,
        message="\n".join(lines),
        actions=[types.MessageActionItem(title=t) for t in (ALLOW, ALLOW_SESSION, DENY)],
    )


def _decision(answer: Any) -> ConfirmationAnswer:
    """Read ``{decision, content?, acceptedHunks?}`` (a3s/confirm, ``wire.ConfirmAnswer``) or a
    MessageActionItem; anything else is a deny.

    ``content`` with an allow is the file text the user approved after changing the proposal;
    ``acceptedHunks`` with an allow the ids of the hunks to apply (the pipeline checks them against
    the hunks offered: an id not offered changes nothing, and the model is told).
    """
    if isinstance(answer, types.MessageActionItem):
        return _BY_TITLE.get(answer.title, "deny")
    if isinstance(answer, dict) and "decision" not in answer and isinstance(answer.get("title"), str):
        return _BY_TITLE.get(answer["title"], "deny")
    try:
        parsed = ConfirmAnswer.model_validate(answer)
    except ValidationError as exc:
        log.warning("unreadable confirmation answer, treating it as deny: %s", describe(exc))
        return "deny"
    if parsed.decision != "deny" and parsed.content is not None:
        return AmendedApproval(parsed.decision, parsed.content)
    if parsed.decision != "deny" and parsed.accepted_hunks is not None:
        return PartialApproval(parsed.decision, frozenset(parsed.accepted_hunks))
    return parsed.decision
