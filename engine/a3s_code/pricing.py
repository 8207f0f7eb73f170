"""Cost per token, from a default table that a model's ``cost`` block in HCL overrides."""

from __future__ import annotations

from dataclasses import dataclass

from .messages import Usage


@dataclass(frozen=True)
class ModelPricing:
    """USD per million tokens."""

    input_per_million: float
    output_per_million: float
    cache_read_per_million: float | None = None
    cache_write_per_million: float | None = None

    def cost(self, usage: Usage) -> float:
        cache_read = self.cache_read_per_million
        cache_write = self.cache_write_per_million
        if cache_read is None:
            cache_read = self.input_per_million * 0.1
        if cache_write is None:
            cache_write = self.input_per_million * 1.25
        total = (
            usage.input_tokens * self.input_per_million
            + usage.output_tokens * self.output_per_million
            + usage.cache_read_tokens * cache_read
            + usage.cache_write_tokens * cache_write
        )
        return total / 1_000_000


DEFAULT_PRICING: dict[str, ModelPricing] = {
    "claude-sonnet-4-20250514": ModelPricing(3.0, 15.0),
    "claude-sonnet-4-5": ModelPricing(3.0, 15.0),
    "claude-opus-4-20250514": ModelPricing(15.0, 75.0),
    "claude-3-5-sonnet-20241022": ModelPricing(3.0, 15.0),
    "claude-3-5-haiku-20241022": ModelPricing(0.8, 4.0),
    "claude-3-haiku-20240307": ModelPricing(0.25, 1.25),
    "claude-3-opus-20240229": ModelPricing(15.0, 75.0),
    "gpt-4o": ModelPricing(2.5, 10.0),
    "gpt-4o-mini": ModelPricing(0.15, 0.6),
    "gpt-4-turbo": ModelPricing(10.0, 30.0),
    "gpt-4.1": ModelPricing(2.0, 8.0),
    "gpt-4.1-mini": ModelPricing(0.4, 1.6),
}


def pricing_for(model_id: str, override: ModelPricing | None = None) -> ModelPricing | None:
    """The override if the config gives one, else the table (exact id, then longest prefix)."""
    if override is not None:
        return override
    if model_id in DEFAULT_PRICING:
        return DEFAULT_PRICING[model_id]
    matches = [k for k in DEFAULT_PRICING if model_id.startswith(k)]
    return DEFAULT_PRICING[max(matches, key=len)] if matches else None
