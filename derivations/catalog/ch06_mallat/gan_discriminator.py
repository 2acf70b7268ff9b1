"""Generative adversarial networks (Mallat 6.2.8–6.2.13): the optimal discriminator
D* = p_data/(p_data + p_G) (Lemma 1, 6.2.10–6.2.11) and the value of the game at it,
L(D*, G) = −log 4 + 2 JSD(p_data ‖ p_G), least exactly when p_G = p_data (Theorem 2, 6.2.12).

Lemma 1 is checked pointwise: at one image x, with a = p_data(x) > 0 and b = p_G(x) > 0, the
loss's integrand a log D + b log(1 − D) is maximised over D ∈ (0, 1) at D* = a/(a + b).  The
theorem is checked on two laws on three images 𝒳 = {1, 2, 3} given by positive weights,
p_data(i) = a_i/Σa and p_G(i) = b_i/Σb (expectations are exact sums over 𝒳).
"""
from __future__ import annotations

import sympy as sp
from derivations.model.strategies import st

from numerics.samplers import adversarial

from ...latex import Notation
from ...model import Claim, Derivation, Quote, Range, Step
from ...symbolic.held import held_derivative
from .notation import CHAPTER

# Lemma 1 at one image x: a = p_data(x), b = p_G(x), the discriminator's output D = D(x)
P_DATA = sp.Symbol("p_data", positive=True)
P_GEN = sp.Symbol("p_G", positive=True)
D = sp.Symbol("D", positive=True)
_u = sp.Symbol("u", real=True)

integrand = P_DATA * sp.log(D) + P_GEN * sp.log(1 - D)      # of 6.2.9 at x, as a function of D
optimal_output = P_DATA / (P_DATA + P_GEN)                  # D*(x), 6.2.11
second_derivative = -P_DATA / D ** 2 - P_GEN / (1 - D) ** 2

# Theorem 2 on 𝒳 = {1, 2, 3}: the laws' weights
DATA_WEIGHTS = sp.symbols("a1:4", positive=True)
GEN_WEIGHTS = sp.symbols("b1:4", positive=True)
p_data = [w / sum(DATA_WEIGHTS) for w in DATA_WEIGHTS]
p_gen = [w / sum(GEN_WEIGHTS) for w in GEN_WEIGHTS]
mixture = [(p + q) / 2 for p, q in zip(p_data, p_gen)]     # m = (p_data + p_G)/2
d_star = [p / (p + q) for p, q in zip(p_data, p_gen)]      # D* on 𝒳, 6.2.11


def kl(law, other) -> sp.Expr:
    """KL(law ‖ other) = Σ_x law(x) log(law(x)/other(x)) over 𝒳."""
    return sp.Add(*[p * sp.log(p / q) for p, q in zip(law, other)])


def gan_loss(disc, data=p_data, gen=p_gen) -> sp.Expr:
    """L(D, G) = E_{x∼p_data}[log D(x)] + E_{x∼p_G}[log(1 − D(x))] (6.2.9, G(z) ∼ p_G)."""
    return sp.Add(*[p * sp.log(d) + q * sp.log(1 - d) for p, q, d in zip(data, gen, disc)])


# the closed forms the steps establish
loss_at_optimum = sp.Add(*[p * sp.log(p) + q * sp.log(q) - (p + q) * sp.log(p + q)
                           for p, q in zip(p_data, p_gen)])
twice_jsd = kl(p_data, mixture) + kl(p_gen, mixture)        # 2 JSD(p_data ‖ p_G)
game_value = -sp.log(4) + twice_jsd                         # L(D*, G), 6.2.12

_same_law = dict(zip(GEN_WEIGHTS, DATA_WEIGHTS))            # p_G = p_data

