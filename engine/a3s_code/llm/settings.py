"""From the HCL provider and model blocks (and a session's options) to a client's settings."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._openai_common import ModelTraits
from .retry import RetryPolicy, Timeouts

if TYPE_CHECKING:
    from ..config.models import ModelConfig, ProviderConfig
    from ..options import SessionOptions


def _seconds(ms: int) -> float | None:
    return ms / 1000 if ms > 0 else None


def _at_most(value: float | None, cap: float | None) -> float | None:
    if cap is None:
        return value
    return cap if value is None else min(value, cap)


def limits_for(provider: ProviderConfig, options: SessionOptions) -> tuple[Timeouts, RetryPolicy]:
    """The provider's ``timeouts { }`` block; a session's ``llm_timeout_s`` can only shorten the
    first-byte and idle limits, and its ``llm_max_retries`` applies unless the block sets one."""
    block = provider.timeouts
    cap = options.llm_timeout_s if options.llm_timeout_s > 0 else None
    timeouts = Timeouts(
        connect_s=_seconds(block.connect_ms),
        first_byte_s=_at_most(_seconds(block.first_byte_ms), cap),
        idle_s=_at_most(_seconds(block.idle_ms), cap),
    )
    retry = RetryPolicy(
        max_retries=block.max_retries if block.max_retries is not None else options.llm_max_retries,
        base_delay_s=options.llm_retry_delay_ms / 1000,
        budget_s=_seconds(block.retry_budget_ms),
    )
    return timeouts, retry


def traits_for(model: ModelConfig | None) -> ModelTraits:
    """``reasoning`` counts only when the models block sets it; otherwise the model id decides."""
    if model is None:
        return ModelTraits()
    declared = model.reasoning if "reasoning" in model.model_fields_set else None
    return ModelTraits(declared_reasoning=declared, temperature=model.temperature)
