"""Tweedie's formula (Mallat 6.3.14–6.3.21) in one dimension, y = x + σz,
for an arbitrary prior p (an undefined function, checked numerically on Gaussian mixtures), then
instantiated for a Gaussian prior and for the ±1 prior.  Mézard's form of it (7.3.13–7.3.14) is
``mezard.tweedie_score``."""
from __future__ import annotations

import sympy as sp

from ...latex import Notation
from ...model import Claim, Derivation, Printed, Quote, Step
from ...symbolic.held import held_derivative, over
from .notation import CHAPTER
from ...symbolic.prior_integral import PriorIntegral, gaussian_mixtures


def _quotes() -> tuple[Quote, ...]:
    """The notes' printed forms of the labels this derivation encodes."""
    return (
        Quote("6.3.14", line=789, latex=r"\mathbb{E}_{x,z}[|\hat{x}(y_t) - x|^2]",
              unreadable="an objective without a relation, in the OU observation y_t of 6.3.13 "
                         "(not this derivation's x_σ)"),
        Quote("6.3.16", line=799, latex=r"\hat{x}(x_\sigma) = \mathbb{E}[x|x_\sigma] = x_\sigma + \sigma^2 \nabla_{x_\sigma} \log p_\sigma(x_\sigma)"),
        Quote("6.3.17", line=803, latex=r"p_\sigma(x_\sigma) = \int p(x_\sigma|x)p(x)dx"),
        Quote("6.3.18", line=805, latex=r"\nabla p_\sigma(x_\sigma) = \int g_\sigma(x_\sigma - x)p(x)dx"),
        Quote("6.3.19", line=807, latex=r"= \frac{1}{\sigma^2} \int (x_\sigma - x)g_\sigma(x_\sigma - x)p(x)dx"),
        Quote("6.3.20", line=809, latex=r"\frac{\sigma^2 \nabla p_\sigma(x_\sigma)}{p_\sigma(x_\sigma)} = \int (-x_\sigma + x)p_\sigma(x|x_\sigma)dx"),
        Quote("6.3.21", line=811, latex=r"= -x_\sigma + \hat{x}(x_\sigma)"),
    )


