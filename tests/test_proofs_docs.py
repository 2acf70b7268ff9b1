"""docs/proofs.md shows examples/ou_variance.derivation.md verbatim (the file CI checks)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_documented_example_is_the_checked_file():
    doc = (ROOT / "docs" / "proofs.md").read_text(encoding="utf-8")
    example = (ROOT / "examples" / "ou_variance.derivation.md").read_text(encoding="utf-8")
    start = doc.index("````markdown\n") + len("````markdown\n")
    assert doc[start:doc.index("````", start)] == example
