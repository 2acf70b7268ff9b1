"""Stability of a stored pattern under one synchronous update (1.3.1–1.3.5)."""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import hopfield

from ...model import Claim, Derivation, Range, Step
from ...symbolic.finite_sum import FiniteSum
from .symbols import (CROSSTALK_VARIANCE, GAUSSIAN_ERROR_ALPHA, GAUSSIAN_ERROR_FINITE_N,
                      GAUSSIAN_ERROR_LOAD, GAUSSIAN_TAIL, K, LECTURE, M, N, ONE_STEP_ERROR, SIGNAL,
                      T41, a, aligned_field, alpha, b, c, configuration_average, crosstalk_terms,
                      hebb, k, spin_domain, spin_table, v)
from .notation import FINITE_INSTANCES

_T43, _T33 = spin_table(4, 3), spin_table(3, 3)  # ξ_j^μ of small networks
_R33 = sp.Add(*crosstalk_terms(_T33)) / 3                                 # R of neuron 0, N=3, K=3
_R43 = sp.Add(*crosstalk_terms(_T43)) / 4                                 # R of neuron 0, N=4, K=3
_SMALL = {N: 4, K: 3}
_KRONECKER_SUM = sp.Sum(sp.KroneckerDelta(a, b, (1, M)), (a, 1, M), (b, 1, M)) / N**2
CROSSTALK_STD = sp.sqrt((K - 1) * (N - 1)) / N
# the sign held (-(N - 1 + S) would be distributed on construction: then 1.3.1 checks nothing)
_ERROR_EVENT = FiniteSum(sp.binomial(M, k) * sp.Heaviside(sp.Mul(-1, N - 1 + (2 * k - M), evaluate=False)),
                         (k, 0, M)) / 2**M


# why the checked N, K stay small (sizes are cost caps; ranges are the lecture's domain)
_SUM_COST = ("exact SymPy sums over the M = (N − 1)(K − 1) crosstalk terms: the Kronecker double "
             "sum has M² terms (900 at N = 7, K = 6) and the binomial error sum M + 1 exact terms")


def _strategy_error_exact():
    """(N, K) with load 0.27 <= K/N <= 0.4 (error rate >= 2 %) and N <= 120 (cheap exact sums)."""
    return st.integers(30, 120).flatmap(lambda n: st.fixed_dictionaries(
        {"N": st.just(n), "K": st.integers(round(0.27 * n), round(0.4 * n))}))


# what the Monte Carlo claims simulate (the lecture's model, never the derived law)
_NETWORK = ("a Hebbian network: K uniform ±1 patterns of N spins, J_ij = (1/N) Σ_μ ξ_i^μ ξ_j^μ, "
            "J_ii = 0")