_STEPS = (
    Step(held_derivative(integrand, D).subs(D, optimal_output), sp.S.Zero,
         "∂_D [a log D + b log(1 − D)] = a/D − b/(1 − D) vanishes at D = a/(a + b), "
         "a = p_data(x), b = p_G(x): L separates over x, so D*(x) maximises each integrand",
         "6.2.11", id="discriminator_stationary"),
    Step(held_derivative(integrand, D, 2), second_derivative,
         "∂²_D [a log D + b log(1 − D)] = −a/D² − b/(1 − D)², negative on (0, 1) for a, b > 0: "
         "the integrand is strictly concave, so its stationary point is its maximum",
         "6.2.10", id="discriminator_concave"),
    Step(held_derivative(integrand, D, 2).subs(D, optimal_output),
         -(P_DATA + P_GEN) ** 3 / (P_DATA * P_GEN),
         "at D* = a/(a + b) the curvature −a/D*² − b/(1 − D*)² = −(a + b)²/a − (a + b)²/b is "
         "−(a + b)³/(ab) < 0: a strict maximum, the argmax of 6.2.10", "6.2.10",
         id="discriminator_maximum"),
    Step(integrand.subs(D, optimal_output),
         P_DATA * sp.log(P_DATA) + P_GEN * sp.log(P_GEN) - (P_DATA + P_GEN) * sp.log(P_DATA + P_GEN),
         "the integrand's maximum: 1 − D* = b/(a + b), so a log D* + b log(1 − D*) = "
         "a log a + b log b − (a + b) log(a + b)", "6.2.11", id="discriminator_value"),
    Step(gan_loss(d_star), loss_at_optimum,
         "6.2.9 on 𝒳 at D* = p_data/(p_data + p_G): the sum over the three images of the "
         "pointwise maxima (step discriminator_value)", "6.2.9", id="loss_at_optimal_discriminator"),
    Step(twice_jsd, loss_at_optimum + sp.log(4),
         "KL(p_data ‖ m) + KL(p_G ‖ m), m = (p_data + p_G)/2: log(2p/(p + q)) = log 2 + log p − "
         "log(p + q), and Σp_data = Σp_G = 1 give the log 2 + log 2", "6.2.12", id="jsd_expansion"),
    Step(gan_loss(d_star), game_value,
         "L(D*, G) = −log 4 + KL(p_data ‖ m) + KL(p_G ‖ m) = −log 4 + 2 JSD(p_data ‖ p_G) "
         "(steps loss_at_optimal_discriminator and jsd_expansion)", "6.2.12", id="game_value"),
    Step(gan_loss(d_star).xreplace(_same_law), -sp.log(4),
         "at p_G = p_data, D* = ½ on 𝒳 and L(D*, G) = Σ p_data (log ½ + log ½) = −log 4, the "
         "value of 6.2.12's minimiser (JSD = 0 there)", "6.2.12", id="value_at_data_law"),
)

_WEIGHTS = [str(w) for w in DATA_WEIGHTS + GEN_WEIGHTS]
_finite = dict(allow_nan=False, allow_infinity=False)
_CLAIMS = (
    Claim("optimal_discriminator_game", "mean", game_value, adversarial.gan_value_at_optimum,
          (dict(zip(_WEIGHTS, (1.0, 2.0, 3.0, 3.0, 2.0, 1.0))),
           dict(zip(_WEIGHTS, (2.0, 1.0, 1.0, 1.0, 1.0, 2.0))),
           dict(zip(_WEIGHTS, (0.5, 4.0, 1.5, 2.0, 0.3, 2.5)))),
          st.fixed_dictionaries({w: st.floats(0.2, 5.0, **_finite) for w in _WEIGHTS}),
          equation="6.2.12",
          simulates="the GAN game of 6.2.9 at the optimal discriminator D* = p_data/(p_data + "
                    "p_G) of 6.2.11, on three images with p_data ∝ (a₁, a₂, a₃), p_G ∝ (b₁, b₂, "
                    "b₃): a real image x ~ p_data and a generated one G(z), z ~ N(0, 1), G the "
                    "quantiser whose cells have Gaussian probability p_G; the sample is "
                    "log D*(x) + log(1 − D*(G(z))), D* evaluated pointwise",
          invalid_cases=((dict(zip(_WEIGHTS, (0.0, 2.0, 3.0, 3.0, 2.0, 1.0))), "a1 > 0"),
                         (dict(zip(_WEIGHTS, (1.0, 2.0, 3.0, 3.0, -2.0, 1.0))), "b2 > 0"),
                         (dict(zip(_WEIGHTS, (1.0, 2.0, float("nan"), 3.0, 2.0, 1.0))), "a3="))),
)

_NETWORKS = ("D and G are unspecified networks and the notes give no law of the data: the "
             "steps check Lemma 1 pointwise and Theorem 2 on three images")

