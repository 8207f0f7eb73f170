"""What an ACP client sees of a session besides its turns: modes, config options, commands, usage.

Sources: the ACP v1 schema (``schema/v1/schema.json`` of ``@agentclientprotocol/sdk`` 2.4.0, the
``acp.schema`` models of ``agent-client-protocol`` 0.12):

- Session modes (``SessionModeState``, ``session/set_mode``, ``current_mode_update``) are the engine's
  permission modes (``a3s_code.permissions.policy.Mode``), saved with the session and restored by
  ``session/load`` and ``session/resume``.
- Config options (``SessionConfigOption``, ``session/set_config_option``, ``config_option_update``):
  ``mode`` (the same modes, category ``mode``), ``model`` (every configured ``provider/model``,
  category ``model``) and ``planning`` (a boolean: plan the turn first, sending ``plan`` updates).
- ``available_commands_update``: the session's slash commands and its skills (``/<skill> [task]``).
- ``usage_update``: tokens in context after the last model call, the context window and the session's
  cumulative cost in USD.
"""

from __future__ import annotations

from typing import Any

from acp import RequestError
from acp.helpers import update_available_commands, update_current_mode
from acp.schema import (
    AvailableCommand,
    AvailableCommandInput,
    ConfigOptionUpdate,
    Cost,
    SessionConfigOptionBoolean,
    SessionConfigOptionSelect,
    SessionConfigSelectOption,
    SessionMode,
    SessionModeState,
    UnstructuredCommandInput,
    UsageUpdate,
)

from a3s_code.messages import Usage

MODES: dict[str, tuple[str, str]] = {
    "default": ("Ask", "Reads run; edits, commands and other tools ask first."),
    "accept_edits": ("Accept edits", "File edits in the workspace run unasked; commands still ask."),
    "read_only": ("Plan (read only)", "Only reading and searching; every change is refused."),
    "bypass": ("Bypass", "Everything runs unasked (deny rules and the guardrail still hold)."),
    "sandbox_auto_allow": ("Sandboxed", "Commands run unasked inside the session's sandbox."),
}
"""Mode id -> (name, description), in the order clients list them."""


def _policy(session: Any) -> Any:
    """The session's ``PermissionPolicy`` (one is installed when the session had none)."""
    from a3s_code.permissions import PermissionPolicy

    checker = session.permission_checker
    while checker is not None and not isinstance(checker, PermissionPolicy):
        checker = getattr(checker, "base", None)
    if checker is None:
        checker = PermissionPolicy.interactive_default()
        session.permission_checker = checker
    return checker


def available_modes(session: Any) -> list[str]:
    """The modes this session can take (``sandbox_auto_allow`` only with a sandbox)."""
    return [m for m in MODES if m != "sandbox_auto_allow" or session.sandboxed]


def current_mode(session: Any) -> str:
    return str(_policy(session).mode)


def mode_state(session: Any) -> SessionModeState:
    return SessionModeState(
        current_mode_id=current_mode(session),
        available_modes=[
            SessionMode(id=m, name=MODES[m][0], description=MODES[m][1]) for m in available_modes(session)
        ],
    )


def set_mode(session: Any, mode_id: str) -> None:
    """Switch the session's permission mode; an unknown or unavailable mode is -32602."""
    modes = available_modes(session)
    if mode_id not in modes:
        raise RequestError.invalid_params(
            {"message": f"unknown mode {mode_id!r}; this session's modes are: {', '.join(modes)}"}
        )
    _policy(session).mode = mode_id


def restore_mode(session: Any) -> None:
    """After ``session/load`` or ``session/resume``: the mode the session was saved in (the engine's
    snapshot keeps it as ``permission_mode``) applies to the policy installed here."""
    mode = session.persistence.restored_permission_mode
    if isinstance(mode, str) and mode in available_modes(session):
        _policy(session).mode = mode


async def save_mode(session: Any) -> None:
    """Save the session after a mode change when it is saved at all (``auto_save``), so a later
    ``session/load`` or ``session/resume`` finds the mode even if no turn ran since."""
    if session.options.auto_save and session.store is not None:
        await session.save_async()


