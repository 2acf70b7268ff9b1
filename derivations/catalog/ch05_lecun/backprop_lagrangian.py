"""Backpropagation as the stationarity of a Lagrangian: the forward pass solves ∂L/∂λ_k = 0,
the multipliers solve ∂L/∂z_k = 0 and are minus the backpropagated gradients, and the weight
gradient is −λ_k ∂f_k/∂W_k (LeCun 5.2.5–5.2.8, "Lagrangian Mechanics").

Checked on a scalar network of T = 3 layers, f_k(z; W_k) = tanh(W_k z), with the input z_0 and
the cost C(y, z) = (y − z)²/2, and the Lagrangian of 5.2.5 summed over the layers k = 0 … T − 1
(the notes sum to T, whose last term needs a z_{T+1} the network does not have):

    L = C(y, z_T) + Σ_{k=0}^{T−1} λ_k (z_{k+1} − f_k(z_k; W_k)).

Then ∂L/∂z_k = λ_{k−1} − f_k'(z_k) λ_k for 0 < k < T: stationarity gives λ_{k−1} = f_k'(z_k) λ_k,
not λ_k = f_k'(z_k) λ_{k+1} as 5.2.7 prints (the index is shifted by one).
"""
from __future__ import annotations

import sympy as sp

from ...latex import Notation
from ...model import Derivation, Quote, Step
from ...symbolic.held import held_derivative
from .notation import CHAPTER
from .symbols import LECTURE, Y

DEPTH = 3                                                          # T, the number of layers
ACTIVATIONS = sp.symbols(f"z_0:{DEPTH + 1}", real=True)            # z_0 (input) … z_T
WEIGHTS = sp.symbols(f"W_0:{DEPTH}", real=True)                    # W_k of the layer f_k
MULTIPLIERS = sp.symbols(f"lambda_0:{DEPTH}", real=True)           # λ_k, one per layer
Z0, Z1, Z2, Z3 = ACTIVATIONS
W0, W1, W2 = WEIGHTS
LAM0, LAM1, LAM2 = MULTIPLIERS


def layer(k: int, z) -> sp.Expr:
    """f_k(z; W_k) = tanh(W_k z), the k-th layer."""
    return sp.tanh(WEIGHTS[k] * z)


def cost(y, z) -> sp.Expr:
    """C(y, z_T) = (y − z_T)²/2."""
    return (y - z) ** 2 / 2


def layers(start: int, stop: int, z) -> sp.Expr:
    """The layers start … stop − 1 applied to the activation z_start = z (5.2.6)."""
    for j in range(start, stop):
        z = layer(j, z)
    return z


def tail(k: int, z) -> sp.Expr:
    """The network's output z_T as a function of the activation z_k."""
    return layers(k, DEPTH, z)


# 5.2.5 with the sum stopped at T − 1; the activations z_1 … z_T and the λ_k are independent
lagrangian = cost(Y, ACTIVATIONS[DEPTH]) + sp.Add(*[
    MULTIPLIERS[k] * (ACTIVATIONS[k + 1] - layer(k, ACTIVATIONS[k])) for k in range(DEPTH)])
forward = [layers(0, k, Z0) for k in range(DEPTH + 1)]              # the forward pass, 5.2.6
trajectory = {ACTIVATIONS[k]: forward[k] for k in range(1, DEPTH + 1)}
network_cost = cost(Y, tail(0, Z0))                                # C(y, f(z_0))


def backprop_multiplier(k: int, start: int = 0) -> sp.Expr:
    """λ_k at the stationary point, −dC/dz_{k+1}: the cost's derivative through the later
    layers, held, at the forward pass from z_start."""
    z = ACTIVATIONS[k + 1]
    at = layers(start, k + 1, ACTIVATIONS[start])
    return -held_derivative(cost(Y, tail(k + 1, z)), z).xreplace({z: at})


stationary = {**trajectory, **{MULTIPLIERS[k]: backprop_multiplier(k) for k in range(DEPTH)}}


def _at_stationary(expr) -> sp.Expr:
    """``expr`` on the forward pass with the multipliers λ_k = −dC/dz_{k+1}."""
    return expr.xreplace(stationary)


def _layer_slope(k: int, var) -> sp.Expr:
    """∂f_k(z_k; W_k)/∂var held, at the forward pass."""
    return held_derivative(layer(k, ACTIVATIONS[k]), var).xreplace(trajectory)


