"""pytest plugin (entry point ``pytest11: lecturecheck``): ``*.derivation.md`` files are tests.

Each file is one test item, named after the file.  The item reads the file (an error outside
the format or the grammar fails it with ``file:line:col: expected …``) and runs it through the
same runner as ``lecturecheck check FILE``; a derivation that does not pass fails the item, and
the failure shows every failing step's block as written in the file, its verdict, the simplified
difference and the witness.

Options: ``--lecturecheck-timeout S`` (per symbolic/numeric task, default 20),
``--lecturecheck-strict`` (only proved/exhaustive steps pass), ``--lecturecheck-seed N``.

The module imports nothing heavy at import time: it is loaded by every pytest run in an
environment where lecturecheck is installed.
"""
from __future__ import annotations

from pathlib import Path

import pytest

SUFFIX = ".derivation.md"


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("lecturecheck", "derivation files (*.derivation.md)")
    group.addoption("--lecturecheck-timeout", type=float, default=20.0, metavar="S",
                    help="time limit per symbolic/numeric task of a derivation file (default 20)")
    group.addoption("--lecturecheck-strict", action="store_true", default=False,
                    help="only proved/exhaustive steps pass (numeric is not a proof)")
    group.addoption("--lecturecheck-seed", type=int, default=0, metavar="N",
                    help="run seed for derivation files (default 0)")


def pytest_configure(config: pytest.Config) -> None:
    """Refuse meaningless options at start-up (not once per item)."""
    timeout = config.getoption("lecturecheck_timeout", default=20.0)
    seed = config.getoption("lecturecheck_seed", default=0)
    if not (timeout is not None and timeout > 0):
        raise pytest.UsageError(f"--lecturecheck-timeout={timeout!r}: expected a positive "
                                "number of seconds")
    if seed is None or seed < 0:
        raise pytest.UsageError(f"--lecturecheck-seed={seed!r}: expected a non-negative integer")


def pytest_collect_file(parent: pytest.Collector, file_path: Path):
    if file_path.name.endswith(SUFFIX):
        return DerivationFile.from_parent(parent, path=file_path)
    return None


class DerivationFile(pytest.File):
    """A ``*.derivation.md`` file: one item (the whole chain is one proof)."""

    def collect(self):
        yield DerivationItem.from_parent(self, name=self.path.name)


class DerivationFailed(AssertionError):
    """A derivation file that does not pass; carries the report entry and the file."""

    def __init__(self, entry: dict, proof) -> None:
        super().__init__(f"{entry['id']}: verdict {entry['verdict']}")
        self.entry, self.proof = entry, proof


class DerivationItem(pytest.Item):
    """Checks one derivation file; fails with the failing steps' blocks, differences, witnesses."""

    def _display_path(self) -> str:
        try:
            return str(self.path.relative_to(Path.cwd()))
        except ValueError:
            return str(self.path)

    def runtest(self) -> None:
        from derivations.errors import InvalidOption
        from derivations.proofs import annotate, load_proof
        from derivations.run.runner import Options, run

        cfg = self.config
        try:
            opts = Options(seed=cfg.getoption("lecturecheck_seed"),
                           timeout=cfg.getoption("lecturecheck_timeout"),
                           strict=cfg.getoption("lecturecheck_strict"), mc=False)
        except InvalidOption as exc:
            raise pytest.UsageError(f"lecturecheck plugin: {exc}") from None
        proof = load_proof(self._display_path())
        entry = annotate(run([proof.derivation], opts), [proof])["derivations"][0]
        self.user_properties.append(("lecturecheck", {s["id"]: s["verdict"] for s in entry["steps"]}))
        if entry["verdict"] != "pass":
            raise DerivationFailed(entry, proof)

    def repr_failure(self, excinfo, style=None):
        from derivations.errors import LectureCheckError

        if isinstance(excinfo.value, DerivationFailed):
            return failure_text(excinfo.value.entry, excinfo.value.proof, self.config)
        if isinstance(excinfo.value, LectureCheckError):
            return f"{excinfo.value}"
        return super().repr_failure(excinfo, style=style)

    def reportinfo(self):
        return self.path, None, f"derivation file {self.name}"


def failure_text(entry: dict, proof, config=None) -> str:
    """The failure of a derivation file: each failing step's block as written, then its
    verdict, the simplified difference and the witness."""
    from derivations.model import ESTABLISHED, STRICT

    strict = bool(config and config.getoption("lecturecheck_strict"))
    ok = STRICT if strict else ESTABLISHED
    try:
        lines = Path(proof.path).read_text(encoding="utf-8").splitlines()
    except OSError:
        lines = []
    out = [f"{entry['id']}: derivation {entry['verdict']}"
           + (" (--lecturecheck-strict: numeric steps do not pass)" if strict else "")]
    for s in entry["steps"]:
        if s["verdict"] in ok:
            continue
        first, last = (proof.spans or {}).get(s["id"], (s.get("line"), s.get("line")))
        tag = f" ({s['equation']})" if s.get("equation") else ""
        out.append("")
        out.append(f"{proof.path}:{first}: step {s['id']}{tag} {s['verdict']}")
        for n in range(first or 1, (last or 0) + 1):
            if 0 < n <= len(lines):
                out.append(f"  {n:4d} | {lines[n - 1]}")
        if s.get("justification"):
            out.append(f"  because:    {s['justification']}")
        out.append(f"  checked:    {s['lhs_latex']}  {s['relation']}  {s['rhs_latex']}")
        out.append(f"  method:     {s['method']}")
        out.append(f"  difference: {s['difference_latex']}")
        witness = ", ".join(f"{k}={v}" for k, v in (s.get("witness") or {}).items())
        out.append(f"  witness:    {witness or 'none'}")
        if s.get("evaluation"):
            ev = s["evaluation"]
            out.append(f"  at the witness: lhs = {ev.get('lhs')}, rhs = {ev.get('rhs')}")
    return "\n".join(out)
