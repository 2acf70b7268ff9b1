"""The notes' own labelled equations, read through a notation table, mean what they print.

Each row: the label, the display's LaTeX copied from the seed notes (label and asides
included, as printed), the notation table of its lecture, and the expected chain built by hand
with SymPy constructors.  Meaning is compared with :func:`meaning.assert_same_meaning`.
"""
from __future__ import annotations

import pytest
import sympy as sp

from derivations.latex import Notation, parse_latex
from derivations.latex import operators as op
from derivations.latex.reader import _leading_relation
from meaning import assert_same_meaning

S = sp.Symbol
F = sp.Function
R = dict(real=True)
P = dict(positive=True)
I_, N_, n_, K_ = S("i", integer=True), S("N", integer=True, positive=True), \
    S("n", integer=True, positive=True), S("K", integer=True, positive=True)
j_, k_, mu_, t_ = S("j", integer=True), S("k", integer=True), S("mu", integer=True), S("t", **P)
x, y, z, a, b, c, T, C0 = (S(v, **R) for v in "x y z a b c T C".split())
sigma, kappa, beta, Delta_t, theta, eps = (S(v, **P) for v in
                                           "sigma kappa beta Delta_t theta epsilon".split())
d, Z = S("d", integer=True, positive=True), S("Z", **P)
E_ = sp.E

# ------------------------------------------------------------------ Agliari (chapter 1)
xi, sig, J, h = (sp.IndexedBase(v) for v in ("xi", "sigma", "J", "h"))
tsig, st = sp.IndexedBase("tilde_sigma"), sp.IndexedBase("sigma_t")
U, Ustar, p_, Zc, zc, L, m_mu, alpha = S("U"), S("U^*"), S("p"), S("Z_c"), S("z_c"), S("L"), \
    S("m_mu"), S("alpha")
usig = sp.MatrixSymbol("usigma", 5, 1)
uJ, uh = sp.MatrixSymbol("J", 5, 5), sp.MatrixSymbol("h", 5, 1)
Lf, HN, gZ, pZ, phi_i = F("L"), F("H_N"), F("g_Z"), F("p_Z"), F("varphi_i")
CH1 = Notation({"y": y, "U": U, "U^*": Ustar, "x_i": S("x_i"), r"\sigma_i": sig[I_],
                r"\sigma_j": sig[j_], r"\xi_i": xi[I_], r"\xi_j": xi[j_], "N": N_, "p": p_,
                "x": x, "z": zc, "Z": Zc, "u": S("u", **R), "i": I_, "j": j_, "n": n_, "K": K_,
                r"\underline{\sigma}": usig, r"\xi_i^\mu": xi[I_, mu_], r"\mu": mu_,
                r"\tilde{\sigma}_i": tsig[I_], r"m_\mu": m_mu, r"\alpha": alpha,
                r"J_{ij}": J[I_, j_], r"h_i": h[I_], "J": S("J_s"),
                r"J_{ij}^{(t+1)}": S("J_next"), r"J_{ij}^{(t)}": S("J_now"),
                r"\varphi_i^{(t)}": S("varphi_t"), r"\underline{\sigma}^{(t)}": S("usigma_t"),
                r"\sigma_j^{(t)}": st[j_]},
               {r"\Theta": sp.Heaviside, "L": Lf, "H_N": HN, "g_Z": gZ, "p_Z": pZ,
                r"\varphi_i": phi_i}, indices={"i": (1, N_), "j": (1, N_)})
CH1_MAT = Notation({"L": L, r"\underline{\sigma}": usig, "J": uJ, r"\underline{h}": uh})

# ------------------------------------------------------------------ Kempe (chapter 3)
X0, Y0, E0 = sp.MatrixSymbol("X_0", 7, 3), sp.MatrixSymbol("Y_0", 7, 1), \
    sp.MatrixSymbol("E_0", 7, 1)
what, w0, wi, w2 = (sp.MatrixSymbol(v, 3, 1) for v in ("what", "w_0", "what_i", "what_2"))
xv, yv = sp.MatrixSymbol("x", 3, 1), sp.MatrixSymbol("y", 1, 1)
Etest, Etot, k_s, Tn, C1 = S("E_test"), S("E_tot"), S("k", **P), S("T", **P), S("C_cap")
cexp, T0, nn = S("c", **P), S("T_0", **P), S("n", **P)
CH3 = Notation({"E_{test}": Etest, "E_{tot}": Etot, r"\hat{w}": what, "w_0": w0, "X_0": X0,
                "Y_0": Y0, "E_0": E0, r"\sigma": sigma, "d": d, "T": Tn, "k": k_s,
                r"\beta": beta, "c": cexp, "C": C1, "x": xv, "y": yv, r"\epsilon": eps,
                r"E_{test}^{(i)}": S("E_i"), r"\hat{w}_i": wi, r"E_{test}^{(n)}": S("E_n"),
                "T_0": T0, "n": nn})

