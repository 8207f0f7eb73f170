"""The JSON-RPC layer: validates raw messages before pygls sees them, so every bad input gets an answer.

pygls drops malformed messages silently and turns custom params into namedtuples; this subclass
answers parse errors, invalid requests, requests before ``initialize`` and params that do not fit,
keeps custom params as plain dicts, and converts our errors to JSON-RPC errors in one place.
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Generator
from typing import TYPE_CHECKING, Any

import cattrs
from lsprotocol import types
from lsprotocol.types import ResponseError
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import (
    JsonRPCNotification,
    JsonRPCRequestMessage,
    JsonRPCResponseMessage,
    LanguageServerProtocol,
    default_converter,
    lsp_method,
)

from . import errors

if TYPE_CHECKING:
    from concurrent.futures import Future

    from .server import A3SLanguageServer

log = logging.getLogger(__name__)

# Custom methods (documented in docs/protocol.md).
SESSION_CREATE = "a3s/session/create"
SESSION_LIST = "a3s/session/list"
SESSION_RESUME = "a3s/session/resume"
SESSION_SAVE = "a3s/session/save"
SESSION_CLOSE = "a3s/session/close"
SESSION_CANCEL = "a3s/session/cancel"
SESSION_SEND = "a3s/session/send"
SESSION_STEER = "a3s/session/steer"
SESSION_REWIND = "a3s/session/rewind"
SESSION_FORK = "a3s/session/fork"
SESSION_CHECKPOINTS = "a3s/session/checkpoints"
COMMAND = "a3s/command"
TOOL = "a3s/tool"
WORKTREE_CREATE = "a3s/worktree/create"
WORKTREE_LIST = "a3s/worktree/list"
WORKTREE_REMOVE = "a3s/worktree/remove"
WORKTREE_STATUS = "a3s/worktree/status"
DEBUG_MODULES = "a3s/debug/modules"
TEAM_RUN = "a3s/team/run"
QUEUE_PENDING = "a3s/queue/pending"
QUEUE_CLAIM = "a3s/queue/claim"
QUEUE_COMPLETE = "a3s/queue/complete"
QUEUE_SET_LANE_HANDLER = "a3s/queue/setLaneHandler"
QUEUE_STATS = "a3s/queue/stats"
TURN_DIFF = "a3s/turn/diff"
QUEUE_METHODS = (QUEUE_PENDING, QUEUE_CLAIM, QUEUE_COMPLETE, QUEUE_SET_LANE_HANDLER, QUEUE_STATS)
# Server -> client.
EVENT = "a3s/event"
TEAM_PROGRESS = "a3s/team/progress"
QUEUE_TASK_PENDING = "a3s/queue/taskPending"
CONFIRM = "a3s/confirm"
TURN_DIFF_READY = "a3s/turn/diffReady"
CONFIRMATIONS_CAPABILITY = "a3s.confirmations"
CLIENT_NOTIFICATIONS = frozenset({"$/cancelRequest", "$/setTrace", "$/progress"})


def plain_converter() -> cattrs.Converter:
    """pygls' converter, except that params and results of custom methods stay plain JSON values."""
    converter: cattrs.Converter = default_converter()  # type: ignore[no-untyped-call]

    def keep_params(obj: dict[str, Any], cls: type) -> Any:
        return cls(id=obj["id"], method=obj["method"], jsonrpc=obj["jsonrpc"], params=obj.get("params"))

    def keep_notification(obj: dict[str, Any], cls: type) -> Any:
        return cls(method=obj["method"], jsonrpc=obj["jsonrpc"], params=obj.get("params"))

    def keep_result(obj: dict[str, Any], cls: type) -> Any:
        return cls(id=obj["id"], jsonrpc=obj["jsonrpc"], result=obj.get("result"))

    converter.register_structure_hook(JsonRPCRequestMessage, keep_params)
    converter.register_structure_hook(JsonRPCNotification, keep_notification)
    converter.register_structure_hook(JsonRPCResponseMessage, keep_result)
    return converter


