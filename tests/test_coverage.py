"""``lecturecheck coverage``: every ``(x.y.z)`` of a notes file, by position, with its status.

The label occurrences are counted independently here (a plain regex over the lines) and
compared with what the tool lists.  Statuses are checked on the fixture catalog of
``test_cli.py`` (known verdicts) and, for consistency, on the real catalog.
"""
from __future__ import annotations

import copy
import json
import re
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))
from test_cli import fixture_catalog, one_error_line, run_batch  # noqa: E402

from derivations.run.runner import Options, run  # noqa: E402
from derivations.coverage import (NO_ENCODING, STATUSES, coverage, read_notes,  # noqa: E402
                                  scan_labels)
from derivations.errors import InputError  # noqa: E402

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
NOTES = SEEDS / "000_6ceef446008ec550.txt"
needs_notes = pytest.mark.skipif(not NOTES.exists(), reason=f"seed notes not found at {NOTES}")


def independent_occurrences(text: str) -> list[tuple[str, int]]:
    """(label, 1-based line) of every ``(a.b.c)``, counted line by line."""
    return [(m, i) for i, line in enumerate(text.split("\n"), 1)
            for m in re.findall(r"\((\d+\.\d+\.\d+)\)", line)]


def assert_totals_add_up(report: dict) -> None:
    labels, chapters = report["labels"], report["chapters"]
    assert list(chapters) == sorted(chapters, key=int)
    assert sum(c["total"] for c in chapters.values()) == len(labels)
    for ch, c in chapters.items():
        assert set(c) == {"total", *STATUSES}
        assert sum(c[s] for s in STATUSES) == c["total"], ch
        rows = [r for r in labels if r["label"].split(".")[0] == ch]
        assert len(rows) == c["total"]
        for s in STATUSES:
            assert c[s] == sum(r["status"] == s for r in rows), (ch, s)


# ---------------------------------------------------------------- scanning and reading

def test_scan_labels_positions():
    text = ("intro (0.1)\n"
            "$$y = x \\quad (6.3.5)$$\n"
            "$$(3.0.20)$$\r\n"
            "two (1.2.3) and (1.2.4); not (1.2.3.4), not (1.2), not ( 1.2.3 )\n"
            "see (6.3.5) above")
    got = [(o.label, o.line, o.column) for o in scan_labels(text)]
    assert got == [("6.3.5", 2, 15), ("3.0.20", 3, 3), ("1.2.3", 4, 5), ("1.2.4", 4, 17),
                   ("6.3.5", 5, 5)]
    assert [(o.label, o.line) for o in scan_labels(text)] == independent_occurrences(text)
    assert scan_labels("") == []


def test_read_notes_errors_name_the_file(tmp_path):
    (tmp_path / "bom.txt").write_bytes(b"\xef\xbb\xbf(1.2.3)\n")
    assert read_notes(tmp_path / "bom.txt") == "(1.2.3)\n"
    (tmp_path / "nul.txt").write_bytes(b"abc\x00")
    (tmp_path / "bad.txt").write_bytes(b"line one\nline \xff two\n")
    cases = {tmp_path / "missing.txt": "no such file", tmp_path: "directory",
             tmp_path / "nul.txt": "NUL byte at offset 3", tmp_path / "bad.txt": "bad.txt:2"}
    for path, words in cases.items():
        with pytest.raises(InputError, match=re.escape(words)) as info:
            read_notes(path)
        assert str(path) in str(info.value) and "\n" not in str(info.value)


# ---------------------------------------------------------------- statuses (fixture catalog)

FIXTURE_TEXT = """\
$$a \\quad (6.3.2)$$
$$b \\quad (6.3.5)$$
$$c \\quad (6.3.6)$$
$$d \\quad (6.3.13)$$
$$e \\quad (7.2.10)$$
$$f \\quad (7.3.11)$$
$$g \\quad (7.3.12)$$
prose citing (6.3.5) again
"""


@pytest.fixture(scope="module")
def fixture_run() -> tuple:
    derivations = fixture_catalog("basic")
    return derivations, run(derivations, Options(mc=False, cache=False, seed=5, jobs=2))


@pytest.fixture(scope="module")
def fixture_report(fixture_run) -> dict:
    return coverage(FIXTURE_TEXT, *fixture_run)


def test_statuses_come_from_computed_verdicts(fixture_report):
    rows = [(r["label"], r["line"], r["status"], r["derivation"]) for r in fixture_report["labels"]]
    assert rows == [
        ("6.3.2", 1, "definition", "fixture.ou"),
        ("6.3.5", 2, "erratum", "fixture.ou"),
        ("6.3.6", 3, "not-encoded", "fixture.ou"),
        ("6.3.13", 4, "verified", "fixture.ou"),
        ("7.2.10", 5, "unverified", "fixture.broken"),
        ("7.3.11", 6, "verified", "fixture.broken"),
        ("7.3.12", 7, "not-encoded", None),
        ("6.3.5", 8, "erratum", "fixture.ou"),  # printed twice: listed twice
    ]
    reason = {r["line"]: r["reason"] for r in fixture_report["labels"]}
    assert "drops" in reason[2]  # the printed form's note
    assert reason[3] == "convolution of densities, not a finite identity"
    assert reason[4] == "proved"
    assert "refuted" in reason[5] and "step 0" in reason[5]
    assert "printed form declared different but proved" in reason[6]
    assert reason[7] == NO_ENCODING
    assert fixture_report["encoded_not_in_notes"] == [{"label": "9.9.9",
                                                       "derivation": "fixture.broken"}]
    assert fixture_report["chapters"] == {
        "6": {"total": 5, "verified": 1, "erratum": 2, "definition": 1, "not-encoded": 1,
              "unverified": 0},
        "7": {"total": 3, "verified": 1, "erratum": 0, "definition": 0, "not-encoded": 1,
              "unverified": 1}}
    assert_totals_add_up(fixture_report)