DERIVATION = Derivation(
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
             domain=spin_domain(_T33), id="split_all_configurations"),
        Step(sp.Add(*[hebb(T41, 0, q) * T41[q][0] for q in range(4)]), T41[0][0],
             "1.3.3 for K = 1 (N = 4, sum over all k as printed): Σ_k J_0k ξ_k^1 = ξ_0^1 (1/N) "
             "Σ_k (ξ_k^1)^2 = ξ_0^1 on every configuration, so sgn(Σ_k J_0k ξ_k^1) = ξ_0^1: the "
             "pattern is a fixed point", "1.3.3", domain=spin_domain(T41), id="single_pattern_fixed_point"),
        Step(configuration_average(_R43, _T43), 0,
             "E R = 0: R is (1/N) Σ η_{jμ}, and each η_{jμ} = ξ_i^1 ξ_i^μ ξ_j^1 ξ_j^μ contains the "
             "spin ξ_j^μ (j ≠ i, μ > 1) exactly once, so it averages to 0 (all 2^12 "
             "configurations of N = 4, K = 3)", id="crosstalk_mean_zero"),
        Step(configuration_average(_R43 ** 2, _T43), CROSSTALK_VARIANCE.subs(_SMALL),
             "Var R = (N-1)(K-1)/N^2 = 3/8 at N = 4, K = 3: the average of R^2 over all 2^12 "
             "pattern configurations", id="crosstalk_variance_small"),
        Step(_KRONECKER_SUM, CROSSTALK_VARIANCE,
             "Var R = (1/N^2) Σ_a Σ_b E[η_a η_b] over the M = (N-1)(K-1) terms, and E[η_a η_b] = "
             "δ_ab: given neuron i's spins and ξ_j^1 (all j), the map ξ_j^μ ↦ η_{jμ} (j ≠ i, "
             "μ > 1) multiplies each spin by a fixed sign, a bijection of {±1}^M, so the η are "
             "i.i.d. uniform ±1 (independent of the conditioning)", id="crosstalk_variance"),
        Step(sp.Pow(CROSSTALK_VARIANCE, sp.S.Half, evaluate=False), CROSSTALK_STD,
             "the standard deviation of the crosstalk, √((K-1)(N-1))/N, as stated after 1.3.4", id="crosstalk_std"),
        Step(sp.Limit((CROSSTALK_STD / sp.sqrt(K / N)).subs(K, alpha * N), N, sp.oo), 1,
             "'≈ √(K/N)' after 1.3.4, read at fixed load K = αN: the ratio tends to 1 (at fixed K "
             "it tends to √((K-1)/K) instead, so the approximation needs K large too)", id="crosstalk_std_load"),
        Step(configuration_average(sp.Heaviside(-aligned_field(_T43)), _T43),
             ONE_STEP_ERROR.subs(_SMALL),
             "one-step error probability P[ξ_i^1 φ_i < 0] (+ ½ P[φ_i = 0]: sgn(0) is a fair coin) "
             "averaged over all 2^12 configurations of N = 4, K = 3 (no ties possible: N - 1 + S "
             "is odd) equals the binomial formula", "1.3.1", id="error_probability_n4k3"),
        Step(configuration_average(sp.Heaviside(-aligned_field(_T33)), _T33),
             ONE_STEP_ERROR.subs({N: 3, K: 3}),
             "the same for N = 3, K = 3, where ties N - 1 + S = 0 occur and count ½ (Heaviside(0) "
             "= ½), over all 2^9 configurations", "1.3.1", id="error_probability_ties"),
        Step(_ERROR_EVENT, ONE_STEP_ERROR,
             "S = Σ_a η_a = 2k - M with k ~ Binomial(M, ½) the number of η_a = +1 (the η are "
             "i.i.d. uniform ±1); neuron i flips when N - 1 + S < 0 and a tie N - 1 + S = 0 counts "
             "½ (Heaviside(0) = ½): P = 2^{-M} Σ_k C(M, k) H(M - N + 1 - 2k)", "1.3.1", id="error_probability_binomial",
             equivalent_mutants={
                 "scale-term:rhs@1.1.2.1.1": "raises the upper limit of Σ_k C(M, k)·H(…) from M "
                 "to a larger value; C(M, k) = 0 for k > M, so the added terms vanish"}),
        Step(sp.Derivative(GAUSSIAN_TAIL, c), -sp.exp(-c**2 / (2 * v)) / sp.sqrt(2 * sp.pi * v),
             "Gaussian tail P[Z < -c] = ½ (1 - erf(c/√(2v))) for Z ~ N(0, v) — the central-limit "
             "approximation of P[S + R < 0] with signal c and crosstalk variance v: its derivative "
             "in c is minus the N(0, v) density at -c ...", id="gaussian_tail_density"),
        Step(sp.Limit(GAUSSIAN_TAIL, c, sp.oo), 0,
             "... and it vanishes as c → ∞, so it equals ∫_{-∞}^{-c} of the density "
             "(fundamental theorem of calculus)", id="gaussian_tail_vanishes"),
        Step(sp.Subs(GAUSSIAN_TAIL, (c, v), (1, K / N)), GAUSSIAN_ERROR_LOAD,
             "at large N, K the signal (N-1)/N → 1 and Var R → K/N = α (the load, 1.3.5): "
             "P ≈ ½ erfc(1/√(2α)) = ½ (1 - erf(√(N/(2K))))", "1.3.5", id="gaussian_error_load"),
        Step(sp.Limit(GAUSSIAN_ERROR_FINITE_N.subs(K, alpha * N), N, sp.oo), GAUSSIAN_ERROR_ALPHA,
             "with the exact signal (N-1)/N and variance (N-1)(K-1)/N^2, the Gaussian "
             "approximation tends to ½ (1 - erf(1/√(2α))) at fixed load α = K/N (1.3.5)", "1.3.5", id="gaussian_error_limit"),
    ),
    claims=(
        Claim("crosstalk variance", "variance", CROSSTALK_VARIANCE, hopfield.crosstalk_neuron0,
              cases=({"N": 50, "K": 5}, {"N": 100, "K": 20}),
              strategy=st.fixed_dictionaries({"N": st.integers(10, 150), "K": st.integers(2, 40)}),
              equation="1.3.4", max_samples=200_000, target_mdre=0.03,
              target_note="each sample is a whole network (N·K spins) for one neuron's crosstalk",
              simulates=_NETWORK + "; the sample is neuron 0's crosstalk R_0 = ξ_0^1 φ_0(ξ^1) − (N−1)/N"),
        Claim("crosstalk mean square", "mean", CROSSTALK_VARIANCE, hopfield.crosstalk_mean_square,
              cases=({"N": 200, "K": 40},),
              strategy=st.fixed_dictionaries({"N": st.integers(50, 300), "K": st.integers(2, 80)}),
              equation="1.3.4", max_samples=40_000, target_mdre=0.02,
              target_note="each sample is a whole network of N·K = 8000 spins",
              simulates=_NETWORK + "; the sample is the network's average of R_i²"),
        Claim("one-step error, exact", "mean", ONE_STEP_ERROR, hopfield.one_step_error_fraction,
              cases=({"N": 51, "K": 11}, {"N": 100, "K": 20}, {"N": 100, "K": 25}),
              strategy=_strategy_error_exact(), equation="1.3.1", max_samples=60_000,
              target_mdre=0.05,
              target_note="errors are rare (0.5–10 % of neurons) and each sample is a whole network",
              simulates=_NETWORK + ", started in ξ^1, one synchronous update sgn(φ) (ties: fair coin); "
                        "the sample is the fraction of flipped neurons"),
    ),
    ranges={N: Range(2, None, "the field of a neuron sums over the other neurons: N ≥ 2"),
            K: Range(1, None, "at least the retrieved pattern is stored: K ≥ 1")},
    sizes={N: Range(2, 7, _SUM_COST), K: Range(1, 6, _SUM_COST)},
    not_quotable={
        "1.3.1": "a sign update of a vector of spins (sgn of the local fields): " + FINITE_INSTANCES,
        "1.3.3": FINITE_INSTANCES,
        "1.3.4": FINITE_INSTANCES,
        "1.3.5": ("α ≡ lim K/N defines the load (written lim_{n→∞}); the steps check the error "
                  "probability at that load: " + FINITE_INSTANCES),
    },
)


# ==== end section ====
