"""The notes scanner and ``lecturecheck notes``: labels, lines, continuations, statuses, CLI."""
from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from derivations.cli import main
from derivations.latex import Notation, read_equation, read_notes
from derivations.latex.reader import read_text_notes
from fuzz_inputs import find_notes

ROOT = Path(__file__).resolve().parents[2]
NOTES = find_notes(Path(__file__))
needs_notes = pytest.mark.skipif(NOTES is None, reason="seed notes shared/seeds/000_6ceef446008ec550"
                                 ".txt not found above the repository: parse-rate test skipped")

SAMPLE = r"""# Notes

Some prose with a reference (6.3.5) that is not a display.

$$x_t = e^{-t} x_0 + z, \quad \text{s.t. } z = 1 \quad (6.3.5)$$

$$= x_0 + z \quad (6.3.6)$$

$$\simeq z \quad (6.3.7)$$

$$y = \text{Constant} \quad (6.3.8)$$

$$y = (x + \quad (6.3.9)$$

$$(6.3.10)$$

$$a
= b \quad (6.3.11)$$
"""


def _by_label(eqs):
    return {e.label: e for e in eqs}


def test_labels_lines_and_asides():
    eqs = _by_label(read_text_notes(SAMPLE))
    assert list(eqs) == ["6.3.5", "6.3.6", "6.3.7", "6.3.8", "6.3.9", "6.3.10", "6.3.11"]
    first = eqs["6.3.5"]
    assert (first.line, first.status) == (5, "parsed")
    assert first.math == r"x_t = e^{-t} x_0 + z" and first.asides == (r"\text{s.t. } z = 1",)
    assert first.chain.latex() == ["x_{t}", "x_{0} e^{- t} + z"]


def test_continuations_start_from_the_previous_last_term():
    eqs = _by_label(read_text_notes(SAMPLE))
    assert eqs["6.3.6"].continues == "6.3.5"
    assert eqs["6.3.6"].chain.latex() == ["x_{0} e^{- t} + z", "x_{0} + z"]
    assert [r.name for r in eqs["6.3.7"].chain.relations] == ["simeq"]
    assert eqs["6.3.7"].chain.relations[0].approximate


def test_statuses_with_positions():
    eqs = _by_label(read_text_notes(SAMPLE))
    assert eqs["6.3.8"].status == "prose" and eqs["6.3.8"].error.startswith("11:7: expected")
    assert eqs["6.3.9"].status == "error" and eqs["6.3.9"].error.startswith("13:")
    assert eqs["6.3.10"].status == "prose"
    assert eqs["6.3.10"].error == "15:3: expected mathematics, got an empty display"
    assert eqs["6.3.11"].status == "parsed" and eqs["6.3.11"].line == 18    # the label's line


def test_a_continuation_of_an_unparsed_display_keeps_its_own_links():
    eqs = _by_label(read_text_notes("$$y = ( \\quad (1.1.1)$$\n$$= a = b \\quad (1.1.2)$$\n"))
    assert eqs["1.1.2"].status == "parsed" and eqs["1.1.2"].chain.latex() == ["a", "b"]


def test_read_equation_reads_one_label_and_what_it_continues(tmp_path):
    import sympy as sp

    notes = tmp_path / "notes.md"
    notes.write_text(SAMPLE, encoding="utf-8")
    t, x0, z = sp.Symbol("t"), sp.Symbol("x_0"), sp.Symbol("z")
    table = Notation({"t": t, "x_0": x0, "z": z, "x_t": sp.Function("x")(t)})
    eq = read_equation(notes, "6.3.6", table)
    assert eq.status == "parsed" and eq.continues == "6.3.5"
    assert eq.chain.terms == (x0 * sp.exp(-t) + z, x0 + z)
    assert eq.assumed == ()
    with pytest.raises(KeyError):
        read_equation(notes, "9.9.9", table)


@needs_notes
def test_read_equation_on_the_notes_keeps_the_printed_step():
    import sympy as sp

    d = 4
    C, xs, xh = (sp.MatrixSymbol("C", d, d), sp.MatrixSymbol("x_sigma", d, 1),
                 sp.MatrixSymbol("xhat_sigma", d, 1))
    s = sp.Symbol("sigma", positive=True)
    table = Notation({"C": C, r"x_\sigma": xs, r"\hat{x}_\sigma": xh, r"\sigma": s,
                      r"\mathbb{I}": sp.Identity(d)}, {r"\hat{x}": sp.Function("xhat")})
    eq = read_equation(NOTES, "6.3.23", table)
    inverse = (C + s ** 2 * sp.Identity(d)).I
    assert eq.line == 823 and eq.continues == "6.3.22"
    assert eq.chain.terms == ((sp.Identity(d) - inverse * s) * xs, inverse * C * xh)