# ------------------------------------------------------------------ LeCun (chapter 5)
w, yI, yhat = sp.IndexedBase("w"), sp.IndexedBase("y"), sp.IndexedBase("yhat")
lam, zI, Wk = sp.IndexedBase("lambda"), sp.IndexedBase("z"), sp.IndexedBase("W")
pf, ff, Ef, Ff, Cf, Lf5, fk = F("p"), F("f"), F("E"), F("F"), F("C"), F("L"), F("f")
CH5 = Notation({"x": x, "y": y, "z": z, r"\beta": beta, "Z": Z, "w": S("w"), r"\lambda": S("l"),
                "i": I_, "j": j_, "k": k_, "T": T, r"w_{ij}": w[I_, j_], r"y_i": yI[I_],
                r"y_j": yI[j_], r"\hat{y}_i": yhat[I_], r"\hat{y}_j": yhat[j_],
                r"\epsilon": eps, r"\lambda_k": lam[k_], r"z_k": zI[k_], r"z_{k+1}": zI[k_ + 1],
                "z_T": zI[T], "W_k": Wk[k_]},
               {"p": pf, "f": ff, "F": Ff, "C": Cf, "L": Lf5},
               indices={"i": (1, n_), "j": (1, n_)}, families={"f": fk})

# ------------------------------------------------------------------ Mallat (chapter 6)
dm = 4
Cm, xs, xh = sp.MatrixSymbol("C", dm, dm), sp.MatrixSymbol("x_sigma", dm, 1), \
    sp.MatrixSymbol("xhat_sigma", dm, 1)
Hm = sp.MatrixSymbol("H", dm, dm)
xhat_f, p6, psel, g_s, U_t, Uth, pth = F("xhat"), F("p"), F("p_sigma"), F("g_sigma"), \
    F("U_t"), F("U_theta"), F("p_theta")
ell, Phi, vth, psi_f, pj, pjm1, pbar, Ubar = F("ell"), F("Phi"), F("v_theta"), F("psi"), \
    F("p_j"), F("p_jm1"), F("pbar_j"), F("Ubar_j")
xt = F("x")
xs_s, xj, xbj, Zbar, Z_th = S("x_sigma", **R), S("x_j", **R), S("xbar_j", **R), S("Zbar_j", **P), \
    S("Z_theta", **P)
psiI, hI = sp.IndexedBase("psi"), sp.IndexedBase("h")
Delta_op = F("Delta")
CH6 = Notation({"x": x, "y_t": S("y_t", **R), "x_0": S("x_0", **R), "x_t": xt(t_), "y": y,
                "z": z, "t": t_, r"\kappa": kappa, r"\sigma": sigma, r"x_\sigma": xs_s,
                r"\theta": theta, "Z": Z, r"Z_\theta": Z_th, r"\theta^*": S("theta_star"),
                r"x_{t+\epsilon}": xt(t_ + eps), r"\epsilon": eps, "k": k_, "d": d,
                r"\psi_k": psiI[k_], "h_k": hI[k_], r"\epsilon_m": S("epsilon_m", **P),
                r"\epsilon_b": S("epsilon_b", **P), "I_M": S("I_M"), "x_M": S("x_M"),
                "x_j": xj, r"\bar{x}_j": xbj,
                r"\bar{Z}_j": Zbar, r"\beta": beta, "n": S("n", **R),
                "i": sp.I, "a": a, "T": T, r"\lambda_k": S("lambda_k", **R)},
               {r"\hat{x}": xhat_f, "p": p6, r"p_\sigma": psel, r"g_\sigma": g_s, "U_t": U_t,
                r"U_\theta": Uth, r"p_\theta": pth, r"\ell": ell, r"\Phi": Phi,
                r"v_\theta": vth, "p_j": pj, "p_{j-1}": pjm1,
                r"\bar{p}_j": pbar, r"\bar{U}_j": Ubar, "p_0": F("p_0"), "U": F("U"),
                "p_{data}": F("p_data"), "p_G": F("p_G"), "p_x": F("p_x"), "p_z": F("p_z"),
                r"T_\theta": F("T_theta"), r"\mathcal{J}_T": F("J_T"), r"S_\theta": F("S"),
                r"t_\theta": F("t_theta"), r"\text{sth}_T": F("sth_T")},
               indices={"k": (1, d)}, domains={"x": (-sp.oo, sp.oo)})
CH6_XHAT = CH6.merge(Notation({r"\hat{x}": S("xhat", **R)}))
CH6_MAT = Notation({"C": Cm, r"x_\sigma": xs, r"\hat{x}_\sigma": xh, r"\sigma": sigma,
                    r"\mathbb{I}": sp.Identity(dm), "H": Hm, "v_t": S("v_t"), "p_t": S("p_t"),
                    "t": t_}, {r"\hat{x}": xhat_f})

# ------------------------------------------------------------------ Mézard (chapter 7)
s_f, sg_f, z_f, eta, Ff7, Vf, Zf = F("s"), F("sigma"), F("z"), F("eta"), F("F"), F("V"), F("Z")
tau, dlt = S("tau", **R), S("delta", **P)
W7, x7, b7 = sp.MatrixSymbol("W", 3, 3), sp.MatrixSymbol("x", 3, 1), sp.MatrixSymbol("b", 3, 1)
Sig7, G7 = sp.MatrixSymbol("Sigma", 3, 3), sp.MatrixSymbol("G", 3, 3)
CH7 = Notation({"x": x, "t": t_, "a": a, r"\tau": tau, r"\delta": dlt,
                r"\Delta_t": Delta_t, "C": C0, r"\varphi": S("varphi"),
                "x_t": S("x_t", **R), "d": d, "x'": S("xp", **R), "z_t": S("z_t", **R)},
               {"s": s_f, r"\sigma": sg_f, r"\eta": eta, "F": Ff7, "V": Vf,
                "p_0": F("p_0"), "p_t": F("p_t"), "g": F("g"), "f": F("f"),
                r"p_{\text{stationary}}": F("p_st"), "p_{st}": F("p_st2")},
               operators={r"\Delta": "laplacian"})
