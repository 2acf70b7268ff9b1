"""Hopfield Hamiltonian in Mattis magnetisations and the K = 1 Lyapunov function (1.2.10–1.3.9)."""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import hopfield

from ...model import Claim, Derivation, Printed, Range, Step
from .symbols import (K, LECTURE, N, T41, configuration_average, hebb, mu, spin_domain, spin_table)
from .notation import FINITE_INSTANCES

def mattis(table, sigma, m: int) -> sp.Expr:
    """Mattis magnetisation ``m_μ = (1/N) Σ_i ξ_i^μ σ_i`` (1.2.12) of pattern ``m`` (1-based)."""
    return sp.Rational(1, len(table)) * sp.Add(*[row[m - 1] * s for row, s in zip(table, sigma)])


def pair_energy(table, sigma, scale=1) -> sp.Expr:
    """``-scale · Σ_{i<j} J_ij σ_i σ_j`` with Hebb's couplings on a concrete network."""
    n = len(table)
    return -scale * sp.Add(*[hebb(table, p, q) * sigma[p] * sigma[q]
                             for p in range(n) for q in range(p + 1, n)])


def _pattern_pair_sum(table, sigma) -> sp.Expr:
    """``Σ_{i<j} Σ_μ ξ_i^μ ξ_j^μ σ_i σ_j`` (the double sum of 1.3.7)."""
    n = len(table)
    return sp.Add(*[x * y * sigma[p] * sigma[q] for p in range(n) for q in range(p + 1, n)
                    for x, y in zip(table[p], table[q])])


_T32 = spin_table(3, 2)
_SIGMA3 = [sp.Symbol(rf"\sigma_{{{q}}}", real=True) for q in range(3)]
_SIGMA4 = [sp.Symbol(rf"\sigma_{{{q}}}", real=True) for q in range(4)]
_SIGMA4_T = [sp.Symbol(rf"\tilde{{\sigma}}_{{{q}}}", real=True) for q in range(4)]
_H_PATTERN = [sp.Symbol(f"h^{{{m}}}", real=True) for m in (1, 2)]   # field conjugate to m_μ
_H_NEURON = [sp.Symbol(f"h_{{{q}}}", real=True) for q in range(3)]  # field on neuron i
_M = [sp.Symbol(f"m_{{{m}}}", real=True) for m in (1, 2)]
tau = sp.Symbol("tau", positive=True, integer=True)
_N3, _K2 = 3, 2
_DIAGONAL_3_2 = sp.Sum(1, (tau, 1, _N3), (mu, 1, _K2))          # Σ_{τ,μ} (1) at N = 3, K = 2
_XI4 = [row[0] for row in T41]
_SPINS_3_2 = {**spin_domain(_T32), **{s: (-1, 1) for s in _SIGMA3}}  # patterns and state, N=3, K=2
ENERGY_AT_PATTERN = -(N - 1) / 2


# what the Monte Carlo claims simulate (the lecture's model, never the derived law)
_NETWORK = ("a Hebbian network: K uniform ±1 patterns of N spins, J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ, "
            "J_ii = 0")

