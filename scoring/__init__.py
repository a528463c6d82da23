"""Pure scoring rules: plain dataclasses in, plain data out; no framework imports."""
