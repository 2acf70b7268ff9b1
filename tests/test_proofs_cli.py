"""``lecturecheck check FILE.md`` and ``pytest examples/`` through the installed scripts.

The commands of the issue's "done when", run as a user runs them from the repository root:

* ``lecturecheck check examples/*.derivation.md`` exits 1 and names only the planted wrong step
  of ``tweedie_student`` (by its line) as failing;
* ``lecturecheck check examples/errors/outside_grammar.derivation.md`` exits 2 with
  ``file:line:col: expected …``;
* ``pytest examples/`` collects the three files through the plugin and fails only the planted one.

Step results go to a cache directory private to this test session (``LECTURECHECK_CACHE``), so
the second command that checks the examples reuses the first one's verdicts.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted(p.relative_to(ROOT).as_posix() for p in (ROOT / "examples").glob("*.derivation.md"))
PLANTED_LINE = 68      # examples/tweedie_student.derivation.md: "= (s^2 - sigma^2)/(s^2+sigma^2) y"
SCRIPT = shutil.which("lecturecheck", path=str(Path(sys.executable).parent)) or "lecturecheck"


@pytest.fixture(scope="module")
def env(tmp_path_factory):
    return dict(os.environ, LECTURECHECK_CACHE=str(tmp_path_factory.mktemp("cache")),
                PYTHONIOENCODING="utf-8")


def _run(args, env, cwd=ROOT, timeout=600):
    return subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout)


def test_the_planted_line_is_the_wrong_step():
    text = (ROOT / "examples" / "tweedie_student.derivation.md").read_text(encoding="utf-8")
    assert text.splitlines()[PLANTED_LINE] == r"= \frac{s^2 - \sigma^2}{s^2+\sigma^2} y"


def test_check_examples_exits_1_naming_only_the_planted_step(env):
    assert EXAMPLES == ["examples/ou_variance.derivation.md", "examples/tweedie_student.derivation.md",
                        "examples/wiener_filter.derivation.md"]
    out = _run([SCRIPT, "check", *EXAMPLES], env)
    assert out.returncode == 1, out.stdout + out.stderr
    failing = [ln for ln in out.stdout.splitlines()
               if re.search(r"line \d+: step \S+ .*(refuted|inconsistent|undecided)$", ln)]
    assert failing == [f"          line {PLANTED_LINE}: step posterior_mean (posterior mean) refuted"], \
        out.stdout
    assert "difference: \\frac{\\sigma^{2} y}{s^{2} + \\sigma^{2}}" in out.stdout
    assert re.search(r"witness: s=\S+, sigma=\S+, y=\S+", out.stdout), out.stdout
    assert "summary: 3 derivations, 2 passed, 1 failed, 0 undecided" in out.stdout


def test_check_outside_the_grammar_exits_2_with_file_line_col(env):
    path = "examples/errors/outside_grammar.derivation.md"
    out = _run([SCRIPT, "check", path], env)
    assert out.returncode == 2, out.stdout + out.stderr
    assert out.stdout == ""
    assert re.fullmatch(rf"lecturecheck: error: {re.escape(path)}:14:40: expected .*\n", out.stderr), \
        out.stderr


def test_pytest_examples_fails_only_the_planted_file(env):
    out = _run([sys.executable, "-m", "pytest", "examples/", "-p", "no:cacheprovider"], env)
    assert out.returncode == 1, out.stdout + out.stderr
    assert "collected 3 items" in out.stdout
    assert re.search(r"^FAILED examples/tweedie_student\.derivation\.md::", out.stdout, re.M)
    assert "1 failed, 2 passed" in out.stdout
    assert f"examples/tweedie_student.derivation.md:{PLANTED_LINE}: step posterior_mean" in out.stdout
    assert f"  {PLANTED_LINE + 1:4d} | = \\frac{{s^2 - \\sigma^2}}{{s^2+\\sigma^2}} y" in out.stdout
    assert "outside_grammar" not in out.stdout       # examples/errors/ is not recursed into


def _small(tmp_path: Path, body: str) -> str:
    path = tmp_path / "small.derivation.md"
    path.write_text("---\nsymbols:\n  x: real\n  n: [integer, positive]\n---\n" + body,
                    encoding="utf-8")
    return str(path)


def test_mixed_ids_and_files_in_one_command(tmp_path, env):
    from derivations.registry import all_derivations

    catalog_id = min((d for d in all_derivations()), key=lambda d: len(d.steps)).id
    path = _small(tmp_path, "$$ (x+1)^2 = x^2 + 2x + 1 \\tag{expand} $$\nbecause: square\n")
    out = _run([SCRIPT, "check", "--json", "--no-mc", catalog_id, path], env)
    result = json.loads(out.stdout)
    assert [d["id"] for d in result["derivations"]] == [catalog_id, path], out.stderr
    assert result["derivations"][1]["verdict"] == "pass"
    assert all("line" not in s for s in result["derivations"][0]["steps"])


def test_file_json_has_lines_tags_witness_and_is_byte_identical(tmp_path, env):
    path = _small(tmp_path, "$$ (x+1)^2 = x^2 + 2x + 1 \\tag{expand} $$\nbecause: square\n\n"
                            "$$ = x^2 + 2x + 2 $$\n")
    args = [SCRIPT, "check", "--json", "--no-cache", "--seed", "3", path]
    first, second = _run(args, env), _run(args, env)
    assert first.returncode == 1 and first.stdout == second.stdout, first.stderr
    result = json.loads(first.stdout)
    steps = result["derivations"][0]["steps"]
    assert [(s["id"], s["line"], s["equation"], s["verdict"]) for s in steps] == \
        [("expand", 6, "expand", "proved"), ("line_9", 9, None, "refuted")]
    assert steps[0]["justification"] == "square" and steps[1]["witness"]
    assert steps[1]["difference_latex"] == "-1"


def test_a_bad_file_among_good_targets_fails_the_command_before_running(tmp_path, env):
    good = _small(tmp_path, "$$ x = x $$\n")
    bad = tmp_path / "bad.derivation.md"
    bad.write_text("---\n---\n$$ x = x $$\n", encoding="utf-8")
    out = _run([SCRIPT, "check", "--no-cache", good, str(bad)], env)
    assert out.returncode == 2 and out.stdout == ""
    assert f"{bad}:3:4: unbound name x" in out.stderr


def test_other_paths_are_still_usage_errors(tmp_path, env):
    other = tmp_path / "notes.md"
    other.write_text("# not a derivation file\n", encoding="utf-8")
    out = _run([SCRIPT, "check", str(other)], env)
    assert out.returncode == 2 and "*.derivation.md" in out.stderr