CH7_Z = CH7.merge(Notation({"Z": Z, "z": z, "p": S("p", **P)}))
CH7_ZF = CH7.merge(Notation({"z": z}, {"Z": Zf, "p": F("p")}))
CH7_T = Notation({"t": t_, "a": a, r"\Delta_t": Delta_t},
                 {"x": xt, "s": s_f, r"\sigma": sg_f, "z": z_f, r"\eta": eta, "F": Ff7,
                  "f": F("f"), "g": F("g")})
CH7_MAT = Notation({"W": W7, "x": x7, "b": b7, r"\Sigma": Sig7, "G": G7, "d": d, "a": a},
                   {r"\varphi_\theta": F("varphi_theta")})
CH7_MAT = CH7_MAT.merge(Notation({"t": t_}))
CH7_DRIFT = Notation({"t": t_, r"\Delta_t": Delta_t, "x": x, "a": a}).merge(
    Notation({}, {r"\varphi": F("varphi")}))

# ------------------------------------------------------------------ Murugan (chapter 8)
xfam, Jt = F("x"), F("J_ij")
CH8 = Notation({"t": t_, "j": j_, "i": I_, r"J_{ij}": Jt(t_), "N": N_},
               {r"h_i^{\text{ext}}": F("h_ext_i")}, indices={"j": (1, N_)},
               families={"x": xfam})
CH8_J = Notation({r"J_{ij}": Jt(t_), "t": t_, "i": I_, "j": j_}, families={"x": xfam})


def SumN(body, var, lo=1, hi=N_):
    return sp.Sum(body, (var, lo, hi))


