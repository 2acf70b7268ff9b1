"""LeCun's symbols (chapter 5): the linear decoder's energy (5.2.1) and its latent."""
from __future__ import annotations

import sympy as sp

LECTURE = "Yann LeCun: Self Supervised Models"

Y = sp.Symbol("y", real=True)                 # the observation y
Z = sp.Symbol("z", real=True)                 # the latent z
W = sp.Symbol("w", positive=True)             # the decoder's weight, Dec(z) = w z
BETA = sp.Symbol("beta", positive=True)       # inverse temperature β


def normal_density(v, mean, variance):
    """The density of N(mean, variance) at ``v``."""
    return sp.exp(-(v - mean) ** 2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance)
