"""Test error of the infinite-memory model under Zipf-distributed queries (Kempe 3.0.1–3.0.7)."""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers.regression import memory_test_error

from ...model import Claim, Derivation, Range, Step

N = sp.Symbol("N", integer=True, positive=True)  # number of distinct items (the notes: ∞)
beta = sp.Symbol("beta", positive=True)  # Zipf exponent, p(i) ∝ i^(−β)
T = sp.Symbol("T", integer=True, positive=True)  # training-set size
k = sp.Symbol("k", integer=True, positive=True)  # items known to the first model A_{T0}
i_item, j_item, t_draw = sp.symbols("i j t", integer=True, positive=True)

ZIPF_NORM = sp.Sum(j_item**-beta, (j_item, 1, N))
p_item = i_item**-beta / ZIPF_NORM  # p(i) on items 1..N
MEMORY_ERROR = sp.Sum(p_item * (1 - p_item)**T, (i_item, 1, N))  # (3.0.3)
# the steps are algebraic identities in the values p(i), proved symbolically for every β; the
# numeric cross-check takes integer exponents (rational p(i)), because sums of radicals i^(−β)
# with rational β make exact evaluation and witness re-checks slow
ZIPF_EXPONENTS = {beta: (1, 2, 3, 4)}
# why the checked N, T stay small: the witness re-check and the exhaustive domain evaluate
# Σ_i p(i) Π_t (1 − p(i)) in exact rationals, whose denominators grow like (Σ_j j^(−β))^T
_EXACT_COST = ("exact rational evaluation of Σ_{i≤N} p(i) Π_{t≤T} (1 − p(i)) for every Zipf exponent "
               "β ∈ {1, 2, 3, 4}: denominators grow like (Σ_j j^(−β))^(T+1)")
CUTOFF_ERROR = (sp.Sum(p_item * (1 - p_item)**T, (i_item, 1, k))
                + sp.Sum(p_item, (i_item, k + 1, N)))  # (3.0.7), exact middle form