MAX_DEPTH = 64
"""How deep a message's params may nest (arrays and objects); LSP's own are under 10 deep."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def too_deep(value: Any, limit: int) -> bool:
    """True when ``value`` nests arrays/objects more than ``limit`` deep (iterative: no recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        for child in children:
            if isinstance(child, (dict, list)):
                if depth >= limit:
                    return True
                stack.append((child, depth + 1))
    return False


def replace_lone_surrogates(value: Any) -> Any:
    """Every string with a lone UTF-16 surrogate (not encodable as UTF-8) gets U+FFFD in its place."""
    if isinstance(value, str):
        return _SURROGATE.sub("\ufffd", value) if _SURROGATE.search(value) else value
    if isinstance(value, dict):
        return {replace_lone_surrogates(k): replace_lone_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [replace_lone_surrogates(v) for v in value]
    return value


def _is_notification(method: str) -> bool:
    """A method LSP defines as a notification (it has no response type), or one of ours."""
    entry = types.METHOD_TO_TYPES.get(method)
    if entry is not None:
        return entry[1] is None and entry[0].__name__.endswith("Notification")
    return method in CLIENT_NOTIFICATIONS


def _valid_id(value: Any) -> bool:
    return isinstance(value, (str, int)) and not isinstance(value, bool)


class A3SProtocol(LanguageServerProtocol):
    """LanguageServerProtocol fed parsed frames by our transport (``handle_data``)."""

    initialize_seen = False
    _server: A3SLanguageServer

    def handle_data(self, data: Any) -> None:
        """Validate one parsed message and dispatch it; never raises for bad input.

        Every request with a usable id gets an answer: a notification's name with an id is -32600,
        params nested deeper than ``MAX_DEPTH`` are -32602. Lone surrogates (a JavaScript client
        that split an emoji) become U+FFFD here, before any text reaches the engine.
        """
        if not isinstance(data, dict):
            self.send_error(None, errors.INVALID_REQUEST, "Invalid request: expected a JSON object")
            return
        msg_id = data.get("id")
        if "id" in data and msg_id is not None and not _valid_id(msg_id):
            self.send_error(None, errors.INVALID_REQUEST, "Invalid request: id must be a string or integer")
            return
        if data.get("jsonrpc") != "2.0":
            self.send_error(msg_id, errors.INVALID_REQUEST, 'Invalid request: "jsonrpc" must be "2.0"')
            return
        method = data.get("method")
        if method is None and _valid_id(msg_id) and ("result" in data or "error" in data):
            self._dispatch(data, None)
            return
        if not isinstance(method, str):
            self.send_error(msg_id, errors.INVALID_REQUEST, 'Invalid request: "method" must be a string')
            return
        is_request = "id" in data
        if is_request and msg_id is None:
            self.send_error(None, errors.INVALID_REQUEST, "Invalid request: id must not be null")
            return
        if is_request and _is_notification(method):
            self.send_error(
                msg_id,
                errors.INVALID_REQUEST,
                f"Invalid request: {method} is a notification, sent without an id",
            )
            return
        if too_deep(data.get("params"), MAX_DEPTH):
            if is_request:
                self.send_error(
                    msg_id, errors.INVALID_PARAMS, f"{method}: params nested deeper than {MAX_DEPTH} levels"
                )
            else:
                log.warning("dropping %s: params nested deeper than %d levels", method, MAX_DEPTH)
            return
        data = replace_lone_surrogates(data)
        if not self._admit(method, msg_id if is_request else None):
            return
        self._dispatch(data, msg_id if is_request else None)

    def _admit(self, method: str, msg_id: Any) -> bool:
        """Lifecycle rules: nothing but initialize first, nothing but exit after shutdown."""
        if method == types.EXIT:
            return True
        if self._shutdown:
            if msg_id is not None:
                self.send_error(msg_id, errors.INVALID_REQUEST, "The server is shutting down")
            return False
        if method == types.INITIALIZE:
            if self.initialize_seen:
                self.send_error(msg_id, errors.INVALID_REQUEST, "initialize was already received")
                return False
            self.initialize_seen = True
            return True
        if not self.initialize_seen:
            if msg_id is not None:
                self.send_error(msg_id, errors.SERVER_NOT_INITIALIZED, f"{method}: server not initialized")
            return False
        return True

    def _dispatch(self, data: dict[str, Any], msg_id: Any) -> None:
        try:
            message = self._structure(data)
        except Exception as exc:
            detail = (
                "; ".join(cattrs.transform_error(exc))
                if isinstance(exc, cattrs.BaseValidationError)
                else str(exc)
            )
            method = data.get("method", "")
            if msg_id is not None:
                self.send_error(msg_id, errors.INVALID_PARAMS, f"{method}: invalid params: {detail}")
            else:
                log.warning("dropping %s: params do not fit: %s", method or "a response", detail)
            return
        self.handle_message(message)

    def _structure(self, data: dict[str, Any]) -> Any:
        """pygls' ``structure_message`` for a whole message, raising the converter's own errors."""
        if "method" not in data:
            if "error" in data:
                return self._converter.structure(data, types.ResponseErrorMessage)
            result_type = self._result_types.pop(data["id"], None) or JsonRPCResponseMessage
            return self._converter.structure(data, result_type)
        fallback = JsonRPCRequestMessage if "id" in data else JsonRPCNotification
        return self._converter.structure(data, self.get_message_type(data["method"]) or fallback)

    def send_error(self, msg_id: Any, code: int, message: str, data: Any = None) -> None:
        """An error response; ``msg_id`` None when the request's id could not be read."""
        error: dict[str, Any] = {"code": code, "message": message}
        if data is not None:
            error["data"] = data
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": error})

    # -- document sync: our mirror (documents.py) instead of pygls' str.splitlines workspace ----------

    @lsp_method(types.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(
        self, params: types.DidOpenTextDocumentParams
    ) -> Generator[Any, Any, None]:
        self._server.documents.open(params.text_document)
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_OPEN, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(
        self, params: types.DidChangeTextDocumentParams
    ) -> Generator[Any, Any, None]:
        self._server.documents.change(params)
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CHANGE, params)

    @lsp_method(types.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(
        self, params: types.DidCloseTextDocumentParams
    ) -> Generator[Any, Any, None]:
        self._server.documents.close(params.text_document.uri)
        yield from self._user_handler(types.TEXT_DOCUMENT_DID_CLOSE, params)

    def _user_handler(self, method: str, params: Any) -> Generator[Any, Any, None]:
        handler = self.fm.features.get(method)
        if handler is not None:
            yield handler, (params,), None

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    async def lsp_workspace__execute_command(  # type: ignore[override]
        self, params: types.ExecuteCommandParams
    ) -> Any:
        """Commands run as the request's own task, so ``$/cancelRequest`` reaches them.

        (pygls runs them under a fresh id, out of the cancel's reach.) Arguments are passed raw.
        """
        handler = self.fm.commands.get(params.command)
        if handler is None:
            raise JsonRpcInvalidParams(f"Command {params.command!r} is not defined")
        result = handler(*(params.arguments or []))
        if inspect.isawaitable(result):
            result = await result
        return result

    def _send_handler_result(self, future: Future[Any], *, msg_id: Any) -> None:
        """The boundary: our and the engine's errors become JSON-RPC errors with their own codes; any
        other exception is -32603 with a one-line message (the traceback goes to the log only)."""
        if future.done() and not future.cancelled():
            exc = future.exception()
            mapped = errors.to_response_error(exc) if exc is not None else None
            if exc is not None and mapped is None and not isinstance(exc, JsonRpcException):
                log.error("request %s failed", msg_id, exc_info=exc)
                mapped = ResponseError(code=errors.INTERNAL_ERROR, message=errors.short(exc))
            if mapped is not None:
                self._request_futures.pop(msg_id, None)
                if (
                    exc is not None
                    and mapped.code != errors.INTERNAL_ERROR
                    and not isinstance(exc, errors.InvalidParamsError)
                ):
                    log.info("request %s failed: %s", msg_id, exc)
                self._send_response(msg_id, error=mapped)
                return
        super()._send_handler_result(future, msg_id=msg_id)

    def _send_response(self, msg_id: Any, result: Any = None, error: ResponseError | None = None) -> None:
        """Last guard: pygls' own -32603 errors carry the traceback in ``data``; it stays in the log."""
        if error is not None and error.code == errors.INTERNAL_ERROR and error.data is not None:
            log.error("internal error answering %s: %s %s", msg_id, error.message, error.data)
            error = ResponseError(code=error.code, message=error.message.strip().splitlines()[-1][:300])
        super()._send_response(msg_id, result, error)
