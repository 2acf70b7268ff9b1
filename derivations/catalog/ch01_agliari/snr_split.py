"""Signal/crosstalk split of the aligned local field, 1.2.15 = 1.3.4 for symbolic N, K."""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import hopfield

from ...model import Claim, Derivation, Range, Step
from ...symbolic.spins import XI_FAMILY, Xi
from .symbols import (K, LECTURE, N, SIGNAL, i, j, mu, sum_over_others)
from .notation import FINITE_INSTANCES

def _hebb(p, q):
    """``J_pq = (1/N) Σ_μ ξ_p^μ ξ_q^μ`` (1.2.9)."""
    return sp.Sum(Xi(p, mu) * Xi(q, mu), (mu, 1, K)) / N


_OVERLAP_TERMS = Xi(i, mu) * Xi(j, mu)
_ALIGNED = Xi(i, 1) * sum_over_others(_hebb(i, j) * Xi(j, 1), j, i, N)  # ξ_i^1 Σ_{j≠i} J_ij ξ_j^1
_EXPANDED = Xi(i, 1) / N * sum_over_others(Xi(j, 1) * sp.Sum(_OVERLAP_TERMS, (mu, 1, K)), j, i, N)
_SPLIT_INSIDE = Xi(i, 1) / N * sum_over_others(
    Xi(j, 1) * (sp.Sum(_OVERLAP_TERMS, (mu, 1, 1)) + sp.Sum(_OVERLAP_TERMS, (mu, 2, K))), j, i, N)
_SPLIT = Xi(i, 1) / N * (sum_over_others(Xi(j, 1) * sp.Sum(_OVERLAP_TERMS, (mu, 1, 1)), j, i, N)
                         + sum_over_others(Xi(j, 1) * sp.Sum(_OVERLAP_TERMS, (mu, 2, K)), j, i, N))
_SQUARES = sp.Mul(sp.Pow(Xi(i, 1), 2, evaluate=False), sp.Pow(Xi(j, 1), 2, evaluate=False),
                  evaluate=False)
# term R of 1.3.4 with the μ-independent factors ξ_i^1 ξ_j^1 outside the pattern sum
CROSSTALK = Xi(i, 1) / N * sum_over_others(Xi(j, 1) * sp.Sum(_OVERLAP_TERMS, (mu, 2, K)), j, i, N)
_SIGNAL_FORM = sum_over_others(_SQUARES, j, i, N) / N + CROSSTALK
_IN_RANGE = (sp.Le(i, N),)
# why the checked N, K stay small (DESIGN §2: sizes are cost caps, ranges the lecture's domain)
_SUM_COST = ("each side is an exact SymPy sum Σ_{j≠i} Σ_μ over a random ±1 pattern table, N·K "
             "terms per point: ~0.3 s at N = 5, ~1 s at N = 20, ~5 s at N = 100, K = 20 (measured), "
             "and a proof needs 5 points inside the step's time limit")

# what the Monte Carlo claims simulate (the lecture's model, never the derived law)
_NETWORK = ("a Hebbian network: K uniform ±1 patterns of N spins, J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ, "
            "J_ii = 0")

DERIVATION = Derivation(
    id="agliari.snr_split",
    title="Signal/crosstalk split of the aligned local field (Hebb couplings, no self-coupling)",
    lecture=LECTURE,
    section="1.2.1 Noiseless dynamics; 1.3 (Jun 9th)",
    equations=("1.2.9", "1.2.15", "1.3.2", "1.3.4"),
    definitions=("1.2.9", "1.3.2"),
    steps=(
        Step(_ALIGNED, _EXPANDED,
             "1.2.15, first equality: Hebb's rule (1.2.9) in the field φ_i = Σ_{j≠i} J_ij ξ_j^1 "
             "(1.3.2 without self-coupling, J_ii = 0), times ξ_i^1; constants leave the sums "
             "(Σ_{j≠i} f_j is written Σ_{j=1}^N f_j - f_i)", "1.2.15", constraints=_IN_RANGE, id="hebb_in_field"),
        Step(_EXPANDED, _SPLIT_INSIDE,
             "split the pattern sum into μ = 1 (the retrieved pattern) and μ > 1 (1.2.15)",
             constraints=_IN_RANGE, id="split_pattern_sum"),
        Step(_SPLIT_INSIDE, _SPLIT, "linearity of the neuron sum Σ_{j≠i}", constraints=_IN_RANGE, id="linearity_neuron_sum"),
        Step(_SPLIT, _SIGNAL_FORM,
             "the μ = 1 term: ξ_i^1 ξ_j^1 ξ_i^1 ξ_j^1 = (ξ_i^1)^2 (ξ_j^1)^2; the μ > 1 terms are the "
             "crosstalk R", constraints=_IN_RANGE, id="retrieved_pattern_term"),
        Step(_SIGNAL_FORM, SIGNAL + CROSSTALK,
             "±1 spins: (ξ_i^1)^2 (ξ_j^1)^2 = 1 and Σ_{j≠i} 1 = N - 1 — the signal S = (N-1)/N "
             "plus the crosstalk R (1.3.4; 1.2.15's second equality), R written with the "
             "μ-independent factors ξ_i^1 ξ_j^1 outside the pattern sum", "1.3.4",
             constraints=_IN_RANGE, id="signal_plus_crosstalk"),
        Step(Xi(i, 1) * sp.Sum(_hebb(i, j) * Xi(j, 1), (j, 1, N)), _ALIGNED + K / N,
             "with the self-coupling kept (Σ_j over all j, J_ii = (1/N) Σ_μ (ξ_i^μ)^2 = K/N) the "
             "aligned field gains K/N; 1.2.15 and 1.3.4 sum over j ≠ i, i.e. take J_ii = 0",
             "1.3.2", constraints=_IN_RANGE, id="self_coupling_adds_load"),
    ),
    claims=(
        Claim("aligned field mean", "mean", SIGNAL, hopfield.aligned_field_mean,
              cases=({"N": 50, "K": 5}, {"N": 100, "K": 20}),
              strategy=st.fixed_dictionaries({"N": st.integers(10, 200), "K": st.integers(2, 60)}),
              equation="1.3.4", max_samples=60_000,
              simulates=_NETWORK + "; the sample is the network's average of ξ_i^1 φ_i(ξ^1)"),
    ),
    functions=(XI_FAMILY,),
    ranges={N: Range(2, None, "the field of neuron i sums over the other neurons j ≠ i: N ≥ 2"),
            K: Range(1, None, "the retrieved pattern ξ^1 is stored: K ≥ 1 (K = 1: no crosstalk)"),
            i: Range(1, None, "neurons are numbered 1..N (i ≤ N is each step's constraint)")},
    sizes={N: Range(2, 8, _SUM_COST), K: Range(1, 5, _SUM_COST),
           i: Range(1, 8, "i ≤ N, the largest N checked")},
    not_quotable={
        "1.2.15": ("the notes write \\sum_{\\mu}^K (an upper limit without a lower one), which "
                   "the reader rejects; " + FINITE_INSTANCES),
        "1.3.2": FINITE_INSTANCES,
        "1.3.4": FINITE_INSTANCES,
    },
)


# ==== end section ====
