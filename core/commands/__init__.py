"""Click commands, one module per domain; each command is a thin wrapper around a service."""
