"""Demo data, so a newcomer can try everything within a minute of the first start."""
