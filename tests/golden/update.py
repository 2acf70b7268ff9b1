"""Regenerate ``verdicts.json``: each catalog step's verdict level and the computed errata.

Run ``python tests/golden/update.py`` after a deliberate change and review the diff: a step
dropping from ``proved`` to ``numeric`` is a regression, not an update.
"""
from __future__ import annotations

import json
from pathlib import Path

from derivations.registry import all_derivations
from derivations.testing.checks import golden_record, step_entry

GOLDEN = Path(__file__).resolve().parent / "verdicts.json"


def main() -> None:
    record = {d.id: golden_record(step_entry(d)) for d in all_derivations()}
    Path(GOLDEN).write_text(json.dumps(record, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {GOLDEN}: {len(record)} derivations, "
          f"{sum(len(r['steps']) for r in record.values())} steps, "
          f"{sum(len(r['errata']) for r in record.values())} errata")


if __name__ == "__main__":
    main()