_STEPS = (
    # --- 5.2.6: ∂L/∂λ_k = 0 is the forward pass
    Step(held_derivative(lagrangian, LAM1), Z2 - layer(1, Z1),
         "∂L/∂λ_k = z_{k+1} − f_k(z_k; W_k): only the k-th constraint holds λ_k (here k = 1)",
         "5.2.6", id="multiplier_gradient"),
    Step(sp.Subs(lagrangian, tuple(trajectory), tuple(trajectory.values())), network_cost,
         "where every ∂L/∂λ_k vanishes, z_{k+1} = f_k(z_k; W_k): the chain of activations is "
         "the composed network, and L is its cost C(y, f(z_0)) whatever the λ_k",
         "5.2.6", id="forward_pass"),
    # --- 5.2.7: ∂L/∂z_k = 0 for the multipliers
    Step(held_derivative(lagrangian, Z1), LAM0 - held_derivative(layer(1, Z1), Z1) * LAM1,
         "z_k enters the constraints k − 1 and k: ∂L/∂z_k = λ_{k−1} − ∂f_k/∂z_k λ_k "
         "(here k = 1; 0 < k < T)", "5.2.7", id="activation_gradient"),
    Step(held_derivative(lagrangian, Z3), held_derivative(cost(Y, Z3), Z3) + LAM2,
         "z_T enters the cost and the last constraint: ∂L/∂z_T = ∂C/∂z_T + λ_{T−1}, so "
         "λ_{T−1} = −∂C/∂z_T", "5.2.7", id="output_gradient"),
    *(Step(_at_stationary(held_derivative(lagrangian, ACTIVATIONS[k])), sp.S.Zero,
           f"the backpropagated gradients λ_j = −dC/dz_{{j+1}} (through the later layers) solve "
           f"∂L/∂z_{k} = 0 on the forward pass", "5.2.7", id=f"stationary_activation_{k}")
      for k in range(1, DEPTH + 1)),
    *(Step(backprop_multiplier(k - 1), _layer_slope(k, ACTIVATIONS[k]) * backprop_multiplier(k),
           f"the multiplier recursion λ_{{k−1}} = ∂f_k(z_k; W_k)/∂z_k λ_k (here k = {k}): the "
           f"chain rule through layer {k}", "5.2.7", id=f"multiplier_recursion_{k}")
      for k in range(1, DEPTH)),
    # --- 5.2.8: the weight gradient
    Step(held_derivative(lagrangian, W1), -LAM1 * held_derivative(layer(1, Z1), W1),
         "W_k enters only the k-th constraint: ∂L/∂W_k = −λ_k ∂f_k/∂W_k (here k = 1); it is "
         "the gradient, not a condition set to zero", "5.2.8", id="lagrangian_weight_gradient"),
    Step(_at_stationary(held_derivative(lagrangian, W1)), held_derivative(network_cost, W1),
         "at the stationary point ∂L/∂W_k is the total derivative dC(y, f(z_0))/dW_k of the "
         "network's cost (here k = 1)", "5.2.8", id="adjoint_gradient"),
    *(Step(held_derivative(network_cost, WEIGHTS[k]),
           -backprop_multiplier(k) * _layer_slope(k, WEIGHTS[k]),
           f"backprop: dC/dW_k = −λ_k ∂f_k(z_k; W_k)/∂W_k, i.e. dC/dW_k + ∂f_k/∂W_k λ_k = 0 "
           f"with dC/dW_k through the network (k = {k})", "5.2.8", id=f"weight_gradient_{k}")
      for k in range(DEPTH)),
)

# the quotations read at the interior layer k = 1, z_1 an activation and z_2, z_3 its forward pass
_v, _w = sp.symbols("v w", real=True)
_LAYER = sp.Lambda((_v, _w), sp.tanh(_w * _v))                     # f_k(z_k; W_k)
_AT_LAYER_1 = Notation({r"\lambda_k": LAM1, "z_k": Z1, "z_{k+1}": Z2, "W_k": W1},
                       {"f_k": _LAYER})
_MULTIPLIERS_AT_1 = Notation({r"\lambda_k": backprop_multiplier(1, start=1),
                              r"\lambda_{k+1}": backprop_multiplier(2, start=1),
                              "z_k": Z1, "W_k": W1}, {"f_k": _LAYER})
