"""Configuration: HCL parsed once into pydantic models."""

from .loader import discover_config_path, load_config, load_file, parse_config
from .models import (
    AgentConfig,
    ConfirmationConfig,
    McpServerConfig,
    MemoryConfig,
    ModelConfig,
    ModelCost,
    ModelLimit,
    PermissionsConfig,
    ProviderConfig,
    QueueConfig,
    SearchConfig,
    SearchEngineConfig,
)

__all__ = [
    "AgentConfig",
    "ConfirmationConfig",
    "McpServerConfig",
    "MemoryConfig",
    "ModelConfig",
    "ModelCost",
    "ModelLimit",
    "PermissionsConfig",
    "ProviderConfig",
    "QueueConfig",
    "SearchConfig",
    "SearchEngineConfig",
    "discover_config_path",
    "load_config",
    "load_file",
    "parse_config",
]
