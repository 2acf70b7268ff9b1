"""Seeds and mutations for the fuzz tests: the notes' own display math, damaged."""
from __future__ import annotations

import re
from pathlib import Path

from hypothesis import strategies as st

SEED_NAME = "shared/seeds/000_6ceef446008ec550.txt"
TOKEN = re.compile(r"\\[a-zA-Z]+|\\.|\s+|.", re.S)

# a few displays of the notes, used when the notes file is not next to the repository
FALLBACK = [
    r"y = \Theta(U - U^*), \quad \text{s.t. } U = \sum_i J_i x_i",
    r"\mathbb{P}(x = 1) = 1 - \mathbb{P}(x = -1) = \frac{1+p}{2}",
    r"g_Z(z) \equiv \int_{-\infty}^z p_Z(u) du = \mathbb{P}[Z < z]",
    r"m_\mu \equiv \frac{1}{N} \sum_i \tilde{\sigma}_i = \frac{1}{N} \sum_i \sigma_i \xi_i^\mu \in [-1, +1]",
    r"E_{test} = \mathbb{E}_{x, \epsilon} \|x^T \hat{w} - y\|^2 - \sigma^2",
    r"= (C + \sigma^2 \mathbb{I})^{-1}(C + \sigma^2 \mathbb{I} - \sigma^2 \mathbb{I})\hat{x}_\sigma",
    r"\hat{x}(x_\sigma) = \mathbb{E}[x|x_\sigma] = x_\sigma + \sigma^2 \nabla_{x_\sigma} \log p_\sigma(x_\sigma)",
    r"\|\hat{x} - x\|^2 = \sum_k |\langle \hat{x}, \psi_k \rangle - \langle x, \psi_k \rangle|^2",
    r"\lambda_k = \begin{cases} 1 & |\langle x, \psi_k \rangle| \geq \sigma \\ 0 & |\langle x, \psi_k \rangle| < \sigma \end{cases}",
    r"p(a, x, t) = \frac{e^{-\frac{1}{2} \langle a-m | \Sigma^{-1} | a-m \rangle} e^{-\frac{1}{2\Delta_t} (x-ae^{-t})^2}}{\sqrt{2\pi^d} \sqrt{\det \Sigma}} \frac{1}{\sqrt{2\pi\Delta_t^d}}",
    r"\varphi = \nabla_x \log p_t(x) = \frac{1}{p_t(x)} \int da p_0(a) \frac{-(x-ae^{-t})}{\Delta_t} \frac{e^{-(x-ae^{-t})^2/(2\Delta_t)}}{\sqrt{2\pi\Delta_t}}",
    r"\frac{\partial p_t}{\partial t} = -\nabla \cdot (p_t(x)v_t) - \Delta \left( \frac{1}{2}\sigma^2(x)p_t(x) \right) \iff dx_t = v_t(x_t)dt + \sigma dW_t",
    r"x_{\ell+1}(i, c') = \rho \left( \sum_{c \in \text{Channels}} \sum_{\tau \in \{1,2\}} W(\tau, c, c') x_{\ell}(i - \tau, c) \right) + b",
    r"\min_G \max_D \mathcal{L}(D, G) \iff p_G = p_{data}",
    r"\alpha \equiv \lim_{n \rightarrow \infty} \frac{K}{N}",
]
PIECES = [r"\frac", r"\sqrt", r"\sum", r"\int", r"\prod", r"\left(", r"\right)", r"\left|",
          r"\right|", r"\|", "|", "||", "{", "}", "(", ")", "[", "]", "^", "_", "'", "=", r"\le",
          r"\sim", r"\implies", r"\mathbb{E}", r"\mathcal{N}", r"\text{ a }", r"\hat", r"\langle",
          r"\rangle", ",", ";", "&", r"\\", r"\begin{cases}", r"\end{cases}", r"\cdot", r"\nabla",
          r"\partial", "d", "x", "e", "2", "0", "-", "+", "/", r"\log", r"\exp", r"\det", r"\mid",
          r"\underbrace", r"\quad", "99999", ".", r"\infty", r"\{", r"\}", r"\therefore", "*", " "]


def find_notes(start: Path) -> Path | None:
    """The seed notes, looked for in the parents of ``start``."""
    for parent in start.resolve().parents:
        candidate = parent / SEED_NAME
        if candidate.is_file():
            return candidate
    return None


def seed_displays() -> list[str]:
    notes = find_notes(Path(__file__))
    if notes is None:
        return FALLBACK
    text = notes.read_text(encoding="utf-8")
    found = [re.sub(r"\\quad \(\d+\.\d+\.\d+\)\s*$", "", m.group(1)).strip()
             for m in re.finditer(r"\$\$(.*?)\$\$", text, re.S)]
    return [f for f in found if f] or FALLBACK


SEEDS = seed_displays()


@st.composite
def mutated(draw):
    """A display of the notes with 1–6 character or token edits."""
    text = draw(st.sampled_from(SEEDS))
    for _ in range(draw(st.integers(1, 6))):
        toks = TOKEN.findall(text) or [""]
        kind = draw(st.sampled_from(["del_char", "ins_char", "swap_char", "del_tok", "ins_tok",
                                     "swap_tok", "dup_tok"]))
        i = draw(st.integers(0, max(len(text) - 1, 0)))
        k = draw(st.integers(0, len(toks) - 1))
        if kind == "del_char":
            text = text[:i] + text[i + 1:]
        elif kind == "ins_char":
            text = text[:i] + draw(st.sampled_from("{}()[]|^_\\=+-,;&'.0123456789xyzdeE ")) + text[i:]
        elif kind == "swap_char" and len(text) > 1:
            j = min(i + 1, len(text) - 1)
            text = text[:i] + text[j] + text[i] + text[j + 1:]
        elif kind == "del_tok":
            text = "".join(toks[:k] + toks[k + 1:])
        elif kind == "ins_tok":
            text = "".join(toks[:k] + [draw(st.sampled_from(PIECES))] + toks[k:])
        elif kind == "swap_tok" and len(toks) > 1:
            j = draw(st.integers(0, len(toks) - 1))
            toks[k], toks[j] = toks[j], toks[k]
            text = "".join(toks)
        elif kind == "dup_tok":
            text = "".join(toks[:k + 1] + toks[k:])
    return text


random_latex = st.lists(st.sampled_from(PIECES), max_size=25).map(" ".join) | st.text(
    alphabet="{}()[]|^_\\=+-,;&'.0123456789abdexyzT \n$", max_size=40)