def test_an_unrefuted_printed_form_is_no_erratum_and_a_weak_step_is_unverified(fixture_run):
    """Edited result: the status follows the verdicts it is given, nothing else."""
    derivations, result = fixture_run[0], copy.deepcopy(fixture_run[1])
    ou = result["derivations"][0]
    assert ou["id"] == "fixture.ou"
    ou["errata"][0]["is_erratum"] = False
    ou["errata"][0]["verdict"] = "undecided"
    ou["steps"][0]["verdict"] = "undecided"
    ou["steps"][1]["verdict"] = "numeric"
    rows = {r["label"]: r for r in coverage(FIXTURE_TEXT, derivations, result)["labels"]}
    assert rows["6.3.5"]["status"] == "unverified" and "undecided" in rows["6.3.5"]["reason"]
    assert rows["6.3.13"]["status"] == "verified" and "not a proof" in rows["6.3.13"]["reason"]


# ---------------------------------------------------------------- the seed notes, via the CLI

@pytest.fixture(scope="module")
def seed_runs(tmp_path_factory) -> dict:
    if not NOTES.exists():
        pytest.skip(f"seed notes not found at {NOTES}")
    return run_batch({
        "json": (["coverage", str(NOTES), "--json", "--jobs", "2"], "basic"),
        "text": (["coverage", str(NOTES)], "basic"),
    }, tmp_path_factory.mktemp("cache"), workers=2)


@needs_notes
def test_seed_notes_every_occurrence_listed(seed_runs):
    proc = seed_runs["json"]
    # exit 1 and one summary line: fixture.broken's refuted step leaves (7.2.10) unverified
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr == ("lecturecheck: coverage incomplete: 1 of 213 labels unverified "
                           "((7.2.10) line 1115: step 0 of fixture.broken: refuted)\n")
    report = json.loads(proc.stdout)
    assert proc.stdout == json.dumps(report, indent=2) + "\n"
    expected = independent_occurrences(NOTES.read_text(encoding="utf-8"))
    assert len(expected) > 100
    assert [(r["label"], r["line"]) for r in report["labels"]] == expected
    for r in report["labels"]:
        assert set(r) >= {"label", "line", "status", "derivation", "reason"}
        assert r["status"] in STATUSES
    assert_totals_add_up(report)
    chapters_in_notes = {lab.split(".")[0] for lab, _ in expected}
    assert set(report["chapters"]) == chapters_in_notes
    # labels printed twice are listed twice, each at its own line
    twice = {lab for lab, _ in expected if sum(x == lab for x, _ in expected) > 1}
    for lab in twice:
        lines = [r["line"] for r in report["labels"] if r["label"] == lab]
        assert len(lines) == len(set(lines)) > 1
    by_label = {r["label"]: r["status"] for r in report["labels"]}
    assert (by_label["6.3.5"], by_label["6.3.13"], by_label["6.3.2"], by_label["7.2.10"]) == \
        ("erratum", "verified", "definition", "unverified")


@needs_notes
def test_seed_notes_text_table(seed_runs):
    proc = seed_runs["text"]
    assert proc.returncode == 1 and "(7.2.10)" in proc.stderr, proc.stderr
    report = json.loads(seed_runs["json"].stdout)
    n = len(report["labels"])
    for ch, c in report["chapters"].items():
        assert f"Chapter {ch}: {c['total']} labels — {c['verified']} verified" in proc.stdout
    assert f"all chapters: {n} labels" in proc.stdout
    assert "warning: label (9.9.9) of fixture.broken does not occur" in proc.stdout


def test_coverage_rejects_a_binary_file_before_running(tmp_path):
    (tmp_path / "notes.pdf").write_bytes(b"%PDF-1.4\x00\x00")
    proc = run_batch({"bin": (["coverage", str(tmp_path / "notes.pdf")], "basic")},
                     tmp_path / "cache")["bin"]
    assert proc.returncode == 2 and "notes.pdf" in one_error_line(proc)


# ---------------------------------------------------------------- the real catalog

@needs_notes
def test_real_catalog_labels_are_consistent():
    """Every label the catalog encodes occurs in the notes, and encoded labels get a status."""
    from derivations.registry import all_derivations
    from derivations.testing.checks import step_entry

    derivations = all_derivations()  # per-derivation results, shared with the generic checks
    report = coverage(read_notes(NOTES), derivations,
                      {"derivations": [step_entry(d) for d in derivations]})
    assert [(r["label"], r["line"]) for r in report["labels"]] == \
        independent_occurrences(NOTES.read_text(encoding="utf-8"))
    assert_totals_add_up(report)
    assert report["encoded_not_in_notes"] == [], "catalog labels the notes do not print"
    status = {r["label"]: r["status"] for r in report["labels"]}
    for d in derivations:
        for s in d.steps:
            if s.equation:
                assert status[s.equation] in ("verified", "erratum", "unverified"), (d.id, s)
        for lab in d.definitions:
            assert status[lab] != "not-encoded", (d.id, lab)


@pytest.mark.slow
@needs_notes
def test_real_catalog_coverage_through_the_installed_script(tmp_path):
    proc = run_batch({"real": (["coverage", str(NOTES), "--json", "--jobs", "2"], None)},
                     tmp_path / "cache")["real"]
    assert proc.returncode == 0 and proc.stderr == "", proc.stderr
    report = json.loads(proc.stdout)
    assert [(r["label"], r["line"]) for r in report["labels"]] == \
        independent_occurrences(NOTES.read_text(encoding="utf-8"))
    assert_totals_add_up(report)