gauss = lambda v, m, s2: sp.exp(-(v - m) ** 2 / (2 * s2)) / sp.sqrt(2 * sp.pi * s2)  # noqa: E731
EQUATIONS = [
    ("1.2.1", r"y = \Theta(U - U^*), \quad \text{s.t. } U = \sum_i J_i x_i", CH1,
     [y, sp.Heaviside(U - Ustar)], ["="]),
    ("1.2.3", r"x_i = \frac{1}{2}(1 + \sigma_i)", CH1, [S("x_i"), (1 + sig[I_]) / 2], ["="]),
    ("1.2.5", r"\mathbb{P}(x = 1) = 1 - \mathbb{P}(x = -1) = \frac{1+p}{2}", CH1,
     [op.Probability(sp.Eq(x, 1)), 1 - op.Probability(sp.Eq(x, -1)), (1 + p_) / 2],
     ["=", "="]),
    ("1.2.6", r"g_Z(z) \equiv \int_{-\infty}^z p_Z(u) du = \mathbb{P}[Z < z]", CH1,
     [gZ(zc), sp.Integral(pZ(S("u", **R)), (S("u", **R), -sp.oo, zc)),
      op.Probability(sp.Lt(Zc, zc))], ["equiv", "="]),
    ("1.2.7", r"L = -\frac{1}{2} \underline{\sigma}^T J \underline{\sigma} - \underline{h}^T "
              r"\underline{\sigma}", CH1_MAT,
     [L, -sp.Rational(1, 2) * usig.T * uJ * usig - uh.T * usig], ["="]),
    ("1.2.9", r"J_{ij}^{(t+1)} \leftarrow J_{ij}^{(t)} + \frac{1}{N} \xi_i \xi_j", CH1,
     [S("J_next"), S("J_now") + xi[I_] * xi[j_] / N_], ["<-"]),
    ("1.2.10", r"L(\underline{\sigma}) = \frac{1}{2N} \sum_{ij} \sigma_i \sigma_j \xi_i \xi_j",
     CH1, [Lf(usig), SumN(SumN(sig[I_] * sig[j_] * xi[I_] * xi[j_], j_), I_) / (2 * N_)],
     ["="]),
    ("1.2.12", r"m_\mu \equiv \frac{1}{N} \sum_i \tilde{\sigma}_i = \frac{1}{N} \sum_i \sigma_i "
               r"\xi_i^\mu \in [-1, +1]", CH1,
     [m_mu, SumN(tsig[I_], I_) / N_, SumN(sig[I_] * xi[I_, mu_], I_) / N_, sp.Interval(-1, 1)],
     ["equiv", "=", "in"]),
    ("1.3.2", r"\varphi_i^{(t)} \equiv \varphi_i(\underline{\sigma}^{(t)}) = \sum_j J_{ij} "
              r"\sigma_j^{(t)}", CH1,
     [S("varphi_t"), phi_i(S("usigma_t")), SumN(J[I_, j_] * st[j_], j_)], ["equiv", "="]),
    ("1.3.5", r"\alpha \equiv \lim_{n \rightarrow \infty} \frac{K}{N}", CH1,
     [alpha, sp.Limit(K_ / N_, n_, sp.oo)], ["equiv"]),
    ("1.3.6", r"H_N(\underline{\sigma}; J) = -\frac{1}{N} \sum_{i < j} J_{ij} \sigma_i \sigma_j "
              r"- \sum_i h_i \sigma_i", CH1,
     [HN(usig, S("J_s")), -op.SumOver(J[I_, j_] * sig[I_] * sig[j_], sp.Lt(I_, j_)) / N_
      - SumN(h[I_] * sig[I_], I_)], ["="]),
    ("3.0.8", r"E_{test} \asymp k^{-\beta c} + T^{-c} \asymp T^C", CH3,
     [Etest, k_s ** (-beta * cexp) + Tn ** -cexp, Tn ** C1], ["asymp", "asymp"]),
    ("3.0.9", r"E_{test} \asymp k^{-\beta c} + T^{-C} \asymp k^{-\beta c}", CH3,
     [Etest, k_s ** (-beta * cexp) + Tn ** -C1, k_s ** (-beta * cexp)], ["asymp", "asymp"]),
    ("3.0.10", r"E_{test} = \mathbb{E}_{x, \epsilon} \|x^T \hat{w} - y\|^2 - \sigma^2", CH3,
     [Etest, op.Expectation(op.Norm(xv.T * what - yv) ** 2, xv, eps) - sigma ** 2], ["="]),
    ("3.0.11", r"\hat{w} = (X_0^T X_0)^{-1} X_0^T Y_0", CH3,
     [what, (X0.T * X0).I * X0.T * Y0], ["="]),
    ("3.0.12", r"= (X_0^T X_0)^{-1} X_0^T (X_0 w_0 + E_0) \quad Y_0 = X_0 w_0 + E_0 "
               r"\text{ (Original fit)}", CH3, [(X0.T * X0).I * X0.T * (X0 * w0 + E0)], []),
    ("3.0.13", r"= w_0 + X_0^T E_0", CH3, [w0 + X0.T * E0], []),
    ("3.0.14", r"E_{tot} = \|(\hat{w} - w_0)\|^2", CH3, [Etot, op.Norm(what - w0) ** 2], ["="]),
    ("3.0.15", r"= \mathbb{E}_\epsilon \|X_0^T E_0\|^2", CH3,
     [op.Expectation(op.Norm(X0.T * E0) ** 2, eps)], []),
    ("3.0.16", r"= \sigma^2 \mathbb{E} \text{Tr}(X_0 (X_0^T X_0)^{-2} X_0^T)", CH3,
     [sigma ** 2 * op.Expectation(sp.Trace(X0 * (X0.T * X0) ** -2 * X0.T))], []),
    ("3.0.17", r"= \sigma^2 \mathbb{E} \text{Tr}(X_0^T X_0)^{-1}", CH3,    # (Tr A)^{-1}: as printed
     [sigma ** 2 * op.Expectation(sp.Trace(X0.T * X0) ** -1)], []),
    ("3.0.18", r"= \sigma^2 \frac{d}{T - d - 1} \sim \frac{\sigma^2 d}{T}", CH3,
     [sigma ** 2 * d / (Tn - d - 1), sigma ** 2 * d / Tn], ["sim"]),
    ("3.0.19", r"E_{test}^{(i)} = \|\hat{w}_i - w_0\|_2", CH3, [S("E_i"), op.Norm(wi - w0)],
     ["="]),
    ("3.0.22", r"\asymp \frac{d\epsilon^2}{T} + \frac{d\epsilon^2}{T_0}", CH3,
     [d * eps ** 2 / Tn + d * eps ** 2 / T0], []),
    ("3.0.23", r"E_{test}^{(n)} = \frac{d\epsilon^2}{T} + \frac{nd\epsilon^2}{T_0}", CH3,
     [S("E_n"), d * eps ** 2 / Tn + nn * d * eps ** 2 / T0], ["="]),
    ("5.1.3", r"p(y|x) = \frac{e^{-\beta f(x,y)}}{Z}", CH5,
     [pf(y, op.Given(x)), sp.exp(-beta * ff(x, y)) / Z], ["="]),
    ("5.1.4", r"E(y) = - \sum_{ij} w_{ij} y_i y_j", CH5.merge(Notation({}, {"E": Ef})),
     [Ef(y), -sp.Sum(sp.Sum(w[I_, j_] * yI[I_] * yI[j_], (j_, 1, n_)), (I_, 1, n_))], ["="]),
    ("5.1.5", r"\frac{\partial E}{\partial w_{ij}} = -y_i y_j", CH5.merge(Notation({"E": S("E")})),
     [sp.Derivative(S("E"), w[I_, j_]), -yI[I_] * yI[j_]], ["="]),
    ("5.1.6", r"\therefore w_{ij} \leftarrow w_{ij} + \epsilon(y_i y_j) \quad \text{Backprop Step}",
     CH5, [w[I_, j_], w[I_, j_] + eps * yI[I_] * yI[j_]], ["<-"]),
    ("5.1.7", r"w_{ij} \leftarrow w_{ij} + \epsilon(y_i y_j - \hat{y}_i \hat{y}_j)", CH5,
     [w[I_, j_], w[I_, j_] + eps * (yI[I_] * yI[j_] - yhat[I_] * yhat[j_])], ["<-"]),
    ("5.2.2", r"F(y) = \min_z E(y, z)", CH5.merge(Notation({}, {"E": Ef})),
     [Ff(y), op.MinOver(Ef(y, z), z)], ["="]),
    ("5.2.5", r"L(z, w, \lambda, y) = C(y, z_T) + \sum_{k=0}^T \lambda_k (z_{k+1} - f_k(z_k; W_k))",
     CH5, [Lf5(z, S("w"), S("l"), y),
           Cf(y, zI[T]) + sp.Sum(lam[k_] * (zI[k_ + 1] - fk(k_, zI[k_], Wk[k_])), (k_, 0, T))],
     ["="]),
    ("5.2.6", r"\frac{\partial L}{\partial \lambda_k} = 0 \implies z_{k+1} = f_k(z_k; W_k)",
     CH5.merge(Notation({"L": S("L")})),
     [sp.Derivative(S("L"), lam[k_]), 0, zI[k_ + 1], fk(k_, zI[k_], Wk[k_])],
     ["=", "implies", "="]),
    ("6.2.1", r"p_\theta(x) = \frac{e^{-U_\theta(x)}}{Z_\theta}, \quad \text{s.t. } Z_\theta = "
              r"\int dx e^{-U_\theta(x)}", CH6,
     [pth(x), sp.exp(-Uth(x)) / Z_th], ["="]),
    ("6.2.3", r"U_\theta(x) = \langle \theta, \Phi(x) \rangle", CH6,
     [Uth(x), op.Inner(theta, Phi(x))], ["="]),
    ("6.2.5", r"\theta^* = \operatorname{argmin}_\theta \ell(\theta)", CH6,
     [S("theta_star"), op.ArgMin(ell(theta), theta)], ["="]),
    ("6.2.6", r"\nabla_\theta \ell(\theta) = \mathbb{E}_{x \sim p} [\nabla_\theta U(x)] + "
              r"\log Z_\theta", CH6,
     [sp.Derivative(ell(theta), theta),
      op.Expectation(sp.Derivative(F("U")(x), theta), op.Distributed(x, S("p")))
      + sp.log(Z_th)], ["="]),
    ("6.2.11", r"= \frac{p_{data}(x)}{p_{data}(x) + p_G(x)}", CH6,
     [F("p_data")(x) / (F("p_data")(x) + F("p_G")(x))], []),
    ("6.2.14", r"p_x(x) = p_z(T_\theta(x)) \det \mathcal{J}_T(x)", CH6,
     [F("p_x")(x), F("p_z")(F("T_theta")(x)) * op.Det(F("J_T")(x))], ["="]),
    ("6.2.16", r"T_\theta(x) = (x_0, e^{S_\theta(x_0)} \odot x_1 + t_\theta(x_0))",
     CH6.merge(Notation({"x_1": S("x_1")})),
     [F("T_theta")(x), sp.Tuple(S("x_0", **R), sp.exp(F("S")(S("x_0", **R))) * S("x_1")
                                + F("t_theta")(S("x_0", **R)))], ["="]),
    ("6.2.20", r"\frac{dx_t}{dt} = v_\theta(x_t, t) \quad (\text{Continuous})", CH6,
     [sp.Derivative(xt(t_), t_), vth(xt(t_), t_)], ["="]),
    ("6.2.21", r"x_{t+\epsilon} = x_t + \epsilon v_\theta(x_t, t) \quad (\text{Naive Discretization})",
     CH6, [xt(t_ + eps), xt(t_) + eps * vth(xt(t_), t_)], ["="]),
    ("6.2.22", r"\frac{\partial p_t}{\partial t} = -\nabla \cdot (v_t p_t)", CH6_MAT,
     [sp.Derivative(S("p_t"), t_), -op.Divergence(S("v_t") * S("p_t"))], ["="]),
    ("6.3.3", r"y_t = e^{\kappa t} x_t", CH6, [S("y_t", **R), sp.exp(kappa * t_) * xt(t_)], ["="]),
    ("6.3.5", r"x_t = e^{-\kappa t} x_0 + \sigma \sqrt{\frac{1 - e^{-2\kappa t}}{2\kappa}} z",
     CH6, [xt(t_), sp.exp(-kappa * t_) * S("x_0", **R)
           + sigma * sp.sqrt((1 - sp.exp(-2 * kappa * t_)) / (2 * kappa)) * z], ["="]),
    ("6.3.12", r"x_t = e^{-t} x + \sqrt{1 - e^{-2t}} z", CH6,
     [xt(t_), sp.exp(-t_) * x + sp.sqrt(1 - sp.exp(-2 * t_)) * z], ["="]),
    ("6.3.13", r"y_t = x + \sqrt{e^{2t} - 1} z", CH6,
     [S("y_t", **R), x + sp.sqrt(sp.exp(2 * t_) - 1) * z], ["="]),
    ("6.3.14", r"\mathbb{E}_{x,z}[|\hat{x}(y_t) - x|^2]", CH6,
     [op.Expectation(sp.Abs(xhat_f(S("y_t", **R)) - x) ** 2, x, z)], []),
    ("6.3.16", r"\hat{x}(x_\sigma) = \mathbb{E}[x|x_\sigma] = x_\sigma + \sigma^2 \nabla_{x_\sigma}"
               r" \log p_\sigma(x_\sigma)", CH6,
     [xhat_f(xs_s), op.Expectation(x, op.Given(xs_s)),
      xs_s + sigma ** 2 * sp.Derivative(sp.log(psel(xs_s)), xs_s)], ["=", "="]),
    ("6.3.17", r"p_\sigma(x_\sigma) = \int p(x_\sigma|x)p(x)dx", CH6,
     [psel(xs_s), sp.Integral(p6(xs_s, op.Given(x)) * p6(x), (x, -sp.oo, sp.oo))], ["="]),
    ("6.3.19", r"= \frac{1}{\sigma^2} \int (x_\sigma - x)g_\sigma(x_\sigma - x)p(x)dx", CH6,
     [sp.Integral((xs_s - x) * g_s(xs_s - x) * p6(x), (x, -sp.oo, sp.oo)) / sigma ** 2], []),
    ("6.3.21", r"= -x_\sigma + \hat{x}(x_\sigma)", CH6, [-xs_s + xhat_f(xs_s)], []),
    ("6.3.22", r"\hat{x}(\sigma) = [\mathbb{I} - (C + \sigma^2 \mathbb{I})^{-1}\sigma]x_\sigma",
     CH6_MAT, [xhat_f(sigma), (sp.Identity(dm) - (Cm + sigma ** 2 * sp.Identity(dm)).I * sigma)
               * xs], ["="]),
    ("6.3.23", r"= (C + \sigma^2 \mathbb{I})^{-1}(C + \sigma^2 \mathbb{I} - \sigma^2 \mathbb{I})"
               r"\hat{x}_\sigma", CH6_MAT, [(Cm + sigma ** 2 * sp.Identity(dm)).I * Cm * xh], []),
    ("6.3.24", r"= (C + \sigma^2 \mathbb{I})^{-1}Cx_\sigma", CH6_MAT,
     [(Cm + sigma ** 2 * sp.Identity(dm)).I * Cm * xs], []),
    ("6.3.28", r"\hat{x} = \sum_k h_k \langle x_{\sigma}, \psi_k \rangle \psi_k", CH6_XHAT,
     [S("xhat", **R), sp.Sum(hI[k_] * op.Inner(xs_s, psiI[k_]) * psiI[k_], (k_, 1, d))], ["="]),
    ("6.3.29", r"\|\hat{x} - x\|^2 = \sum_k |\langle \hat{x}, \psi_k \rangle - \langle x, \psi_k "
               r"\rangle|^2", CH6_XHAT,
     [op.Norm(S("xhat", **R) - x) ** 2, sp.Sum(sp.Abs(op.Inner(S("xhat", **R), psiI[k_])
                                                     - op.Inner(x, psiI[k_])) ** 2, (k_, 1, d))],
     ["="]),
    ("6.4.1", r"H = (C + \sigma^2 \mathbb{I})^{-1} C", CH6_MAT,
     [Hm, (Cm + sigma ** 2 * sp.Identity(dm)).I * Cm], ["="]),
    ("6.4.2", r"\frac{\beta k}{\beta k + \sigma^2} \in [0, 1]", CH6,
     [beta * k_ / (beta * k_ + sigma ** 2), sp.Interval(0, 1)], ["in"]),
    ("6.4.3", r"\psi_k(n) = \frac{1}{\sqrt{d}} e^{i2\pi nk/d}",
     CH6.merge(Notation({}, {r"\psi_k": psi_f})),
     [psi_f(S("n", **R)), sp.exp(2 * sp.pi * sp.I * S("n", **R) * k_ / d) / sp.sqrt(d)], ["="]),
    ("6.4.9", r"\therefore \epsilon = \sum_k \frac{\sigma^2 |\langle x, \psi_k \rangle|^2}"
              r"{|\langle x, \psi_k \rangle|^2 + \sigma^2}", CH6,
     [eps, sp.Sum(sigma ** 2 * sp.Abs(op.Inner(x, psiI[k_])) ** 2
                  / (sp.Abs(op.Inner(x, psiI[k_])) ** 2 + sigma ** 2), (k_, 1, d))], ["="]),
    ("6.4.10", r"\lambda_k = \begin{cases} 1 & |\langle x, \psi_k \rangle| \geq \sigma \\ 0 & "
               r"|\langle x, \psi_k \rangle| < \sigma \end{cases}", CH6,
     [S("lambda_k", **R), sp.Piecewise((1, sp.Abs(op.Inner(x, psiI[k_])) >= sigma),
                                       (0, sp.Abs(op.Inner(x, psiI[k_])) < sigma))], ["="]),
    ("6.4.12", r"\epsilon_m \leq \epsilon^2 \leq 2\epsilon_m", CH6,
     [S("epsilon_m", **P), eps ** 2, 2 * S("epsilon_m", **P)], ["<=", "<="]),
    ("6.4.14", r"\text{sth}_T(a) = \begin{cases} a - \text{sign}(a)T & |a| > T \\ 0 & |a| < T "
               r"\end{cases}", CH6,
     [F("sth_T")(a), sp.Piecewise((a - sp.sign(a) * T, sp.Abs(a) > T), (0, sp.Abs(a) < T))],
     ["="]),
    ("6.4.15", r"\epsilon_m \leq \epsilon \leq (2\log d + 1)[\epsilon_m + \sigma^2]", CH6,
     [S("epsilon_m", **P), eps, (2 * sp.log(d) + 1) * (S("epsilon_m", **P) + sigma ** 2)],
     ["<=", "<="]),
    ("6.4.16", r"\epsilon_m \sim \epsilon_b = \sum_k \min(|\langle x, \psi_k \rangle|^2, \sigma^2)",
     CH6, [S("epsilon_m", **P), S("epsilon_b", **P),
           sp.Sum(sp.Min(sp.Abs(op.Inner(x, psiI[k_])) ** 2, sigma ** 2), (k_, 1, d))],
     ["sim", "="]),
    ("6.4.18", r"x = \sum_{k=1}^d \langle x, \psi_k \rangle \psi_k", CH6,
     [x, sp.Sum(op.Inner(x, psiI[k_]) * psiI[k_], (k_, 1, d))], ["="]),
    ("6.4.19", r"x_M = \sum_{k \in I_M} \langle x, \psi_k \rangle \psi_k", CH6,
     [S("x_M"), op.SumOver(op.Inner(x, psiI[k_]) * psiI[k_], op.Element(k_, S("I_M")))], ["="]),
    ("6.6.1", r"p_t(x) = \frac{e^{-U_t(x)}}{Z}", CH6.merge(Notation({}, {"p_t": F("p_t")})),
     [F("p_t")(x), sp.exp(-U_t(x)) / Z], ["="]),
    ("6.6.2", r"\int p_{j-1}(x_j, \bar{x}_j) d\bar{x}_j = p_j(x_j)", CH6,
     [op.IntegralOver(pjm1(xj, xbj), xbj), pj(xj)], ["="]),     # no domain for x̄_j: unevaluated
    ("6.6.5", r"\bar{p}_j(\bar{x}_j | x_j) = \frac{e^{-\bar{U}_j(\bar{x}_j, x_j)}}{\bar{Z}_j}", CH6,
     [pbar(xbj, op.Given(xj)), sp.exp(-Ubar(xbj, xj)) / Zbar], ["="]),
    ("6.6.9", r"p_0(x) = \frac{e^{-U}}{Z}", CH6.merge(Notation({"U": S("U")})),
     [F("p_0")(x), sp.exp(-S("U")) / Z], ["="]),
    ("6.6.10", r"\ell(\theta) = \text{KL}(p|p_\theta)", CH6,
     [ell(theta), op.KL(S("p"), S(r"p_{\theta}"))], ["="]),
    ("7.2.1", r"\frac{dx}{dt} = F(x) + \eta(t)", CH7_T.merge(Notation({"x": xt(t_)})),
     [sp.Derivative(xt(t_), t_), Ff7(xt(t_)) + eta(t_)], ["="]),
    ("7.2.3", r"x(t + \delta t) = x(t) + \delta t F(x(t)) + \int_t^{t+\delta t} d\tau \eta(\tau)",
     CH7_T.merge(Notation({r"\tau": tau, r"\delta": dlt})),
     [xt(t_ + dlt * t_), xt(t_) + dlt * t_ * Ff7(xt(t_))
      + sp.Integral(eta(tau), (tau, t_, t_ + dlt * t_))], ["="]),
    ("7.2.8", r"p_{\text{stationary}}(x') = \frac{1}{Z} e^{-V(x)}", CH7_Z,
     [F("p_st")(S("xp", **R)), sp.exp(-Vf(x)) / Z], ["="]),
    ("7.2.10", r"p_{st}(x) = e^{-|x|^2/2}", CH7, [F("p_st2")(x), sp.exp(-sp.Abs(x) ** 2 / 2)],
     ["="]),
    ("7.2.11", r"x(t) = ae^{-t} + \int_0^t e^{-(t-\tau)} \eta(\tau) d\tau",
     CH7_T.merge(Notation({r"\tau": tau})),
     [xt(t_), a * sp.exp(-t_) + sp.Integral(sp.exp(-(t_ - tau)) * eta(tau), (tau, 0, t_))],
     ["="]),
    ("7.2.12", r"\frac{dx}{dt} = f(t)x(t) + g(t)\eta(t)", CH7_T,
     # x names a function and is written bare in dx/dt: the function itself, as an object
     [sp.Derivative(S("x"), t_), F("f")(t_) * xt(t_) + F("g")(t_) * eta(t_)], ["="]),
    ("7.2.13", r"x(t) = as(t) + s(t)\sigma(t)z(t)", CH7_T,
     [xt(t_), a * s_f(t_) + s_f(t_) * sg_f(t_) * z_f(t_)], ["="]),
    ("7.3.3", r"p_t(a, x) = p_0(a)\mathcal{N}(x_t; ae^{-t}, \Delta_t)", CH7,
     [F("p_t")(a, x), F("p_0")(a) * op.GaussianDensity(S("x_t", **R), a * sp.exp(-t_), Delta_t)],
     ["="]),
    ("7.3.10", r"\log p = -\frac{x^2}{2} + C", CH7_Z, [sp.log(S("p", **P)), -x ** 2 / 2 + C0], ["="]),
    ("7.3.13", r"\varphi = \nabla_x \log p_t(x) = \frac{1}{p_t(x)} \int da p_0(a) \frac{-(x-ae^{-t})}"
               r"{\Delta_t} \frac{e^{-(x-ae^{-t})^2/(2\Delta_t)}}{\sqrt{2\pi\Delta_t}}", CH7,
     [S("varphi"), sp.Derivative(sp.log(F("p_t")(x)), x),
      op.IntegralOver(F("p_0")(a) * (-(x - a * sp.exp(-t_)) / Delta_t)
                      * gauss(x, a * sp.exp(-t_), Delta_t), a) / F("p_t")(x)], ["=", "="]),
    ("7.3.14", r"= -\frac{x}{\Delta_t} + \frac{e^{-t}}{\Delta_t} \langle a \rangle_{x,t}", CH7,
     [-x / Delta_t + sp.exp(-t_) / Delta_t * op.Average(a, x, t_)], []),
    ("7.3.19", r"x = ae^{-t} + z\sqrt{\Delta_t} \implies \frac{x - ae^{-t}}{\Delta_t} = "
               r"\frac{z}{\sqrt{\Delta_t}}", CH7_Z,
     [x, a * sp.exp(-t_) + z * sp.sqrt(Delta_t), (x - a * sp.exp(-t_)) / Delta_t,
      z / sp.sqrt(Delta_t)], ["=", "implies", "="]),
    ("7.3.21", r"p(a|x, t) = \frac{1}{Z(x)} p_0(a) e^{-(x - ae^{-t})^2/2\Delta_t}", CH7_ZF,
     [F("p")(a, op.Given(x, t_)),
      F("p_0")(a) * sp.exp(-(x - a * sp.exp(-t_)) ** 2 / (2 * Delta_t)) / Zf(x)], ["="]),
    ("7.3.28", r"p_t(x) = p_0(a) \frac{e^{-(x-as(t))^2/2s(t)^2\sigma(t)^2}}{\sqrt{2\pi s(t)"
               r"\sigma(t)}}", CH7,
     [F("p_t")(x), F("p_0")(a) * sp.exp(-(x - a * s_f(t_)) ** 2 / (2 * s_f(t_) ** 2
                                                                    * sg_f(t_) ** 2))
      / sp.sqrt(2 * sp.pi * s_f(t_) * sg_f(t_))], ["="]),
    ("7.3.20", r"p_0(a) = \frac{e^{-E(a)}}{Z}, \quad \varphi(x, t) = \frac{1}{\Delta_t} (-x + "
               r"e^{-t} \langle a \rangle_{x,t})", CH7_Z.merge(Notation({}, {"E": F("E")})),
     [F("p_0")(a), sp.exp(-F("E")(a)) / Z], ["="]),
    ("7.4.4", r"\varphi_\theta(x, t) = -Wx - b", CH7_MAT,
     [F("varphi_theta")(x7, t_), -W7 * x7 - b7], ["="]),
    ("7.4.9", r"H = \Sigma + \frac{1}{d^{a/2}} G", CH7_MAT.merge(Notation({"H": sp.MatrixSymbol(
        "H", 3, 3)})), [sp.MatrixSymbol("H", 3, 3), Sig7 + d ** (-a / 2) * G7], ["="]),
    ("8.1.1", r"x_i(t+1) = \text{sign} \left( \sum_j J_{ij} x_j(t) + h_i^{\text{ext}}(t) \right)",
     CH8.merge(Notation({r"J_{ij}": S("J_ij")})),
     [xfam(I_, t_ + 1), sp.sign(sp.Sum(S("J_ij") * xfam(j_, t_), (j_, 1, N_))
                                + F("h_ext_i")(t_))], ["="]),
    ("8.1.2", r"\frac{dJ_{ij}}{dt} = x_i(t)x_j(t)", CH8_J,
     [sp.Derivative(Jt(t_), t_), xfam(I_, t_) * xfam(j_, t_)], ["="]),
]


def read(latex: str, notation):
    """A display as the reader reads it: a leading relation continues the previous display."""
    relation, skip = _leading_relation(latex)
    return parse_latex(latex[skip:] if relation else latex, notation)


def test_the_table_is_large_and_its_labels_distinct():
    labels = [row[0] for row in EQUATIONS]
    assert len(labels) >= 60 and len(set(labels)) == len(labels)


@pytest.mark.parametrize("label,latex,notation,expected,relations", EQUATIONS,
                         ids=[row[0] for row in EQUATIONS])
def test_notes_equation_means_what_it_prints(label, latex, notation, expected, relations):
    chain = read(latex, notation)
    assert len(chain.terms) == len(expected), f"({label}) terms: {chain.terms}"
    for got, want in zip(chain.terms, expected):
        assert_same_meaning(got, want, f"({label})")
    if relations is not None:
        assert [r.name for r in chain.relations] == relations
    assert chain.assumed == ()        # strict mode: nothing invented
