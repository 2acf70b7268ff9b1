"""The Lyapunov function of zero-temperature sequential dynamics decreases (1.2.7–1.2.8).

Three spins, symmetric couplings ``J`` with ``J_ii >= 0`` and fields ``h`` (symbolic reals).
One sequential step updates neuron ``i``: ``σ_i' = sgn φ_i``, ``φ_i = Σ_j J_ij σ_j + h_i``
(1.2.4 at ``T = 0``), the other spins unchanged.
"""
from __future__ import annotations

import itertools

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import lyapunov

from ...latex import Notation
from ...model import Claim, Derivation, Quote, Step
from .notation import CHAPTER
from .symbols import LECTURE

_N3 = 3
SPINS = [sp.Symbol(f"sigma_{k}", real=True) for k in range(1, _N3 + 1)]
NEW_SPIN = sp.Symbol("sigma_1'", real=True)                       # σ_1 after the update
SELF_COUPLINGS = [sp.Symbol(f"J_{k}{k}", nonnegative=True) for k in range(1, _N3 + 1)]  # J_ii >= 0
FIELDS = [sp.Symbol(f"h_{k}", real=True) for k in range(1, _N3 + 1)]
COUPLINGS = sp.Matrix(_N3, _N3, lambda p, q: SELF_COUPLINGS[p] if p == q else
                      sp.Symbol(f"J_{min(p, q) + 1}{max(p, q) + 1}", real=True))  # Jᵀ = J
FIELD_VECTOR = sp.Matrix(FIELDS)
PHI = sp.Symbol("phi_1", real=True, nonzero=True)  # the field that flips σ_1 (a tie is a coin)


def lyapunov_function(sigma) -> sp.Expr:
    """``L = -½ σᵀJσ - hᵀσ`` (1.2.7) at the state ``sigma`` (a list of three spins)."""
    col = sp.Matrix(sigma)
    return (-(col.T * COUPLINGS * col) / 2 - FIELD_VECTOR.T * col)[0, 0]


def local_field(sigma, i: int) -> sp.Expr:
    """``φ_i = Σ_j J_ij σ_j + h_i`` (1.2.4) of neuron ``i`` (0-based)."""
    return sp.Add(*[COUPLINGS[i, j] * s for j, s in enumerate(sigma)]) + FIELDS[i]


def updated(sigma, i: int, new) -> list:
    """The state after neuron ``i`` (0-based) takes the value ``new``, the others unchanged."""
    return [new if k == i else s for k, s in enumerate(sigma)]


def lyapunov_change(sigma, i: int, new) -> sp.Expr:
    """``ΔL = L(σ') - L(σ)`` from the definition (1.2.7), held as a difference of two values."""
    return sp.Add(lyapunov_function(updated(sigma, i, new)), -lyapunov_function(sigma),
                  evaluate=False)


def flip_change(sigma, i: int, new) -> sp.Expr:
    """The derived change for ±1 spins: ``-(σ_i' - σ_i)(φ_i - J_ii σ_i)``."""
    return -(new - sigma[i]) * (local_field(sigma, i) - COUPLINGS[i, i] * sigma[i])


_STATES = [list(s) for s in itertools.product((1, -1), repeat=_N3)]
_TABLE = [(s, i, new) for s in _STATES for i in range(_N3) for new in (1, -1)]
_AVERAGE = sp.Rational(1, len(_STATES) * _N3)
# zero-temperature step averaged over the 8 states and 3 neurons: σ_i' = sgn φ_i (1.2.4)
MEAN_CHANGE = _AVERAGE * sp.Add(*[flip_change(s, i, sp.sign(local_field(s, i)))
                                  for s in _STATES for i in range(_N3)])
MEAN_CHANGE_SPLIT = -_AVERAGE * sp.Add(*[
    (sp.sign(local_field(s, i)) - s[i]) * local_field(s, i)
    + COUPLINGS[i, i] * (1 - s[i] * sp.sign(local_field(s, i))) for s in _STATES for i in range(_N3)])
FLIP_CHANGE = -2 * sp.Abs(PHI) - 2 * SELF_COUPLINGS[0]

_CASE = {"J_11": 0.5, "J_12": 1.0, "J_13": -0.7, "J_22": 0.25, "J_23": 0.4, "J_33": 0.0,
         "h_1": 0.3, "h_2": -0.2, "h_3": 0.15}


@st.composite
def _network(draw):
    """Symmetric couplings with J_ii in [0.1, 1] (so ΔL < 0 on every flip) and fields."""
    diagonal = {f"J_{k}{k}": draw(st.floats(0.1, 1.0)) for k in range(1, 4)}
    off = {f"J_{p}{q}": draw(st.floats(-1.5, 1.5)) for p, q in ((1, 2), (1, 3), (2, 3))}
    fields = {f"h_{k}": draw(st.floats(-1.0, 1.0)) for k in range(1, 4)}
    return {**diagonal, **off, **fields}