_COST_AT_1 = Notation({"C": cost(Y, tail(1, Z1)), r"\lambda_k": backprop_multiplier(1, start=1),
                       "z_k": Z1, "W_k": W1}, {"f_k": _LAYER})
_z, _lam, _W = sp.IndexedBase("z"), sp.IndexedBase("lambda"), sp.IndexedBase("W")
_k = sp.Symbol("k", integer=True)
_stationarity = "an equation the stationary point solves, not an identity"

DERIVATION = Derivation(
    id="lecun.backprop_lagrangian",
    title="Backprop from a Lagrangian: forward pass, multiplier recursion, weight gradient",
    lecture=LECTURE,
    section="5.2.1 Lagrangian Mechanics",
    equations=("5.2.5", "5.2.6", "5.2.7", "5.2.8"),
    definitions=("5.2.5",),
    steps=_STEPS,
    claims=(),
    known_failures={"declares_claims": (
        "no simulation: backprop is an exact chain rule on a deterministic network, with no "
        "random quantity to sample; the numeric half already checks every gradient by "
        "differentiating the composed network at 30 digits")},
    notation=CHAPTER.merge(Notation(
        {"L": lagrangian, "z": _z, r"\lambda": _lam, "W": _W, "w": _W, "k": _k,
         "T": sp.Integer(DEPTH)},
        {"C": sp.Lambda((_v, _w), cost(_v, _w))},
        families={"f": sp.Lambda((_k, _v, _w), sp.tanh(_w * _v))})),
    printed_in_notes=(
        Quote("5.2.5", line=517,
              latex=r"L(z, w, \lambda, y) = C(y, z_T) + \sum_{k=0}^T \lambda_k (z_{k+1} - "
                    r"f_k(z_k; W_k))",
              notation=Notation({}, {"L": sp.Function("L")}),
              unchecked={0: "the definition of the Lagrangian L(z, w, λ, y) (a function of "
                            "every activation, weight and multiplier; the steps use it with "
                            "T = 3)"},
              note="the sum's last term, k = T, needs z_{T+1}, an activation the network does "
                   "not have: the steps sum over k = 0 … T − 1, the cost C(y, z_T) taking the "
                   "output's place"),
        Quote("5.2.6", line=521,
              latex=r"\frac{\partial L}{\partial \lambda_k} = 0 \implies z_{k+1} = f_k(z_k; W_k)",
              notation=_AT_LAYER_1,
              unchecked={0: f"∂L/∂λ_k = 0 is {_stationarity} (the step multiplier_gradient "
                            "checks ∂L/∂λ_1 = z_2 − f_1(z_1; W_1))",
                         1: f"the forward pass is {_stationarity} (the step forward_pass "
                            "checks that its solution is the composed network)"}),
        Quote("5.2.7", line=523,
              latex=r"\frac{\partial L}{\partial z_k} = 0 \implies \lambda_k = \frac{\partial "
                    r"f_k(z_k; W_k)}{\partial z_k} \lambda_{k+1}",
              notation=_MULTIPLIERS_AT_1,
              note="read at the interior layer k = 1 (0 < k < T): z_1 an activation, z_2, z_3 "
                   "its forward pass, λ_1 and λ_2 the stationary multipliers −dC/dz_2 and "
                   "−dC/dz_3; ∂L/∂z_k = λ_{k−1} − ∂f_k/∂z_k λ_k, so stationarity gives "
                   "λ_{k−1} = ∂f_k/∂z_k λ_k: the printed recursion shifts the index by one",
              unchecked={0: f"∂L/∂z_k = 0 is {_stationarity} (the steps activation_gradient "
                            "and stationary_activation_* check it)"}),
        Quote("5.2.8", line=525,
              latex=r"\frac{\partial L}{\partial W_k} = 0 \implies \frac{\partial C}{\partial "
                    r"W_k} + \frac{\partial f_k(z_k; W_k)}{\partial W_k} \lambda_k = 0",
              notation=_COST_AT_1,
              note="read at k = 1 with ∂C/∂W_k the total derivative of the cost through the "
                   "network, C = C(y, f_2(f_1(z_1))), and λ_1 = −dC/dz_2 the stationary "
                   "multiplier; read so, it holds",
              unchecked={0: "∂L/∂W_k is the gradient of the cost in the weights (the step "
                            "adjoint_gradient), not a condition of backprop: it vanishes only "
                            "at a minimum of the training cost"}),
    ),
    not_quotable={},
)