def _build() -> Derivation:
    from derivations.model.strategies import st
    from sympy.stats import E, Normal, Rademacher

    from numerics.samplers import denoising

    y = sp.Symbol("y", real=True)            # noisy observation x_σ = x + σz
    x = sp.Symbol("x", real=True)            # clean signal (integration variable)
    sigma = sp.Symbol("sigma", positive=True)
    s = sp.Symbol("s", positive=True)        # std of the Gaussian prior N(0, s²)
    h = sp.Symbol("h", real=True)            # gain of a linear denoiser x̂ = h y
    p = sp.Function("p")                     # prior density p
    line = (x, -sp.oo, sp.oo)

    def normal_pdf(u, var):
        return sp.exp(-u ** 2 / (2 * var)) / sp.sqrt(2 * sp.pi * var)

    def g(u):  # g_σ(u) = C_σ e^{-u²/2σ²}, C_σ = (2πσ²)^{-1/2}
        return normal_pdf(u, sigma ** 2)

    p_sigma = PriorIntegral(g(y - x) * p(x), line)                       # 6.3.17
    dp_sigma = sp.diff(p_sigma, y)                                      # ∇p_σ(y)
    posterior = g(y - x) * p(x) / p_sigma                               # p(x|y)
    posterior_mean = PriorIntegral(x * posterior, line)                 # E[x|y] = x̂(y)
    score = sp.diff(sp.log(p_sigma), y)                                 # ∂_y log p_σ(y)

    u = sp.Dummy("u", real=True)

    def noisy_density(*args):
        """The notes' p_σ: p_σ(v) = ∫ g_σ(v - x) p(x) dx (6.3.17); p_σ(x|v) the posterior."""
        from ...latex.operators import Given

        if len(args) == 1:
            return p_sigma.subs(y, args[0])
        if len(args) == 2 and isinstance(args[1], Given):
            return posterior.subs(y, args[1].args[0]).subs(x, args[0])
        raise TypeError(f"p_sigma{args}: expected p_σ(v) or p_σ(x|v)")

    def prior(*args):
        """The notes' p: the prior p(v), and p(v|w) = g_σ(v - w) the law of x_σ given x."""
        from ...latex.operators import Given

        if len(args) == 1:
            return p(args[0])
        if len(args) == 2 and isinstance(args[1], Given):
            return g(args[0] - args[1].args[0])
        raise TypeError(f"p{args}: expected p(v) or p(v|w)")

    # Gaussian prior N(0, s²): p_σ = N(0, s² + σ²), x̂ = s²/(s² + σ²) y
    gauss_p_sigma = normal_pdf(y, s ** 2 + sigma ** 2)   # p_σ for the prior N(0, s²)
    gauss_gain = s ** 2 / (s ** 2 + sigma ** 2)
    # x = s ξ, z standard normals (parameters kept outside the random symbols, so that the
    # numeric checker sees and draws them)
    xi, Z = Normal("xi", 0, 1), Normal("z", 0, 1)
    X = s * xi
    linear_mse = (1 - h) ** 2 * s ** 2 + h ** 2 * sigma ** 2
    gauss_mmse = s ** 2 * sigma ** 2 / (s ** 2 + sigma ** 2)
    # ±1 prior with probability ½ each: p_σ = ½(g_σ(y-1) + g_σ(y+1)), x̂ = tanh(y/σ²)
    binary_p_sigma = (g(y - 1) + g(y + 1)) / 2
    # tanh(y/σ²) written with exponentials: SymPy's simplify does not rewrite tanh itself
    binary_mean = sp.tanh(y / sigma ** 2).rewrite(sp.exp)
    R = Rademacher("x_pm")

    steps = (
        Step(PriorIntegral(over(normal_pdf((y - x) / sigma, 1) * p(x), sigma), line), p_sigma,
             "p(y|x) is the density of y = x + σz given x: N(y; x, σ²) = g_σ(y - x); "
             "marginalise over the prior p(x)", "6.3.17", id="noisy_density"),
        Step(held_derivative(p_sigma, y), PriorIntegral(sp.diff(g(y - x), y) * p(x), line),
             "differentiate under the integral sign (the Gaussian kernel is smooth and "
             "integrable against p)", "6.3.18",
             printed=Printed(rhs=p_sigma, note="the derivative is missing on the right: the "
                             "notes print ∫ g_σ(x_σ - x) p(x) dx, which is p_σ itself"), id="differentiate_under_integral"),
        Step(dp_sigma, -PriorIntegral((y - x) * g(y - x) * p(x), line) / sigma ** 2,
             "∂_y g_σ(y - x) = -(y - x)/σ² g_σ(y - x)", "6.3.19",
             printed=Printed(rhs=PriorIntegral((y - x) * g(y - x) * p(x), line) / sigma ** 2,
                             note="sign error: ∂_y g_σ(y - x) = -(y - x)/σ² g_σ(y - x), so the "
                                  "factor is -(x_σ - x)/σ² = (x - x_σ)/σ²"), id="kernel_gradient"),
        Step(sigma ** 2 * dp_sigma / p_sigma, PriorIntegral((x - y) * posterior, line),
             "divide by p_σ(y); Bayes: p(x|y) = g_σ(y - x) p(x)/p_σ(y) (the notes' side remark "
             "p(x)/p_σ(x_σ) = p_σ(x|x_σ) omits the factor g_σ)", "6.3.20", id="bayes_posterior"),
        Step(PriorIntegral((x - y) * posterior, line), -y + posterior_mean,
             "linearity and ∫ p(x|y) dx = 1", "6.3.21", id="posterior_linearity"),
        Step(posterior_mean, y + sigma ** 2 * score,
             "Tweedie: 6.3.20–6.3.21 with σ² ∇p_σ/p_σ = σ² ∇ log p_σ", "6.3.16", id="tweedie_formula"),
        Step(PriorIntegral(g(y - x) * normal_pdf(x, s ** 2), line), gauss_p_sigma,
             "Gaussian prior N(0, s²): p_σ = N(0, s²) * N(0, σ²) = N(0, s² + σ²) (6.3.17; "
             "SymPy's integrator)", id="gaussian_noisy_density"),
        Step(y + sigma ** 2 * held_derivative(sp.log(gauss_p_sigma), y), gauss_gain * y,
             "Tweedie (6.3.16) with the score -y/(s² + σ²) of p_σ = N(0, s² + σ²)", id="gaussian_tweedie_gain"),
        Step(E((X - h * (X + sigma * Z)) ** 2, evaluate=False), linear_mse,
             "the mean-square error E|x̂(y) - x|² of the linear denoiser x̂ = h y, for "
             "x ~ N(0, s²), y = x + σz, x and z independent", "6.3.14", id="linear_mse"),
        Step(linear_mse.subs(h, gauss_gain), gauss_mmse,
             "minimum mean-square error (6.3.14) at the Tweedie gain h = s²/(s² + σ²)", id="gaussian_mmse"),
        Step(E(X * (X + sigma * Z), evaluate=False), s ** 2,
             "E[x̂(y) y] = E[E[x|y] y] = E[x y] = E[x²] (tower property); Gaussian prior", id="gaussian_tower"),
        Step(y + sigma ** 2 * held_derivative(sp.log(binary_p_sigma), y), binary_mean,
             "Tweedie (6.3.16) for the ±1 prior: p_σ(y) = ½(g_σ(y - 1) + g_σ(y + 1)); the "
             "right side is tanh(y/σ²)", id="binary_tweedie"),
        Step((g(y - 1) - g(y + 1)) / (g(y - 1) + g(y + 1)), binary_mean,
             "posterior mean computed directly: Σ_{x=±1} x g_σ(y - x) / Σ_{x=±1} g_σ(y - x)", id="binary_posterior_mean"),
        Step(E(R * (R + sigma * Z), evaluate=False), sp.S.One,
             "E[x̂(y) y] = E[x y] = E[x²] = 1 for the ±1 prior (tower property)", id="binary_tower"),
    )
    finite = {"allow_nan": False, "allow_infinity": False}
    gauss_cases = ({"s": 1.0, "sigma": 0.5}, {"s": 0.6, "sigma": 1.5})
    gauss_strategy = st.fixed_dictionaries({"s": st.floats(0.2, 3.0, **finite),
                                            "sigma": st.floats(0.1, 3.0, **finite)})
    claims = (
        Claim("gaussian_tweedie_product", "mean", s ** 2, denoising.gaussian_tweedie_product,
              gauss_cases, gauss_strategy, equation="6.3.16",
              simulates="x ~ N(0, s²), y = x + σz, x̂(y) by Tweedie's formula with the score of p_σ; the sample is x̂(y)·y"),
        Claim("gaussian_tweedie_mmse", "mean", gauss_mmse, denoising.gaussian_tweedie_error,
              gauss_cases, gauss_strategy, equation="6.3.16",
              simulates="x ~ N(0, s²), y = x + σz, x̂(y) by Tweedie's formula; the sample is (x − x̂(y))²"),
        Claim("binary_tweedie_product", "mean", sp.S.One, denoising.binary_tweedie_product,
              ({"sigma": 0.5}, {"sigma": 1.2}),
              st.fixed_dictionaries({"sigma": st.floats(0.1, 3.0, **finite)}),
              equation="6.3.16",
              simulates="x = ±1 (probability ½), y = x + σz, x̂(y) by Tweedie's formula with the "
                        "score of the two-point mixture p_σ; the sample is x̂(y)·y"),
    )
    return Derivation(
        id="mallat.tweedie",
        title="Tweedie's formula: the posterior mean from the score of the noisy density",
        lecture="Mallat",
        section="6.3 Denoising OU (Theorem 3)",
        equations=("6.3.14", "6.3.16", "6.3.17", "6.3.18", "6.3.19", "6.3.20", "6.3.21"),
        definitions=("6.3.17",),
        not_encoded={"6.3.15": "the objective of Theorem 3, printed again (same as 6.3.14); its "
                               "minimiser is 6.3.16, checked with the MMSE claim"},
        steps=steps,
        claims=claims,
        functions=(gaussian_mixtures(p),),
        notation=CHAPTER.merge(Notation(
            {r"x_\sigma": y, "x": x},
            {"p": prior, r"g_\sigma": sp.Lambda(u, g(u)), r"p_\sigma": noisy_density,
             r"\hat{x}": sp.Lambda(u, posterior_mean.subs(y, u))},
            domains={"x": (-sp.oo, sp.oo)})),
        printed_in_notes=_quotes(),
    )


DERIVATION = _build()
# ==== end section: tweedie ====