DERIVATION = Derivation(
    id="agliari.lyapunov_decrease",
    title="The Lyapunov function decreases under zero-temperature sequential dynamics",
    lecture=LECTURE,
    section="1.2 A model for neurons (Definition 2, the Lyapunov function)",
    equations=("1.2.7", "1.2.8"),
    definitions=("1.2.7",),
    steps=(
        Step(lyapunov_change(SPINS, 0, NEW_SPIN),
             -(NEW_SPIN - SPINS[0]) * (local_field(SPINS, 0) - COUPLINGS[0, 0] * SPINS[0])
             - COUPLINGS[0, 0] * (NEW_SPIN**2 - SPINS[0]**2) / 2,
             "1.2.7 with only σ_1 changed: the pair terms of σ_1 appear twice in σᵀJσ (Jᵀ = J) "
             "and J_11 σ_1² once, so ΔL = -(σ_1' - σ_1)(φ_1 - J_11 σ_1) - ½ J_11 (σ_1'² - σ_1²) "
             "for any real spins", "1.2.8", id="lyapunov_change"),
        Step(sp.ImmutableMatrix([lyapunov_change(s, i, new) for s, i, new in _TABLE]),
             sp.ImmutableMatrix([flip_change(s, i, new) for s, i, new in _TABLE]),
             "±1 spins: σ_i'² = σ_i² = 1 removes the J_ii term, ΔL = -(σ_i' - σ_i)(φ_i - J_ii σ_i); "
             "every σ ∈ {±1}³, neuron i and new spin σ_i' ∈ {±1} (48 entries), J and h symbolic",
             "1.2.8", id="spin_flip_table"),
        Step(-(sp.sign(PHI) - (-sp.sign(PHI))) * (PHI - SELF_COUPLINGS[0] * (-sp.sign(PHI))),
             FLIP_CHANGE,
             "a flip of neuron 1 under σ_1' = sgn φ_1 (1.2.4, T = 0): σ_1 = -sgn φ_1, so "
             "ΔL = -2 sgn φ_1 (φ_1 + J_11 sgn φ_1) = -2|φ_1| - 2 J_11; without a flip ΔL = 0",
             "1.2.8", id="flip_change"),
        Step(FLIP_CHANGE, 0, "J_11 >= 0 (the notes' assumption): ΔL <= 0 on every step",
             "1.2.8", relation="<=", id="lyapunov_decrease"),
        Step(MEAN_CHANGE, MEAN_CHANGE_SPLIT,
             "the step averaged over the 8 states and 3 neurons: with σ_i² = 1 each term splits "
             "into (sgn φ_i - σ_i) φ_i = |φ_i| - σ_i φ_i >= 0 and J_ii (1 - σ_i sgn φ_i) >= 0 "
             "(a tie, sgn 0 = 0, is the average of a coin flip)", "1.2.8", id="mean_change"),
    ),
    claims=(
        Claim("sequential_step_mean_change", "mean", MEAN_CHANGE,
              lyapunov.lyapunov_change_n3, cases=(_CASE,), strategy=_network(),
              equation="1.2.8", max_samples=2_000_000,
              invalid_cases=(({**_CASE, "J_22": -0.1}, "J_22"), ({**_CASE, "h_3": float("nan")}, "h_3")),
              simulates="three ±1 spins with the case's symmetric J (J_ii >= 0) and h: σ uniform on "
                        "{±1}³, a neuron i uniform, the zero-temperature sequential update "
                        "σ_i' = sgn φ_i (sgn 0 a fair coin); the sample is L(σ') - L(σ) with L "
                        "from its definition 1.2.7, and the closed form is the exact average of "
                        "-(σ_i' - σ_i)(φ_i - J_ii σ_i) over the 24 (state, neuron) pairs"),
    ),
    notation=CHAPTER.merge(Notation({r"\underline{\sigma}": sp.Matrix(SPINS),
                                     r"\underline{h}": FIELD_VECTOR, "J": COUPLINGS,
                                     "L": sp.Symbol("L", real=True)})),
    printed_in_notes=(
        Quote("1.2.7", line=146,
              latex=r"L = -\frac{1}{2} \underline{\sigma}^T J \underline{\sigma} - \underline{h}^T \underline{\sigma}",
              unchecked={0: "the definition of the Lyapunov function L"}),
        Quote("1.2.8", line=150, latex=r"\Delta L(\sigma, J) \leq 0",
              unreadable="ΔL, the change of L over one update, is written as an operator Δ on "
                         "the function L(σ, J) of 1.2.7, which has no argument for the update; "
                         "steps flip_change and lyapunov_decrease check ΔL = -2|φ_i| - 2J_ii <= 0 "
                         "for a flip (0 without one)"),
    ),
)