def models(session: Any) -> list[str]:
    """Every configured ``provider/model``, the session's own first when it is not configured."""
    found = [f"{p.name}/{m.id}" for p in session.agent.config.providers for m in p.models]
    return found if session.model in found else [session.model, *found]


def config_options(session: Any) -> list[Any]:
    mode = current_mode(session)
    return [
        SessionConfigOptionSelect(
            type="select",
            id="mode",
            name="Permission mode",
            category="mode",
            current_value=mode,
            options=[
                SessionConfigSelectOption(value=m, name=MODES[m][0], description=MODES[m][1])
                for m in available_modes(session)
            ],
        ),
        SessionConfigOptionSelect(
            type="select",
            id="model",
            name="Model",
            category="model",
            current_value=session.model,
            options=[SessionConfigSelectOption(value=m, name=m) for m in models(session)],
        ),
        SessionConfigOptionBoolean(
            type="boolean",
            id="planning",
            name="Plan first",
            description="Plan each turn in steps before working; the plan is shown as it progresses.",
            current_value=bool(session.options.planning),
        ),
    ]


def set_config_option(session: Any, config_id: str, value: str | bool) -> list[Any]:
    """Apply one option and return the updates it causes; a bad id or value is -32602."""
    if config_id == "mode" and isinstance(value, str):
        set_mode(session, value)
        return [update_current_mode(value)]
    if config_id == "model" and isinstance(value, str):
        if value not in models(session):
            raise RequestError.invalid_params(
                {"message": f"unknown model {value!r}; configured: {', '.join(models(session))}"}
            )
        session.set_model(value)
        return []
    if config_id == "planning" and isinstance(value, bool):
        session.options.planning = value
        return []
    known = {"mode": "a mode id", "model": "a provider/model", "planning": "true or false"}
    if config_id in known:
        raise RequestError.invalid_params(
            {"message": f"config option {config_id!r} takes {known[config_id]}"}
        )
    raise RequestError.invalid_params(
        {"message": f"unknown config option {config_id!r}; options: {', '.join(known)}"}
    )


def config_update(session: Any) -> ConfigOptionUpdate:
    return ConfigOptionUpdate(session_update="config_option_update", config_options=config_options(session))


def skill_commands(session: Any) -> dict[str, Any]:
    """Skills by the command name a user types (a skill named like a built-in command is left out)."""
    if session.skills is None:
        return {}
    builtin = {c.name for c in session.commands.list()}
    return {s.name: s for s in session.skills.all() if s.name not in builtin and " " not in s.name}


def commands(session: Any) -> list[AvailableCommand]:
    listed = [AvailableCommand(name=c.name, description=c.description) for c in session.commands.list()]
    hint = AvailableCommandInput(root=UnstructuredCommandInput(hint="what to do with the skill"))
    listed += [
        AvailableCommand(name=name, description=f"Skill: {skill.description}", input=hint)
        for name, skill in sorted(skill_commands(session).items())
    ]
    return listed


class CommandsAnnouncer:
    """Sends ``available_commands_update`` when the session's commands or skills differ from what the
    client was last told (after opening the session and after each turn)."""

    def __init__(self) -> None:
        self.told: list[tuple[str, str]] | None = None

    def update(self, session: Any) -> Any | None:
        now = commands(session)
        key = [(c.name, c.description) for c in now]
        if key == self.told:
            return None
        self.told = key
        return update_available_commands(now)


def usage_update(session: Any, last: Usage, cost_usd: float) -> UsageUpdate:
    """``used``: the tokens of the last model call (its prompt, cache included, plus its answer: what
    the context holds now); ``size``: the model's context window; ``cost``: ``cost_usd``, the session's
    cumulative cost in USD."""
    used = last.input_tokens + last.cache_read_tokens + last.cache_write_tokens + last.output_tokens
    return UsageUpdate(
        session_update="usage_update",
        used=used,
        size=session.context_limit(),
        cost=Cost(amount=round(cost_usd, 9), currency="USD"),
    )
