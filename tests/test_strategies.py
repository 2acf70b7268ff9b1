"""Deferred hypothesis strategies (derivations.model.strategies): the catalog declares its
claims' strategies without importing hypothesis; built, they are the strategies written."""
from __future__ import annotations

import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as hs

from derivations.model.strategies import Deferred, resolve, st
from derivations.registry import all_derivations


@st.composite
def _pair(draw, offset: int = 0):
    n = draw(st.integers(1, 5))
    return {"n": n, "m": n + offset + draw(st.integers(0, 3))}


@pytest.mark.parametrize("deferred, direct", [
    (st.integers(1, 6), hs.integers(1, 6)),
    (st.fixed_dictionaries({"N": st.integers(10, 200), "K": st.just(1)}),
     hs.fixed_dictionaries({"N": hs.integers(10, 200), "K": hs.just(1)})),
    (st.floats(0.1, 2.0, allow_nan=False).map(abs), hs.floats(0.1, 2.0, allow_nan=False).map(abs)),
    (st.lists(st.booleans(), min_size=2, max_size=3), hs.lists(hs.booleans(), min_size=2, max_size=3)),
    (st.integers(0, 9).filter(bool), hs.integers(0, 9).filter(bool)),
    (st.tuples(st.integers(0, 1), st.one_of(st.just(2), st.just(3))),
     hs.tuples(hs.integers(0, 1), hs.one_of(hs.just(2), hs.just(3)))),
])
def test_a_deferred_strategy_builds_the_strategy_written(deferred, direct) -> None:
    assert isinstance(deferred, Deferred)
    assert repr(resolve(deferred)) == repr(direct)
    assert resolve(deferred) is resolve(deferred)  # built once
    assert resolve(direct) is direct  # a real strategy passes through


def test_flatmap_and_composite_draw_what_they_say() -> None:
    drawn = []

    @settings(max_examples=30, derandomize=True, deadline=None)
    @given(resolve(st.integers(2, 9).flatmap(lambda n: st.fixed_dictionaries(
        {"N": st.just(n), "K": st.integers(1, n)}))), resolve(_pair(offset=10)))
    def check(nk, pair):
        drawn.append((nk, pair))
    check()
    assert len(drawn) >= 10
    assert all(1 <= nk["K"] <= nk["N"] <= 9 for nk, _ in drawn)
    assert all(1 <= p["n"] <= 5 and p["n"] + 10 <= p["m"] <= p["n"] + 13 for _, p in drawn)
    assert len({nk["N"] for nk, _ in drawn}) > 1  # the flatmap really draws N


def test_every_claim_strategy_builds() -> None:
    claims = [c for d in all_derivations() for c in d.claims]
    assert claims and all(hasattr(c.parameter_strategy, "example") for c in claims)


def test_loading_the_catalog_does_not_import_hypothesis() -> None:
    code = ("import sys; from derivations.registry import all_derivations; all_derivations(); "
            "print('hypothesis' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
