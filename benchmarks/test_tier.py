"""Default test tier: wall time now, and extrapolated to a catalog four times as large.

Runs the default tier (``pytest``) once with per-test durations, splits the time into the part
that grows with the catalog (items parametrised over derivations, steps or claims: the generic
checks, property tests, per-step mutant subsets) and the fixed part (engine, CLI, numerics unit
tests), then scales the first by the planned catalog size (about 500 steps) over today's steps.
Target (developers' guide): the default tier stays under 10 minutes on 2 cores at 4x.

    python benchmarks/test_tier.py            # the whole default tier (a few minutes)
"""
from __future__ import annotations

import re
import subprocess
import sys
import time

from derivations.registry import all_derivations

BUDGET_S = 600.0
PLANNED_STEPS = 500
# test files / items whose count grows with the catalog
GROWING = (re.compile(r"tests/test_catalog\.py::"), re.compile(r"tests/test_properties\.py::"),
           re.compile(r"tests/test_mutants\.py::test_quick_subset_covers_step"),
           re.compile(r"tests/test_coverage\.py::test_real_catalog"))
DURATION = re.compile(r"^\s*([0-9.]+)s (call|setup|teardown)\s+(\S+)")


def main() -> int:
    steps = sum(len(d.steps) for d in all_derivations())
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "--durations=0", "--durations-min=0"], capture_output=True, text=True)
    wall = time.perf_counter() - start
    growing = fixed = 0.0
    for line in proc.stdout.splitlines():
        m = DURATION.match(line)
        if m:
            seconds, item = float(m.group(1)), m.group(3)
            if any(p.search(item) for p in GROWING):
                growing += seconds
            else:
                fixed += seconds
    scale = PLANNED_STEPS / steps
    overhead = max(wall - growing - fixed, 0.0)  # collection, imports, reporting
    estimate = fixed + overhead + growing * scale
    print(f"default tier: {wall:.0f} s wall (pytest exit {proc.returncode}); catalog-proportional "
          f"{growing:.0f} s, fixed {fixed:.0f} s, overhead {overhead:.0f} s; catalog {steps} steps")
    print(f"extrapolated to {PLANNED_STEPS} steps (x{scale:.1f}): {estimate:.0f} s "
          f"= {estimate / BUDGET_S:.2f} x the {BUDGET_S:.0f} s budget")
    return 0 if proc.returncode == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