DERIVATION = Derivation(
    id="agliari.hopfield_energy",
    title="Hopfield Hamiltonian in Mattis magnetisations; the K = 1 Lyapunov function",
    lecture=LECTURE,
    section="1.2 (Hebb's rule, Mattis magnetisation); 1.3.1 Hopfield model",
    equations=("1.2.7", "1.2.10", "1.2.11", "1.2.12", "1.3.6", "1.3.7", "1.3.8", "1.3.9"),
    definitions=("1.2.7", "1.2.12"),
    steps=(
        Step(pair_energy(_T32, _SIGMA3), -_pattern_pair_sum(_T32, _SIGMA3) / _N3,
             "1.3.6 → 1.3.7 (pair term, N = 3, K = 2): J_ij already carries the 1/N of Hebb's rule, "
             "so -Σ_{i<j} J_ij σ_i σ_j = -(1/N) Σ_{i<j} Σ_μ ξ_i^μ ξ_j^μ σ_i σ_j", "1.3.6",
             domain=_SPINS_3_2,
             printed=Printed(lhs=pair_energy(_T32, _SIGMA3, sp.Rational(1, _N3)),
                             note="1.3.6 prints -(1/N) Σ_{i<j} J_ij σ_i σ_j: with J_ij = (1/N) Σ_μ "
                                  "ξ_i^μ ξ_j^μ that is a double 1/N, inconsistent with 1.3.7"), id="pair_term_patterns"),
        Step(-sp.Add(*[_H_PATTERN[m] * row[m] * s for m in range(_K2)
                       for row, s in zip(_T32, _SIGMA3)]),
             -sp.Add(*[mattis(_T32, _SIGMA3, m + 1) * _N3 * _H_PATTERN[m] for m in range(_K2)]),
             "1.3.7 → 1.3.8 (field term): Σ_i ξ_i^μ σ_i = N m_μ, so -Σ_μ Σ_i ξ_i^μ h_μ σ_i = "
             "-Σ_μ m_μ N h_μ", "1.3.7", domain=_SPINS_3_2,
             printed=Printed(lhs=-sp.Add(*[h * row[m] * s for m in range(_K2)
                                           for row, s, h in zip(_T32, _SIGMA3, _H_NEURON)]),
                             note="1.3.7 prints the field as h_i (one per neuron); 1.3.8's "
                                  "-Σ_μ m_μ N h_μ needs one field h_μ per pattern"), id="field_term_mattis"),
        Step(-_pattern_pair_sum(_T32, _SIGMA3) / _N3,
             -sp.Add(*[(_N3 * mattis(_T32, _SIGMA3, m)) ** 2 for m in (1, 2)]) / (2 * _N3)
             + _DIAGONAL_3_2 / (2 * _N3),
             "1.3.7 → 1.3.8 (pair term): Σ_{i<j} = ½ (Σ_{i,j} - Σ_{i=j}), Σ_{i,j} Σ_μ ξ_i^μ ξ_j^μ "
             "σ_i σ_j = Σ_μ (N m_μ)^2 and the diagonal Σ_{τ,μ} (ξ_τ^μ σ_τ)^2 = Σ_{τ,μ} (1) for ±1 "
             "spins — all 2^9 configurations of N = 3, K = 2", "1.3.8", domain=_SPINS_3_2,
             printed=Printed(rhs=-sp.Add(*[(_N3 * mattis(_T32, _SIGMA3, m)) ** 2 for m in (1, 2)])
                             / (2 * _N3) + _DIAGONAL_3_2 / 2,
                             note="1.3.8 prints +½ Σ_{τ,μ} (1) = NK/2; the diagonal carries the "
                                  "prefactor 1/(2N) of the pair term, giving K/2 as in 1.3.9"), id="pair_term_diagonal"),
        Step(-sp.Add(*[(_N3 * m) ** 2 for m in _M]) / (2 * _N3) + _DIAGONAL_3_2 / (2 * _N3)
             - sp.Add(*[m * _N3 * h for m, h in zip(_M, _H_PATTERN)]),
             -sp.Rational(_N3, 2) * sp.Add(*[m**2 for m in _M]) + sp.Rational(_K2, 2)
             - _N3 * sp.Add(*[h * m for m, h in zip(_M, _H_PATTERN)]),
             "1.3.8 → 1.3.9: Σ_μ (N m_μ)^2 / (2N) = (N/2) |m|^2 and Σ_{τ,μ} (1) / (2N) = K/2 "
             "(N = 3, K = 2)", "1.3.9", id="mattis_form"),
        Step(sp.Mul(sp.Rational(-1, 2), sp.Add(*[hebb(T41, p, q) * _SIGMA4[p] * _SIGMA4[q]
                                                 for p in range(4) for q in range(4)]), evaluate=False),
             -sp.Add(*[_SIGMA4[p] * _SIGMA4[q] * _XI4[p] * _XI4[q] for p in range(4)
                       for q in range(4)]) / 8,
             "1.2.7 with h = 0, K = 1 and Hebb's J_ij = ξ_i ξ_j / N (N = 4): L = -½ σᵀJσ = "
             "-(1/2N) Σ_{ij} σ_i σ_j ξ_i ξ_j", "1.2.10",
             domain={**{x: (-1, 1) for x in _XI4}, **{s: (-1, 1) for s in _SIGMA4}},
             printed=Printed(rhs=sp.Add(*[_SIGMA4[p] * _SIGMA4[q] * _XI4[p] * _XI4[q]
                                          for p in range(4) for q in range(4)]) / 8,
                             note="1.2.10 prints +1/(2N); L = -½ σᵀJσ (1.2.7) and 1.2.11 both "
                                  "carry the minus sign"), id="lyapunov_k1"),
        Step((-sp.Add(*[_SIGMA4[p] * _SIGMA4[q] * _XI4[p] * _XI4[q] for p in range(4)
                        for q in range(4)]) / 8).xreplace(
                 {s: t * x for s, t, x in zip(_SIGMA4, _SIGMA4_T, _XI4)}),
             -sp.Add(*[_SIGMA4_T[p] * _SIGMA4_T[q] for p in range(4) for q in range(4)]) / 8,
             "1.2.11: with σ_i = σ̃_i ξ_i and ξ_i^2 = 1 the pattern drops out (gauge "
             "transformation to a ferromagnet), all 2^8 configurations of N = 4; the bound "
             "-(1/2N) (Σ_i σ̃_i)^2 >= -N/2 is |Σ_i σ̃_i| <= N", "1.2.11",
             domain={**{x: (-1, 1) for x in _XI4}, **{t: (-1, 1) for t in _SIGMA4_T}}, id="gauge_transformation"),
        Step(-(N / 2) * (1 + (K - 1) / N) + K / 2, ENERGY_AT_PATTERN,
             "1.3.9 at σ = ξ^1 with h = 0: m_1 = 1 and, for μ > 1, m_μ = (1/N) Σ_i ξ_i^μ ξ_i^1 is "
             "1/N times a sum of N i.i.d. ±1, so E m_μ^2 = 1/N: E H(ξ^1) = -(N/2)(1 + (K-1)/N) + "
             "K/2", id="energy_at_pattern"),
        Step(configuration_average(pair_energy(_T32, [row[0] for row in _T32]), _T32),
             ENERGY_AT_PATTERN.subs(N, _N3),
             "the same on all 2^6 pattern configurations of N = 3, K = 2: E H(ξ^1) = -(N-1)/2", id="energy_at_pattern_exact"),
    ),
    claims=(
        Claim("energy of a stored pattern", "mean", ENERGY_AT_PATTERN, hopfield.pattern_energy,
              cases=({"N": 50, "K": 5}, {"N": 100, "K": 20}),
              strategy=st.fixed_dictionaries({"N": st.integers(5, 200), "K": st.integers(2, 60)}),
              equation="1.3.9", max_samples=60_000,
              simulates=_NETWORK + "; the sample is H(ξ^1) = −½ Σ_i ξ_i^1 φ_i(ξ^1)"),
    ),
    # energy_at_pattern, the one step in symbolic N, K, is a closed form (lambdified, cheap):
    # no cost cap, points drawn over the lecture's whole domain
    ranges={N: Range(2, None, "a network of at least two neurons (pair couplings J_ij, i ≠ j)"),
            K: Range(1, None, "at least the pattern σ = ξ^1 is stored: K ≥ 1")},
    not_encoded={
        "1.2.1": "McCulloch–Pitts threshold unit: a model definition, nothing derived",
        "1.2.2": "network version of 1.2.1: a model definition, nothing derived",
        "1.2.3": "change of variables x = (1 + σ)/2: a definition",
        "1.2.5": "Rad(p) law: a definition",
        "1.2.13": "projector rule: sgn(λ ξ) = ξ for λ > 0 is immediate, nothing to check",
        "1.2.14": "stability condition ξ_i^1 φ_i(ξ^1) > 0: a definition, studied via 1.3.4",
    },
    not_quotable={
        "1.2.10": FINITE_INSTANCES,
        "1.2.11": FINITE_INSTANCES,
        "1.3.6": FINITE_INSTANCES,
        "1.3.7": FINITE_INSTANCES,
        "1.3.8": FINITE_INSTANCES,
        "1.3.9": FINITE_INSTANCES,
    },
)



# ==== end section ====
