"""Elena Agliari — information processing in Hebbian networks (notes chapter 1, §1.2–1.3).

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

import itertools
import math
import random
from fractions import Fraction
from functools import lru_cache

import sympy as sp
from hypothesis import strategies as st
from sympy.printing.pycode import PythonCodePrinter

from numerics import hopfield

from ..model import Claim, Derivation, FunctionFamily, Printed, Step
from ..points import as_expr

LECTURE = "Elena Agliari: Information Processing in Hebbian Networks"

# ==== helpers ================================================================================


class Xi(sp.Function):
    """The pattern spin ``ξ_j^μ ∈ {±1}`` as a function of (neuron ``j``, pattern ``μ``).

    Even powers are 1 and odd powers the spin itself — the ``±1`` assumption, declared on the
    symbol (like ``positive=True``) so that SymPy can use ``(ξ_i^1)² (ξ_j^1)² = 1``.  Numeric
    checks replace it by random ``±1`` functions (:data:`XI_FAMILY`).
    """

    nargs = 2
    is_real = True
    is_integer = True
    is_nonzero = True

    def _eval_power(self, e):
        if e.is_integer and e.is_even:
            return sp.S.One
        if e.is_integer and e.is_odd:
            return self
        return None

    def _latex(self, printer, exp=None):
        j, mu = (printer._print(a) for a in self.args)
        base = rf"\xi_{{{j}}}^{{{mu}}}"
        return rf"\left({base}\right)^{{{exp}}}" if exp is not None else base


def _spin_table_value(seed: int, p, q):
    """The ``±1`` entry at integer ``(p, q)`` of the random table named by ``seed`` (None if symbolic)."""
    if not (p.is_Integer and q.is_Integer):
        return None
    bit = random.Random(f"{seed}:{int(p)}:{int(q)}").getrandbits(1)  # str seeds are stable
    return sp.Integer(2 * bit - 1)


def _random_spin_function(rng) -> sp.Lambda:
    """A random ``±1`` function of two integers: a lazily drawn table named by its seed.

    The function evaluates to its ``±1`` entry once both arguments are integers and stays
    symbolic otherwise (``xi_table_<seed>(j, μ)``), so sums over symbolic ranges cost nothing
    until their limits are numbers.  The seed in the name makes a witness reproducible.
    """
    seed = rng.getrandbits(48)
    table = type(f"xi_table_{seed:012x}", (sp.Function,), {
        "nargs": 2, "is_real": True, "is_integer": True,
        "eval": classmethod(lambda cls, p, q: _spin_table_value(seed, p, q))})
    p, q = sp.symbols("p q", integer=True)
    return sp.Lambda((p, q), table(p, q))


XI_FAMILY = FunctionFamily(Xi, _random_spin_function,
                           "ξ(j, μ) = a table of independent uniform ±1 entries, drawn per point")


class _ExactPrinter(PythonCodePrinter):
    """Python source for a summand in exact arithmetic (``Fraction`` constants, integer binomials)."""

    def _print_Rational(self, e):
        return f"Fraction({e.p}, {e.q})"

    def _print_Heaviside(self, e):
        return f"_heaviside({', '.join(self._print(a) for a in e.args)})"

    def _print_binomial(self, e):
        return f"_binomial({self._print(e.args[0])}, {self._print(e.args[1])})"

    def _print_KroneckerDelta(self, e):
        return f"int(({self._print(e.args[0])}) == ({self._print(e.args[1])}))"


def _heaviside(x, h0=Fraction(1, 2)):
    return 0 if x < 0 else (h0 if x == 0 else 1)


def _binomial(n, k):
    if n != int(n) or k != int(k) or n < 0:
        raise ValueError("exact binomial needs integer arguments and n >= 0")
    return math.comb(int(n), int(k)) if 0 <= k <= n else 0


_EXACT_NAMES = {"Fraction": Fraction, "_heaviside": _heaviside, "_binomial": _binomial}
MAX_TERMS = 1 << 18  # FiniteSum evaluates at most this many terms directly


@lru_cache(maxsize=64)
def _direct_sum(summand: sp.Expr, limits: tuple) -> sp.Rational | None:
    """Exact term-by-term value of a finite sum with integer limits, or None if not exact."""
    names = [v for v, _, _ in limits]
    fractional = any(p.exp.is_negative and p.base.has(*names) for p in summand.atoms(sp.Pow))
    wrap = Fraction if fractional else int  # ``1/x`` needs Fraction arguments to stay exact
    fn = sp.lambdify(names, summand, modules=[_EXACT_NAMES], printer=_ExactPrinter)
    total = 0
    ranges = [range(int(lo), int(hi) + 1) for _, lo, hi in limits]
    for values in itertools.product(*ranges):
        term = fn(*map(wrap, values))
        if not isinstance(term, (int, Fraction)):
            return None  # something printed as floating point: not exact, let SymPy do it
        total += term
    total = Fraction(total)
    return sp.Rational(total.numerator, total.denominator)


class FiniteSum(sp.Sum):
    """A ``Sum`` over a finite integer range, evaluated term by term once the limits are numbers.

    The value is the same as ``Sum`` — the finite sum of the summand over the range — computed
    exactly (integers and fractions, integer binomials, ``Heaviside(0) = 1/2``) instead of by
    symbolic summation, which stalls on binomial sums with thousands of terms and on averages
    over all ``2^n`` spin configurations.  With symbolic limits it stays unevaluated (no closed
    form is attempted).  Anything the exact evaluator cannot do falls back to ``Sum.doit``.
    """

    def doit(self, **hints):
        f = self.function.doit(**hints) if hints.get("deep", True) else self.function
        limits = []
        for var, lo, hi in self.limits:
            lo, hi = as_expr(lo).doit(), as_expr(hi).doit()
            if not (lo.is_Integer and hi.is_Integer):
                return self.func(f, *self.limits)
            if hi < lo - 1:  # Karr's convention for reversed ranges: let SymPy handle it
                return sp.Sum(f, *self.limits).doit(**hints)
            limits.append((var, lo, hi))
        if any(hi < lo for _, lo, hi in limits):
            return sp.S.Zero
        if f.free_symbols - {v for v, _, _ in limits}:
            return self.func(f, *limits)
        if math.prod(int(hi - lo + 1) for _, lo, hi in limits) <= MAX_TERMS:
            try:
                value = _direct_sum(f, tuple(limits))
            except (ValueError, TypeError, NameError, ZeroDivisionError, OverflowError):
                value = None
            if value is not None:
                return value
        return sp.Sum(f, *limits).doit(**hints)


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


# ==== section: snr_split (agliari.snr_split): 1.2.15 = 1.3.4 for symbolic N, K ====

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

SNR_SPLIT = Derivation(
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
             "(Σ_{j≠i} f_j is written Σ_{j=1}^N f_j - f_i)", "1.2.15", constraints=_IN_RANGE),
        Step(_EXPANDED, _SPLIT_INSIDE,
             "split the pattern sum into μ = 1 (the retrieved pattern) and μ > 1 (1.2.15)",
             constraints=_IN_RANGE),
        Step(_SPLIT_INSIDE, _SPLIT, "linearity of the neuron sum Σ_{j≠i}", constraints=_IN_RANGE),
        Step(_SPLIT, _SIGNAL_FORM,
             "the μ = 1 term: ξ_i^1 ξ_j^1 ξ_i^1 ξ_j^1 = (ξ_i^1)^2 (ξ_j^1)^2; the μ > 1 terms are the "
             "crosstalk R", constraints=_IN_RANGE),
        Step(_SIGNAL_FORM, SIGNAL + CROSSTALK,
             "±1 spins: (ξ_i^1)^2 (ξ_j^1)^2 = 1 and Σ_{j≠i} 1 = N - 1 — the signal S = (N-1)/N "
             "plus the crosstalk R (1.3.4; 1.2.15's second equality), R written with the "
             "μ-independent factors ξ_i^1 ξ_j^1 outside the pattern sum", "1.3.4",
             constraints=_IN_RANGE),
        Step(Xi(i, 1) * sp.Sum(_hebb(i, j) * Xi(j, 1), (j, 1, N)), _ALIGNED + K / N,
             "with the self-coupling kept (Σ_j over all j, J_ii = (1/N) Σ_μ (ξ_i^μ)^2 = K/N) the "
             "aligned field gains K/N; 1.2.15 and 1.3.4 sum over j ≠ i, i.e. take J_ii = 0",
             "1.3.2", constraints=_IN_RANGE),
    ),
    claims=(
        Claim("aligned field mean", "mean", SIGNAL, hopfield.aligned_field_mean,
              cases=({"N": 50, "K": 5}, {"N": 100, "K": 20}),
              strategy=st.fixed_dictionaries({"N": st.integers(10, 200), "K": st.integers(2, 60)}),
              equation="1.3.4", samples=4000),
    ),
    functions=(XI_FAMILY,),
    ranges={N: (2, 5), K: (1, 4), i: (1, 5)},
)


# ==== end section ====


# ==== section: one_step_stability (agliari.one_step_stability) ====

_T43, _T33, _T41 = spin_table(4, 3), spin_table(3, 3), spin_table(4, 1)  # ξ_j^μ of small networks
_R33 = sp.Add(*crosstalk_terms(_T33)) / 3                                 # R of neuron 0, N=3, K=3
_R43 = sp.Add(*crosstalk_terms(_T43)) / 4                                 # R of neuron 0, N=4, K=3
_SMALL = {N: 4, K: 3}
_KRONECKER_SUM = sp.Sum(sp.KroneckerDelta(a, b, (1, M)), (a, 1, M), (b, 1, M)) / N**2
CROSSTALK_STD = sp.sqrt((K - 1) * (N - 1)) / N
_ERROR_EVENT = FiniteSum(sp.binomial(M, k) * sp.Heaviside(-(N - 1 + (2 * k - M))), (k, 0, M)) / 2**M


def _strategy_error_exact():
    """(N, K) with load 0.2 <= K/N <= 0.35 (error rate >= 0.5 %) and N <= 120 (cheap exact sums)."""
    return st.integers(30, 120).flatmap(lambda n: st.fixed_dictionaries(
        {"N": st.just(n), "K": st.integers(round(0.2 * n), round(0.35 * n))}))


def _strategy_error_gaussian():
    """(N, K) with 200 <= N <= 260 and load 0.3 <= K/N <= 0.5, where the bias bound is small."""
    return st.integers(200, 260).flatmap(lambda n: st.fixed_dictionaries(
        {"N": st.just(n), "K": st.integers(round(0.3 * n), round(0.5 * n))}))


ONE_STEP_STABILITY = Derivation(
    id="agliari.one_step_stability",
    title="Stability of a stored pattern under one synchronous update: crosstalk law and error probability",
    lecture=LECTURE,
    section="1.3 (Jun 9th)",
    equations=("1.3.1", "1.3.3", "1.3.4", "1.3.5"),
    definitions=("1.3.1", "1.3.5"),
    steps=(
        Step(aligned_field(_T33), SIGNAL.subs(N, 3) + _R33,
             "1.3.4 on every configuration of a network with N = 3 neurons and K = 3 patterns "
             "(neuron 0, self-coupling excluded): signal 2/3 plus crosstalk R", "1.3.4",
             domain=spin_domain(_T33)),
        Step(sp.Add(*[hebb(_T41, 0, q) * _T41[q][0] for q in range(4)]), _T41[0][0],
             "1.3.3 for K = 1 (N = 4, sum over all k as printed): Σ_k J_0k ξ_k^1 = ξ_0^1 (1/N) "
             "Σ_k (ξ_k^1)^2 = ξ_0^1 on every configuration, so sgn(Σ_k J_0k ξ_k^1) = ξ_0^1: the "
             "pattern is a fixed point", "1.3.3", domain=spin_domain(_T41)),
        Step(configuration_average(_R43, _T43), 0,
             "E R = 0: R is (1/N) Σ η_{jμ}, and each η_{jμ} = ξ_i^1 ξ_i^μ ξ_j^1 ξ_j^μ contains the "
             "spin ξ_j^μ (j ≠ i, μ > 1) exactly once, so it averages to 0 (all 2^12 "
             "configurations of N = 4, K = 3)"),
        Step(configuration_average(_R43 ** 2, _T43), CROSSTALK_VARIANCE.subs(_SMALL),
             "Var R = (N-1)(K-1)/N^2 = 3/8 at N = 4, K = 3: the average of R^2 over all 2^12 "
             "pattern configurations"),
        Step(_KRONECKER_SUM, CROSSTALK_VARIANCE,
             "Var R = (1/N^2) Σ_a Σ_b E[η_a η_b] over the M = (N-1)(K-1) terms, and E[η_a η_b] = "
             "δ_ab: given neuron i's spins and ξ_j^1 (all j), the map ξ_j^μ ↦ η_{jμ} (j ≠ i, "
             "μ > 1) multiplies each spin by a fixed sign, a bijection of {±1}^M, so the η are "
             "i.i.d. uniform ±1 (independent of the conditioning)"),
        Step(sp.sqrt(CROSSTALK_VARIANCE), CROSSTALK_STD,
             "the standard deviation of the crosstalk, √((K-1)(N-1))/N, as stated after 1.3.4"),
        Step(sp.Limit((CROSSTALK_STD / sp.sqrt(K / N)).subs(K, alpha * N), N, sp.oo), 1,
             "'≈ √(K/N)' after 1.3.4, read at fixed load K = αN: the ratio tends to 1 (at fixed K "
             "it tends to √((K-1)/K) instead, so the approximation needs K large too)"),
        Step(configuration_average(sp.Heaviside(-aligned_field(_T43)), _T43),
             ONE_STEP_ERROR.subs(_SMALL),
             "one-step error probability P[ξ_i^1 φ_i < 0] (+ ½ P[φ_i = 0]: sgn(0) is a fair coin) "
             "averaged over all 2^12 configurations of N = 4, K = 3 (no ties possible: N - 1 + S "
             "is odd) equals the binomial formula", "1.3.1"),
        Step(configuration_average(sp.Heaviside(-aligned_field(_T33)), _T33),
             ONE_STEP_ERROR.subs({N: 3, K: 3}),
             "the same for N = 3, K = 3, where ties N - 1 + S = 0 occur and count ½ (Heaviside(0) "
             "= ½), over all 2^9 configurations", "1.3.1"),
        Step(_ERROR_EVENT, ONE_STEP_ERROR,
             "S = Σ_a η_a = 2k - M with k ~ Binomial(M, ½) the number of η_a = +1 (the η are "
             "i.i.d. uniform ±1); neuron i flips when N - 1 + S < 0 and a tie N - 1 + S = 0 counts "
             "½ (Heaviside(0) = ½): P = 2^{-M} Σ_k C(M, k) H(M - N + 1 - 2k)", "1.3.1"),
        Step(sp.Derivative(GAUSSIAN_TAIL, c), -sp.exp(-c**2 / (2 * v)) / sp.sqrt(2 * sp.pi * v),
             "Gaussian tail P[Z < -c] = ½ (1 - erf(c/√(2v))) for Z ~ N(0, v) — the central-limit "
             "approximation of P[S + R < 0] with signal c and crosstalk variance v: its derivative "
             "in c is minus the N(0, v) density at -c ..."),
        Step(sp.Limit(GAUSSIAN_TAIL, c, sp.oo), 0,
             "... and it vanishes as c → ∞, so it equals ∫_{-∞}^{-c} of the density "
             "(fundamental theorem of calculus)"),
        Step(GAUSSIAN_TAIL.subs({c: 1, v: K / N}), GAUSSIAN_ERROR_LOAD,
             "at large N, K the signal (N-1)/N → 1 and Var R → K/N = α (the load, 1.3.5): "
             "P ≈ ½ erfc(1/√(2α)) = ½ (1 - erf(√(N/(2K))))", "1.3.5"),
        Step(sp.Limit(GAUSSIAN_ERROR_FINITE_N.subs(K, alpha * N), N, sp.oo), GAUSSIAN_ERROR_ALPHA,
             "with the exact signal (N-1)/N and variance (N-1)(K-1)/N^2, the Gaussian "
             "approximation tends to ½ (1 - erf(1/√(2α))) at fixed load α = K/N (1.3.5)", "1.3.5"),
    ),
    claims=(
        Claim("crosstalk variance", "variance", CROSSTALK_VARIANCE, hopfield.crosstalk_neuron0,
              cases=({"N": 50, "K": 5}, {"N": 100, "K": 20}),
              strategy=st.fixed_dictionaries({"N": st.integers(10, 150), "K": st.integers(2, 40)}),
              equation="1.3.4", samples=60_000),
        Claim("crosstalk mean square", "mean", CROSSTALK_VARIANCE, hopfield.crosstalk_mean_square,
              cases=({"N": 200, "K": 40},),
              strategy=st.fixed_dictionaries({"N": st.integers(50, 300), "K": st.integers(2, 80)}),
              equation="1.3.4", samples=4000),
        Claim("one-step error, exact", "mean", ONE_STEP_ERROR, hopfield.one_step_error_fraction,
              cases=({"N": 51, "K": 11}, {"N": 100, "K": 20}, {"N": 100, "K": 25}),
              strategy=_strategy_error_exact(), equation="1.3.1", samples=40_000),
        Claim("one-step error, Gaussian at load alpha", "mean", GAUSSIAN_ERROR_LOAD,
              hopfield.one_step_error_fraction,
              cases=({"N": 200, "K": 60}, {"N": 240, "K": 120}),
              strategy=_strategy_error_gaussian(), equation="1.3.5", samples=10_000,
              bias=hopfield.gaussian_error_bias,
              bias_note="½ erfc(1/√(2α)) is an approximation of the simulated (exact) error "
                        "probability; |P_exact - Φ(-√((N-1)/(K-1)))| ≤ 0.4748/√((N-1)(K-1)) "
                        "(Berry–Esseen, Shevtsova 2011, for the ±1 summands of the crosstalk) "
                        "plus φ(min(a, b))|a - b| for replacing a = √((N-1)/(K-1)) by b = √(N/K) "
                        "(mean-value theorem)"),
    ),
    ranges={N: (2, 7), K: (1, 6)},
)


# ==== end section ====


# ==== section: hopfield_energy (agliari.hopfield_energy): 1.3.6–1.3.9, 1.2.10–1.2.11 ====

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
_XI4 = [row[0] for row in _T41]
_SPINS_3_2 = {**spin_domain(_T32), **{s: (-1, 1) for s in _SIGMA3}}  # patterns and state, N=3, K=2
ENERGY_AT_PATTERN = -(N - 1) / 2


HOPFIELD_ENERGY = Derivation(
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
                                  "ξ_i^μ ξ_j^μ that is a double 1/N, inconsistent with 1.3.7")),
        Step(-sp.Add(*[_H_PATTERN[m] * row[m] * s for m in range(_K2)
                       for row, s in zip(_T32, _SIGMA3)]),
             -sp.Add(*[mattis(_T32, _SIGMA3, m + 1) * _N3 * _H_PATTERN[m] for m in range(_K2)]),
             "1.3.7 → 1.3.8 (field term): Σ_i ξ_i^μ σ_i = N m_μ, so -Σ_μ Σ_i ξ_i^μ h_μ σ_i = "
             "-Σ_μ m_μ N h_μ", "1.3.7", domain=_SPINS_3_2,
             printed=Printed(lhs=-sp.Add(*[h * row[m] * s for m in range(_K2)
                                           for row, s, h in zip(_T32, _SIGMA3, _H_NEURON)]),
                             note="1.3.7 prints the field as h_i (one per neuron); 1.3.8's "
                                  "-Σ_μ m_μ N h_μ needs one field h_μ per pattern")),
        Step(-_pattern_pair_sum(_T32, _SIGMA3) / _N3,
             -sp.Add(*[(_N3 * mattis(_T32, _SIGMA3, m)) ** 2 for m in (1, 2)]) / (2 * _N3)
             + _DIAGONAL_3_2 / (2 * _N3),
             "1.3.7 → 1.3.8 (pair term): Σ_{i<j} = ½ (Σ_{i,j} - Σ_{i=j}), Σ_{i,j} Σ_μ ξ_i^μ ξ_j^μ "
             "σ_i σ_j = Σ_μ (N m_μ)^2 and the diagonal Σ_{τ,μ} (ξ_τ^μ σ_τ)^2 = Σ_{τ,μ} (1) for ±1 "
             "spins — all 2^9 configurations of N = 3, K = 2", "1.3.8", domain=_SPINS_3_2,
             printed=Printed(rhs=-sp.Add(*[(_N3 * mattis(_T32, _SIGMA3, m)) ** 2 for m in (1, 2)])
                             / (2 * _N3) + _DIAGONAL_3_2 / 2,
                             note="1.3.8 prints +½ Σ_{τ,μ} (1) = NK/2; the diagonal carries the "
                                  "prefactor 1/(2N) of the pair term, giving K/2 as in 1.3.9")),
        Step(-sp.Add(*[(_N3 * m) ** 2 for m in _M]) / (2 * _N3) + _DIAGONAL_3_2 / (2 * _N3)
             - sp.Add(*[m * _N3 * h for m, h in zip(_M, _H_PATTERN)]),
             -sp.Rational(_N3, 2) * sp.Add(*[m**2 for m in _M]) + sp.Rational(_K2, 2)
             - _N3 * sp.Add(*[h * m for m, h in zip(_M, _H_PATTERN)]),
             "1.3.8 → 1.3.9: Σ_μ (N m_μ)^2 / (2N) = (N/2) |m|^2 and Σ_{τ,μ} (1) / (2N) = K/2 "
             "(N = 3, K = 2)", "1.3.9"),
        Step(sp.Rational(-1, 2) * sp.Add(*[hebb(_T41, p, q) * _SIGMA4[p] * _SIGMA4[q]
                                           for p in range(4) for q in range(4)]),
             -sp.Add(*[_SIGMA4[p] * _SIGMA4[q] * _XI4[p] * _XI4[q] for p in range(4)
                       for q in range(4)]) / 8,
             "1.2.7 with h = 0, K = 1 and Hebb's J_ij = ξ_i ξ_j / N (N = 4): L = -½ σᵀJσ = "
             "-(1/2N) Σ_{ij} σ_i σ_j ξ_i ξ_j", "1.2.10",
             domain={**{x: (-1, 1) for x in _XI4}, **{s: (-1, 1) for s in _SIGMA4}},
             printed=Printed(rhs=sp.Add(*[_SIGMA4[p] * _SIGMA4[q] * _XI4[p] * _XI4[q]
                                          for p in range(4) for q in range(4)]) / 8,
                             note="1.2.10 prints +1/(2N); L = -½ σᵀJσ (1.2.7) and 1.2.11 both "
                                  "carry the minus sign")),
        Step((-sp.Add(*[_SIGMA4[p] * _SIGMA4[q] * _XI4[p] * _XI4[q] for p in range(4)
                        for q in range(4)]) / 8).xreplace(
                 {s: t * x for s, t, x in zip(_SIGMA4, _SIGMA4_T, _XI4)}),
             -sp.Add(*[_SIGMA4_T[p] * _SIGMA4_T[q] for p in range(4) for q in range(4)]) / 8,
             "1.2.11: with σ_i = σ̃_i ξ_i and ξ_i^2 = 1 the pattern drops out (gauge "
             "transformation to a ferromagnet), all 2^8 configurations of N = 4; the bound "
             "-(1/2N) (Σ_i σ̃_i)^2 >= -N/2 is |Σ_i σ̃_i| <= N", "1.2.11",
             domain={**{x: (-1, 1) for x in _XI4}, **{t: (-1, 1) for t in _SIGMA4_T}}),
        Step(-(N / 2) * (1 + (K - 1) / N) + K / 2, ENERGY_AT_PATTERN,
             "1.3.9 at σ = ξ^1 with h = 0: m_1 = 1 and, for μ > 1, m_μ = (1/N) Σ_i ξ_i^μ ξ_i^1 is "
             "1/N times a sum of N i.i.d. ±1, so E m_μ^2 = 1/N: E H(ξ^1) = -(N/2)(1 + (K-1)/N) + "
             "K/2"),
        Step(configuration_average(pair_energy(_T32, [row[0] for row in _T32]), _T32),
             ENERGY_AT_PATTERN.subs(N, _N3),
             "the same on all 2^6 pattern configurations of N = 3, K = 2: E H(ξ^1) = -(N-1)/2"),
    ),
    claims=(
        Claim("energy of a stored pattern", "mean", ENERGY_AT_PATTERN, hopfield.pattern_energy,
              cases=({"N": 50, "K": 5}, {"N": 100, "K": 20}),
              strategy=st.fixed_dictionaries({"N": st.integers(5, 200), "K": st.integers(2, 60)}),
              equation="1.3.9", samples=4000),
    ),
    ranges={N: (2, 9), K: (1, 6)},
    not_encoded={
        "1.2.1": "McCulloch–Pitts threshold unit: a model definition, nothing derived",
        "1.2.2": "network version of 1.2.1: a model definition, nothing derived",
        "1.2.3": "change of variables x = (1 + σ)/2: a definition",
        "1.2.5": "Rad(p) law: a definition",
        "1.2.8": "Lyapunov decrease ΔL <= 0 under sequential dynamics, for any symmetric J "
                 "with J_ii >= 0: stated without derivation; not encoded",
        "1.2.13": "projector rule: sgn(λ ξ) = ξ for λ > 0 is immediate, nothing to check",
        "1.2.14": "stability condition ξ_i^1 φ_i(ξ^1) > 0: a definition, studied via 1.3.4",
    },
)



# ==== end section ====


# ==== section: glauber_noise (agliari.glauber_noise): 1.2.4, 1.2.6 ====

z, x = sp.symbols("z x", real=True)
T = sp.Symbol("T", positive=True)
phi = sp.Symbol("phi", positive=True)      # a positive local field
NOISE_DENSITY = (1 - sp.tanh(z) ** 2) / 2   # p_Z, symmetric (Hypothesis 1)
NOISE_CDF = (1 + sp.tanh(z)) / 2            # g_Z (1.2.6)
FLIP_K1 = NOISE_CDF.subs(z, -SIGNAL / T)    # P[σ_i ≠ ξ_i] after one step from ξ, K = 1

GLAUBER_NOISE = Derivation(
    id="agliari.glauber_noise",
    title="Noisy threshold dynamics: P[σ = ±1] = g(±φ/T), and the T → 0 limit",
    lecture=LECTURE,
    section="1.2 A model for neurons (Definition 2)",
    equations=("1.2.4", "1.2.6"),
    definitions=("1.2.4",),
    steps=(
        Step(sp.Derivative(NOISE_CDF, z), NOISE_DENSITY,
             "1.2.6 with p_Z(z) = ½(1 - tanh² z): g_Z' = p_Z ...", "1.2.6"),
        Step(sp.Limit(NOISE_CDF, z, -sp.oo), 0,
             "... and g_Z(-∞) = 0, so g_Z(z) = ∫_{-∞}^z p_Z(u) du = ½(1 + tanh z)", "1.2.6"),
        Step(NOISE_DENSITY.subs(z, -z), NOISE_DENSITY, "p_Z is symmetric (Hypothesis 1)"),
        Step(1 - NOISE_CDF.subs(z, -x), NOISE_CDF.subs(z, x),
             "P[σ = +1] = P[φ + T z > 0] = P[z > -φ/T] = 1 - g(-φ/T) = g(φ/T) by the symmetry, "
             "with x = φ/T (1.2.4)"),
        Step(sp.Limit(NOISE_CDF.subs(z, phi / T), T, 0, "+"), 1,
             "β = 1/T → ∞ with φ > 0: P[σ = +1] → 1, the noiseless update sgn(φ) (1.3.1); "
             "for φ < 0 the same limit gives 0 by the symmetry"),
        Step(1 - NOISE_CDF.subs(z, SIGNAL / T), FLIP_K1,
             "one parallel step from σ = ξ with K = 1: ξ_i φ_i = (N-1)/N exactly (1.3.4 with no "
             "crosstalk), so P[σ_i ≠ ξ_i] = 1 - g((N-1)/(N T)) = g(-(N-1)/(N T))"),
    ),
    claims=(
        Claim("flip probability at temperature T, K = 1", "mean", FLIP_K1,
              hopfield.glauber_error_fraction,
              cases=({"N": 10, "K": 1, "T": 1.0}, {"N": 40, "K": 1, "T": 0.6}),
              strategy=st.fixed_dictionaries({"N": st.integers(2, 100), "K": st.just(1),
                                              "T": st.floats(0.3, 5.0)}),
              equation="1.2.6", samples=20_000),
    ),
)
# ==== end section ====

DERIVATIONS = (SNR_SPLIT, ONE_STEP_STABILITY, HOPFIELD_ENERGY, GLAUBER_NOISE)
