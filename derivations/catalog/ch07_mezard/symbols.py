"""Mézard's shared symbols (chapter 7): the forward Ornstein–Uhlenbeck process ẋ = -x + η with
⟨η(t)η(t')⟩ = 2δ(t - t') (7.2.9), started at the datum x(0) = a, and its Gaussian kernel.

SymPy symbols are equal by name and assumptions: the notation table (``notation.py``) binds
the notes' names to these very symbols.
"""
from __future__ import annotations

import sympy as sp

LECTURE = "Marc Mézard: Statistical Physics of Generative Diffusion"
# the control variate of the squared Euler–Maruyama claims (numerics.sde)
SQUARE_CONTROL_NOTE = "control: (W_t − W_{t−τ})² − τ (Brownian increment, known mean)"

T = sp.Symbol("t", positive=True)                # diffusion time t
TAU = sp.Symbol("tau", positive=True)           # integration time τ
X = sp.Symbol("x", real=True)                   # state x(t) / the noised variable
A = sp.Symbol("a", real=True)                   # datum a = x(t=0) ~ p_0
Z = sp.Symbol("z", real=True)                   # a standard Gaussian z
DIM = sp.Symbol("d", integer=True, positive=True)   # x ∈ R^d
P0 = sp.Function("p_0")                         # the data density p_0 (undefined: Gaussian mixtures)

DELTA = 1 - sp.exp(-2 * T)                      # Δ_t = 1 - e^{-2t} (after 7.2.11, 7.3.1)
# Δ_t where only its positivity matters (the score identities hold for every variance Δ_t > 0)
DELTA_T = sp.Symbol("Delta_t", positive=True)


def normal_pdf(u, mean, var):
    """``N(u; mean, var)``, the one-dimensional Gaussian density."""
    return sp.exp(-(u - mean) ** 2 / (2 * var)) / sp.sqrt(2 * sp.pi * var)


def ou_kernel(x=X, a=A, t=T, var=None):
    """The forward transition density N(x; a e^{-t}, Δ_t) of 7.3.2, one coordinate (``var``:
    Δ_t = 1 - e^{-2t} at the given ``t`` unless given)."""
    return normal_pdf(x, a * sp.exp(-t), 1 - sp.exp(-2 * t) if var is None else var)
