"""pytest.raises(match=...) patterns that accept one message and nothing else."""

import re


def exactly(message: str) -> str:
    """A pattern matching `message` whole: no extra text before or after it."""
    return rf"\A{re.escape(message)}\Z"
