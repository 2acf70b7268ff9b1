"""Regenerate ``verdicts.json``: each catalog step's verdict level and the computed errata.

Run ``python tests/golden/update.py [ID …]`` (all derivations, or only those named) after a
deliberate change and review the diff: a step
dropping from ``proved`` to ``numeric`` is a regression, not an update.
"""
from __future__ import annotations

import json
import sys
from pathlib import Path

from derivations.registry import all_derivations
from derivations.testing.checks import golden_record, step_entry

GOLDEN = Path(__file__).resolve().parent / "verdicts.json"


def main(ids: list[str]) -> None:
    """Re-pin every derivation, or only ``ids`` (the others keep their pinned record)."""
    record = json.loads(GOLDEN.read_text(encoding="utf-8")) if ids and GOLDEN.is_file() else {}
    known = {d.id: d for d in all_derivations()}
    unknown = sorted(set(ids) - set(known))
    if unknown:
        raise SystemExit(f"unknown derivation ids {unknown}; known: {sorted(known)}")
    for i in ids or known:
        record[i] = golden_record(step_entry(known[i]))
    record = {i: record[i] for i in sorted(record)}
    Path(GOLDEN).write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}: {len(record)} derivations, "
          f"{sum(len(r['steps']) for r in record.values())} steps, "
          f"{sum(len(r['errata']) for r in record.values())} errata")


if __name__ == "__main__":
    main(sys.argv[1:])
