"""Runner glue for derivation files: check them like catalog derivations, add each step's line.

The result is the JSON contract (DESIGN §4) unchanged, plus ``"line"`` (the step's file line)
on every step of a file derivation; the derivation's ``id`` is the file path as given.
"""
from __future__ import annotations

from typing import Sequence

from .load import ProofFile, load_proof


def annotate(result: dict, proofs: Sequence[ProofFile]) -> dict:
    """Add the file line of every step of the file derivations in ``result`` (in place)."""
    by_id = {p.derivation.id: p for p in proofs}
    for entry in result["derivations"]:
        proof = by_id.get(entry["id"])
        if proof is None:
            continue
        for step in entry["steps"]:
            step["line"] = proof.lines.get(step["id"])
    return result


def check_files(paths: Sequence[str], options=None) -> dict:
    """Load every file (all of them first: one bad file fails before anything runs), run them
    through :func:`derivations.run.run`, and return the annotated JSON-contract dictionary."""
    from ..run.runner import Options, run

    proofs = [load_proof(p) for p in dict.fromkeys(paths)]
    result = run([p.derivation for p in proofs], options or Options())
    return annotate(result, proofs)


def format_steps(entry: dict, indent: str = "          ") -> list[str]:
    """Text lines for the steps of a file derivation: every step with its line and verdict;
    for a step that does not hold, the simplified difference and the witness."""
    out = []
    for s in entry["steps"]:
        tag = f" ({s['equation']})" if s.get("equation") else ""
        out.append(f"{indent}line {s.get('line')}: step {s['id']}{tag} {s['verdict']}")
        if s["verdict"] in ("proved", "exhaustive"):
            continue
        out.append(f"{indent}  {_short(s['lhs_latex'])}  {s['relation']}  {_short(s['rhs_latex'])}")
        out.append(f"{indent}  method: {_short(s['method'], 140)}")
        if s["verdict"] not in ("numeric",):
            out.append(f"{indent}  difference: {_short(s['difference_latex'], 140)}")
        if s.get("witness"):
            w = ", ".join(f"{k}={v}" for k, v in s["witness"].items())
            out.append(f"{indent}  witness: {_short(w, 140)}")
    return out


def _short(text, width: int = 100) -> str:
    s = " ".join(str(text).split())
    return s if len(s) <= width else s[: width - 1] + "…"