@st.composite
def _memory_params(draw, cutoff: bool = False) -> dict:
    items = draw(st.integers(10, 90))  # < 100 terms: sympy sums them directly
    params = {"N": items, "beta": draw(st.floats(1.1, 2.5, allow_nan=False)),
              "T": draw(st.integers(1, items // 2))}  # T <= N/2: error >= 0.05, MDRE <= 0.1
    if cutoff:
        params["k"] = draw(st.integers(1, items))
    return params


DERIVATION = Derivation(
    id="kempe.infinite_memory",
    title="Test error of the infinite-memory (memorising) model under Zipf-distributed queries",
    lecture="Julia Kempe: Synthetic Data",
    section="3.0.1",
    equations=("3.0.1", "3.0.2", "3.0.3", "3.0.6", "3.0.7"),
    ranges={N: Range(1, None, "items 1..N carry the Zipf law (the notes' N → ∞ is the limit)"),
            T: Range(1, None, "a training set of at least one draw"),
            k: Range(1, None, "A_{T0} knows items 1..k (k ≤ N is the step's constraint)")},
    sizes={N: Range(1, 4, _EXACT_COST), T: Range(1, 3, _EXACT_COST), k: Range(1, 4, "k ≤ N, the largest N checked")},
    definitions=("3.0.1", "3.0.2", "3.0.6"),
    steps=(
        Step(sp.Sum(p_item * sp.Product(1 - p_item, (t_draw, 1, T)), (i_item, 1, N)), MEMORY_ERROR,
             "(3.0.2) → (3.0.3): condition on the test item i (probability p(i)); the model (3.0.1) "
             "errs iff none of the T i.i.d. training draws is i, probability Π_t (1 − p(i)). "
             "Finite support 1..N with p(i) = i^(−β)/Σ_j j^(−β); the notes' Σ_{i=1}^∞ is N → ∞",
             "3.0.3", domain=ZIPF_EXPONENTS, id="memory_error"),
        Step((sp.Sum(p_item, (i_item, 1, N)) - sp.Sum(p_item, (i_item, 1, k)))
             + sp.Sum(p_item * sp.Product(1 - p_item, (t_draw, 1, T)), (i_item, 1, k)),
             CUTOFF_ERROR,
             "(3.0.7): the retrained model A' (3.0.6) answers i only if i ≤ k and i was drawn, so "
             "E_test = P(i > k) + P(i ≤ k, i not among the T draws), with "
             "P(i > k) = Σ_{i≤N} p(i) − Σ_{i≤k} p(i) and P(unseen | i) = Π_t (1 − p(i))",
             "3.0.7", constraints=(sp.Le(k, N),), domain=ZIPF_EXPONENTS, id="cutoff_error"),
    ),
    claims=(
        Claim("memory test error", "probability", MEMORY_ERROR, memory_test_error,
              cases=({"N": 50, "beta": 1.5, "T": 20}, {"N": 90, "beta": 1.3, "T": 40}),
              strategy=_memory_params(), equation="3.0.3", max_samples=1_000_000, target_mdre=0.015,
              target_note="a 0/1 sample per T + 1 Zipf draws; 1 % needs ~1.5M samples",
              simulates="Zipf(β) items 1..N: T i.i.d. training draws and one test draw (inverse-cdf lookup); the sample is 1 when the test item was not among the training draws",
              bias_note="exact sampler: Zipf items by inverse-cdf lookup; no bias",
              invalid_cases=(({"N": 50, "beta": 0.0, "T": 20}, "beta=0.0"),
                             ({"N": 0, "beta": 1.5, "T": 20}, "N=0"))),
        Claim("memory cutoff test error", "probability", CUTOFF_ERROR, memory_test_error,
              cases=({"N": 50, "beta": 1.5, "T": 20, "k": 10},),
              strategy=_memory_params(cutoff=True), equation="3.0.7", max_samples=1_000_000, target_mdre=0.015,
              target_note="a 0/1 sample per T + 1 Zipf draws; 1 % needs ~1.5M samples",
              simulates="Zipf(β) items 1..N: T i.i.d. training draws and one test draw (inverse-cdf lookup); the sample is 1 when the test item was unseen or beyond the cutoff k",
              bias_note="exact sampler: Zipf items by inverse-cdf lookup; no bias",
              invalid_cases=(({"N": 50, "beta": 1.5, "T": 20, "k": 51}, "k=51, N=50"),)),
    ),
    not_encoded={
        "3.0.4": "asymptotic '≃' replacing p(i) by i^(−β) (normaliser dropped) and (1 − p)^T by "
                 "e^(−pT); the second form is OCR-garbled (i^{−β e^{−(i^{−β})^T}})",
        "3.0.5": "asymptotic '≍' scaling T^c Σ i^(−β) e^(−i^(−β) T) ~ Γ(c, Tk^(−β)) − Γ(c, T) = O(1), "
                 "c = 1 − 1/β; OCR-garbled (k appears before it is introduced), no exact content",
        "3.0.8": "asymptotic '≍' regime 1 ≪ T < k^β: E_test ≍ k^(−βc) + T^(−c); the printed "
                 "'≍ T^C' drops the sign of the exponent (OCR)",
        "3.0.9": "asymptotic '≍' regime 'T ≤ k^2' (likely k^β): E_test ≍ k^(−βc); a scaling law, "
                 "not an equality",
    },
    not_quotable={
        "3.0.3": "continues (3.0.2), whose \\mathbb{P}(i \\neq ie : i \\leq \\ell \\leq T) the "
                 "reader rejects (an event written with a colon); alone, 3.0.3 has no relation",
        "3.0.7": "\\mathbb{P}(i > k : 1 \\leq \\ell \\leq T): an event written with a colon, "
                 "which the reader rejects; the rest is an asymptotic '\\asymp' chain",
    },
)
