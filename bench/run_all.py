"""Run every benchmark and write their figures, with the machine, into bench/RESULTS.md.

Run: python bench/run_all.py   (or `make bench`)
Each benchmark is a script that prints its own figures; this runs them one after the
other (never in parallel, so they do not disturb each other) and keeps what they print.
"""

import os
import platform
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

BENCH = Path(__file__).resolve().parent
RESULTS = BENCH / "RESULTS.md"
BENCHMARKS = (
    ("QR sheet of 1,000 cards", "qr_cards.py"),
    ("Page weight of the customer pages", "page_weight.py"),
    ("Leaderboard at 1,000,000 ratings", "leaderboard.py"),
    ("HTTP throughput under gunicorn", "http_load.py"),
    ("Card page under a slow mail server", "slow_gateway.py"),
)
TIMEOUT_S = 1800


def cpu_model() -> str:
    """The CPU's model name from /proc/cpuinfo (or what platform knows)."""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def machine() -> list[str]:
    """Lines describing where the figures were measured."""
    return [
        f"- date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- cores (nproc): {os.cpu_count()}",
        f"- CPU: {cpu_model()}",
        f"- Python: {platform.python_version()} ({platform.python_implementation()})",
        f"- system: {platform.system()} {platform.release()}",
        # Other work on the machine skews every figure: say how busy it was.
        "- load average at start (1, 5, 15 min): "
        + ", ".join(f"{load:.2f}" for load in os.getloadavg()),
    ]


def run(script: str) -> tuple[str, float]:
    """Run one benchmark script; returns what it printed and how long it took."""
    path = BENCH / script
    if not path.exists():
        return f"(not run: bench/{script} does not exist)", 0.0
    started = time.monotonic()
    try:
        result = subprocess.run(  # noqa: S603 (our own scripts)
            [sys.executable, str(path)],
            cwd=BENCH.parent,
            capture_output=True,
            text=True,
            timeout=TIMEOUT_S,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return f"(stopped after {TIMEOUT_S} s)", float(TIMEOUT_S)
    output = result.stdout.strip()
    if result.returncode != 0:
        output += f"\n\n(failed with exit status {result.returncode})\n{result.stderr[-2000:]}"
    return output, time.monotonic() - started


def main() -> None:
    sections = ["# Benchmark results", "", "Written by `make bench` (bench/run_all.py).", ""]
    sections += ["## Machine", "", *machine(), ""]
    for title, script in BENCHMARKS:
        print(f"== {title} (bench/{script})", flush=True)
        output, seconds = run(script)
        print(output, flush=True)
        sections += [f"## {title}", "", f"`python bench/{script}` ({seconds:.0f} s)", ""]
        # Markdown tables are kept as they are; any other output is shown verbatim.
        body = output if "|---" in output else f"```\n{output}\n```"
        sections += [body, ""]
    RESULTS.write_text("\n".join(sections).rstrip() + "\n", encoding="utf-8")
    print(f"Figures written to {RESULTS.relative_to(BENCH.parent)}")


if __name__ == "__main__":
    main()
