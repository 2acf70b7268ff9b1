"""Elena Agliari — information processing in Hebbian networks (chapter 1): shared symbols.

Hebbian couplings ``J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ`` (1.2.9) store ``K`` patterns
``ξ^μ ∈ {±1}^N`` (i.i.d. uniform spins); the local field is ``φ_i = Σ_{j≠i} J_ij σ_j``
(1.3.2, self-coupling excluded) and one synchronous update is ``σ ← sgn(φ)`` (1.3.1), with
``sgn(0)`` a fair coin.

* ``agliari.snr_split`` — the exact signal/crosstalk split (1.2.15 = 1.3.4) for symbolic
  ``N``, ``K``, proved by SymPy with ``ξ`` a ``±1``-valued function of (neuron, pattern).
* ``agliari.one_step_stability`` — the split on every spin configuration of a small network,
  the crosstalk's law (mean 0, variance ``(N-1)(K-1)/N²``), the exact one-step error
  probability and its load-``α`` Gaussian approximation (1.3.5), against simulated networks
  (:mod:`numerics.hopfield`).
* ``agliari.hopfield_energy`` — the Hopfield Hamiltonian in Mattis magnetisations
  (1.3.6–1.3.9) and the ``K = 1`` Lyapunov function (1.2.10–1.2.11), on all configurations of
  small networks; errata in 1.2.10, 1.3.6, 1.3.7 and 1.3.8.
* ``agliari.glauber_noise`` — the noisy update (1.2.4) has ``P[σ = ±1] = g(±φ/T)`` (1.2.6) and
  recovers ``sgn`` as ``T → 0``.

Two helpers keep the declarations short: :class:`Xi` (a ``±1`` spin as a function of neuron and
pattern, so ``ξ² = 1`` is part of the symbol, like ``positive=True``) and :class:`FiniteSum`
(a sum over a finite range that is evaluated term by term, exactly, once its limits are
numbers — used for averages over all ``2^n`` pattern configurations of a small network and for
binomial sums with thousands of terms).
"""
from __future__ import annotations

import sympy as sp

from ...symbolic.finite_sum import FiniteSum

LECTURE = "Elena Agliari: Information Processing in Hebbian Networks"


def sum_over_others(term: sp.Expr, j: sp.Symbol, i: sp.Expr, N: sp.Expr) -> sp.Expr:
    """``Σ_{j≠i} term`` over neurons ``1..N`` written as ``Σ_{j=1}^{N} term - term|_{j=i}``."""
    return sp.Sum(term, (j, 1, N)) - term.subs(j, i)


def spin_table(N: int, K: int, name: str = r"\xi") -> list[list[sp.Symbol]]:
    """One real symbol per spin of a concrete network: ``table[j][μ-1]`` is ``ξ_j^μ``, ``j = 0..N-1``."""
    return [[sp.Symbol(f"{name}_{{{j}}}^{{{mu}}}", real=True) for mu in range(1, K + 1)]
            for j in range(N)]


def spin_domain(table) -> dict:
    """The ``±1`` domain of every spin in ``table`` (for exhaustive steps)."""
    return {s: (-1, 1) for row in table for s in row}


def hebb(table, i: int, j: int) -> sp.Expr:
    """Hebb's rule (1.2.9) on a concrete network: ``J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ``."""
    N = len(table)
    return sp.Rational(1, N) * sp.Add(*[a * b for a, b in zip(table[i], table[j])])


def aligned_field(table, i: int = 0, self_coupling: bool = False) -> sp.Expr:
    """``ξ_i^1 Σ_{j≠i} J_ij ξ_j^1`` (1.3.4 left side) on a concrete network (``j = i`` kept if asked)."""
    others = [j for j in range(len(table)) if self_coupling or j != i]
    return table[i][0] * sp.Add(*[hebb(table, i, j) * table[j][0] for j in others])


def crosstalk_terms(table, i: int = 0) -> list[sp.Expr]:
    """The ``(N-1)(K-1)`` products ``η_{jμ} = ξ_i^1 ξ_j^1 ξ_i^μ ξ_j^μ``, ``j ≠ i``, ``μ > 1``."""
    N, K = len(table), len(table[0])
    return [table[i][0] * table[j][0] * table[i][mu] * table[j][mu]
            for j in range(N) if j != i for mu in range(1, K)]


def configuration_average(expr: sp.Expr, table) -> sp.Expr:
    """``2^{-n} Σ_{ξ ∈ {±1}^n} expr``: the average over all ``n`` spins of ``table``.

    Each spin is written ``ξ = (-1)^b`` with a bit ``b ∈ {0, 1}``, so the average is a
    :class:`FiniteSum` over the bits — the expectation over i.i.d. uniform patterns, by definition.
    """
    spins = [s for row in table for s in row]
    bits = [sp.Symbol(s.name.replace(r"\xi", "b", 1), integer=True, nonnegative=True) for s in spins]
    body = expr.xreplace({s: (-1) ** b for s, b in zip(spins, bits)})
    return FiniteSum(body, *[(b, 0, 1) for b in bits]) / 2 ** len(spins)


# ==== symbols shared by the derivations ======================================================

N, K = sp.symbols("N K", positive=True, integer=True)  # neurons, stored patterns
i = sp.Symbol("i", positive=True, integer=True)        # the neuron whose stability is checked
j, mu = sp.symbols("j mu", positive=True, integer=True)  # summation indices (neuron, pattern)
a, b = sp.symbols("a b", positive=True, integer=True)    # index of the crosstalk terms η_a
k = sp.Symbol("k", nonnegative=True, integer=True)       # number of η_a equal to +1
alpha = sp.Symbol("alpha", positive=True)                # the load K/N (1.3.5)
c, v = sp.symbols("c v", positive=True)                  # Gaussian tail: threshold, variance

M = (N - 1) * (K - 1)          # number of crosstalk terms η_{jμ}, j ≠ i, μ > 1
SIGNAL = (N - 1) / N           # term S of 1.3.4
CROSSTALK_VARIANCE = M / N**2  # Var R
ONE_STEP_ERROR = FiniteSum(  # P[N-1+S < 0] + ½ P[N-1+S = 0], S = 2k - M, k ~ Bin(M, ½)
    sp.binomial(M, k) * sp.Heaviside(M - N + 1 - 2 * k), (k, 0, M)) / 2**M
GAUSSIAN_TAIL = (1 - sp.erf(c / sp.sqrt(2 * v))) / 2  # P[Z < -c], Z ~ N(0, v)
GAUSSIAN_ERROR_FINITE_N = GAUSSIAN_TAIL.subs({c: SIGNAL, v: CROSSTALK_VARIANCE})
GAUSSIAN_ERROR_LOAD = (1 - sp.erf(sp.sqrt(N / (2 * K)))) / 2   # = ½ erfc(1/√(2α)), α = K/N
GAUSSIAN_ERROR_ALPHA = (1 - sp.erf(1 / sp.sqrt(2 * alpha))) / 2


T41 = spin_table(4, 1)  # ξ_j^1 of a network with N = 4 neurons and K = 1 pattern