def test_json_record_shape():
    record = read_text_notes(SAMPLE)[0].as_json()
    assert list(record) == ["label", "line", "source", "status", "error", "chain_latex",
                            "relations", "derivation"]
    assert record["derivation"] is None and record["relations"] == ["="]


@needs_notes
def test_seed_notes_parse_rate_and_time(record_property, capsys):
    start, cpu = time.perf_counter(), time.process_time()
    eqs = read_notes(NOTES)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    labels = {e.label for e in eqs}
    parsed = {e.label for e in eqs if e.status == "parsed"}
    rate = len(parsed) / len(labels)
    record_property("parse_rate", rate)
    with capsys.disabled():
        print(f"\n[latex reader] {len(parsed)}/{len(labels)} distinct labelled equations parsed "
              f"({100 * rate:.1f}%) in {seconds:.2f} s wall, {cpu:.2f} s CPU")
    assert len(labels) >= 200
    assert rate >= 0.80
    assert cpu < 5.0          # CPU time: the machine may be shared; wall time is printed
    for e in eqs:
        if e.status != "parsed":
            assert e.status in ("prose", "error") and e.error
            line, col = (int(v) for v in e.error.split(":")[:2])
            assert line >= e.line and col >= 1


@needs_notes
def test_lines_agree_with_the_coverage_scan():
    from derivations.coverage import scan_labels

    text = NOTES.read_text(encoding="utf-8")
    printed = {(o.label, o.line) for o in scan_labels(text)}
    assert all((e.label, e.line) in printed for e in read_notes(NOTES))


@needs_notes
def test_seed_notes_positions_point_into_the_display():
    lines = NOTES.read_text(encoding="utf-8").split("\n")
    for e in read_notes(NOTES):
        if e.status in ("error", "prose") and e.math:
            line, col = (int(v) for v in e.error.split(":")[:2])
            assert e.line <= line and 1 <= col <= len(lines[line - 1]), e.error
            assert not lines[line - 1][col - 1].isspace(), e.error
            if "the words" in e.error:      # prose: the position is the first word's
                word = e.error.split("the words ")[1]
                assert lines[line - 1][col - 1:].startswith(word.split(" ")[0][:6]), e.error


# ------------------------------------------------------------------ the command line

def test_cli_json(tmp_path, capsys):
    notes = tmp_path / "notes.md"
    notes.write_text(SAMPLE, encoding="utf-8")
    assert main(["notes", str(notes), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert [e["label"] for e in doc["equations"]][:2] == ["6.3.5", "6.3.6"]
    assert doc["equations"][0]["chain_latex"] == ["x_{t}", "x_{0} e^{- t} + z"]
    assert {e["status"] for e in doc["equations"]} == {"parsed", "prose", "error"}


def test_cli_text_has_one_line_per_equation_and_a_summary(tmp_path, capsys):
    notes = tmp_path / "notes.md"
    notes.write_text(SAMPLE, encoding="utf-8")
    assert main(["notes", str(notes)]) == 0
    out = capsys.readouterr().out.strip().split("\n")
    assert len(out) == 8 and out[0].startswith("(6.3.5) line 5: parsed")
    assert out[-1].startswith("7 labelled equations (7 distinct): 4 parsed (57.1%), 2 prose")


@pytest.mark.parametrize("make", ["missing", "directory", "binary", "latin1", "fifo"])
def test_cli_bad_files_exit_2_with_one_line(tmp_path, capsys, make):
    target = tmp_path / "notes"
    if make == "directory":
        target.mkdir()
    elif make == "binary":
        target.write_bytes(b"$$x\x00$$")
    elif make == "latin1":
        target.write_bytes("$$\u00e9 = 1 \\quad (1.1.1)$$".encode("latin-1"))
    elif make == "fifo":
        if not hasattr(os, "mkfifo"):
            pytest.skip("no FIFOs on this platform")
        os.mkfifo(target)
    start = time.perf_counter()
    assert main(["notes", str(target), "--json"]) == 2
    assert time.perf_counter() - start < 5          # a FIFO is refused, not waited on
    captured = capsys.readouterr()
    assert captured.out == "" and captured.err.count("\n") == 1
    assert captured.err.startswith("lecturecheck: error: ")


def test_cli_usage_error_exits_2(capsys):
    assert main(["notes"]) == 2


@needs_notes
def test_cli_subprocess_on_the_seed_notes():
    proc = subprocess.run([sys.executable, "-m", "derivations.cli", "notes", str(NOTES), "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    doc = json.loads(proc.stdout)
    parsed = {e["label"] for e in doc["equations"] if e["status"] == "parsed"}
    assert len(parsed) / len({e["label"] for e in doc["equations"]}) >= 0.80
    # its time is the in-process test's (CPU time); wall time here depends on the machine's load