DERIVATION = Derivation(
    id="mallat.gan_discriminator",
    title="GANs: the optimal discriminator D* = p_data/(p_data + p_G) and L(D*, G) = −log 4 + 2 JSD",
    lecture="Mallat",
    section="6.2.2 GANs; Lemma 1, Theorem 2",
    equations=("6.2.8", "6.2.9", "6.2.10", "6.2.11", "6.2.12", "6.2.13"),
    definitions=("6.2.8", "6.2.9", "6.2.13"),
    steps=_STEPS,
    claims=_CLAIMS,
    ranges={D: Range(0, 1, "a discriminator's output, D : Images → [0, 1]; log(1 − D) needs "
                           "D < 1")},
    notation=CHAPTER.merge(Notation(
        {"x": sp.Symbol("x", real=True), "y": sp.Symbol("y", real=True),
         "z": sp.Symbol("z", real=True), "D^*": optimal_output,
         r"\theta_D": sp.Symbol("theta_D", real=True), r"\theta_G": sp.Symbol("theta_G", real=True)},
        {"D": sp.Lambda(_u, D), "G": sp.Function("G"),
         r"\mathcal{L}": sp.Function("L"),
         "p_{data}": sp.Lambda(_u, P_DATA), "p_G": sp.Lambda(_u, P_GEN)})),
    printed_in_notes=(
        Quote("6.2.8", line=639,
              latex=r"D_{ideal}(x) = \begin{cases} 1 & \text{if } x \text{ is a real image} \\ "
                    r"0 & \text{if } x \text{ is a fake image} \end{cases}",
              unreadable="a definition in words (the cases are prose): the ideal discriminator "
                         "is not derived"),
        Quote("6.2.9", line=643,
              latex=r"\mathcal{L}(\theta_D, \theta_G) = \mathbb{E}_{x \sim p_{data}} [\log D(x)] "
                    r"+ \mathbb{E}_{z \sim \text{Gaussian}} [\log(1 - D(G(z)))]",
              unreadable="defines the loss, with the noise's law in words (z ∼ Gaussian); step "
                         "loss_at_optimal_discriminator reads the second expectation as "
                         "E_{x∼p_G}[log(1 − D(x))], p_G the law of G(z)"),
        Quote("6.2.10", line=651, latex=r"D^* = \operatorname{argmax}_D \mathcal{L}(D, G)",
              note="D^* read as the pointwise optimum p_data(x)/(p_data(x) + p_G(x)) of 6.2.11",
              unchecked={0: "an argmax over networks D, not an identity: steps "
                            "discriminator_stationary, discriminator_concave and "
                            "discriminator_maximum show that D* = a/(a + b) is the maximum of "
                            "each integrand a log D + b log(1 − D)"}),
        Quote("6.2.11", line=653, latex=r"= \frac{p_{data}(x)}{p_{data}(x) + p_G(x)}",
              note="p_data(x) and p_G(x) read as the two densities' values a, b > 0 at one x",
              unchecked={0: "continues 6.2.10's argmax, an optimisation over networks: steps "
                            "discriminator_stationary and discriminator_maximum check the "
                            "printed maximiser"}),
        Quote("6.2.12", line=657,
              latex=r"\min_G \max_D \mathcal{L}(D, G) \iff p_G = p_{data}",
              unchecked={0: "an equivalence between a min–max over networks and an equality of "
                            "laws: steps game_value (max_D L = −log 4 + 2 JSD(p_data ‖ p_G)) "
                            "and value_at_data_law (−log 4 at p_G = p_data) check it on three "
                            "images; JSD ≥ 0 with equality only at p_G = p_data (Gibbs' "
                            "inequality) is not proved: SymPy sees no sign of Σ p log(p/m)"}),
        Quote("6.2.13", line=665,
              latex=r"\mathcal{L}(D, G) = \mathbb{E}_{p_{data}}[\log D(x|y)] + "
                    r"\mathbb{E}_{z \sim p_{data}}[\log(1 - D(G(x|y)))]",
              notation=Notation({}, {"D": sp.Function("D"), "G": sp.Function("G")}),
              note="D(x|y) and G(·|y) read as the conditional networks, undefined functions",
              unchecked={0: "defines the conditional GAN's loss; " + _NETWORKS + ". As printed "
                            "the noise z is drawn from the data law and G is applied to the "
                            "image x, which leaves the second expectation independent of z: "
                            "likely misprints of E_{z∼p_z}[log(1 − D(G(z|y)|y))] "
                            "(Mirza & Osindero 2014), not checked"}),
    ),
    not_quotable={},
)
