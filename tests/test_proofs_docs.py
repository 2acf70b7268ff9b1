"""The README's "Write your own derivation" shows examples/ou_variance.derivation.md verbatim
(the file CI checks)."""
from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_the_documented_example_is_the_checked_file():
    doc = (ROOT / "README.md").read_text(encoding="utf-8")
    doc = doc[doc.index("### Write your own derivation"):]
    example = (ROOT / "examples" / "ou_variance.derivation.md").read_text(encoding="utf-8")
    start = doc.index("````markdown\n") + len("````markdown\n")
    assert doc[start:doc.index("````", start)] == example
