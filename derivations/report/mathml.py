"""SymPy expressions as MathML Core (what Chromium, Firefox and Safari render natively).

SymPy's presentation printer builds a DOM but writes text nodes unescaped (``x < 3`` comes out
as ``<mo><</mo>``) and uses named entities (``&InvisibleTimes;``, ``&ExponentialE;``).  This
module takes the printer's DOM and serialises it itself: text becomes plain Unicode, escaped,
attributes sorted, so the markup is well-formed in HTML and XML alike and byte-stable.

>>> import sympy as sp
>>> x = sp.Symbol("x")
>>> relation_mathml(x, "<=", sp.exp(x))
'<math display="block"><mrow><mi>x</mi><mo>≤</mo><msup><mi mathvariant="normal">e</mi><mi>x</mi></msup></mrow></math>'
"""
from __future__ import annotations

import html
import re
from typing import Any
from xml.dom.minidom import Element, Node

from sympy.printing.conventions import split_super_sub
from sympy.printing.mathml import MathMLPresentationPrinter
from sympy.printing.precedence import precedence_traditional
from sympy.printing.pretty.pretty_symbology import greek_unicode

RELATION_SYMBOLS = {"=": "=", "<=": "≤", ">=": "≥", "<": "<", ">": ">", "propto": "∝", "∝": "∝",
                    "~": "∼", "approx": "≈"}

# double-struck letters SymPy prints (exponential e, differential d, identity I, zero matrix):
# upright roman letters instead, which every math font has
_UPRIGHT = {"\u2147": "e", "\u2146": "d", "\u2148": "i", "\U0001D540": "I", "\U0001D7D8": "0"}


def _text(data: str) -> str:
    return html.escape(html.unescape(data), quote=False)


def _serialise(node: Node, out: list[str]) -> None:
    if node.nodeType == Node.TEXT_NODE:
        out.append(_text(node.data))
        return
    if node.nodeType != Node.ELEMENT_NODE:
        return
    el: Element = node  # type: ignore[assignment]
    tag = el.tagName
    attrs = dict(el.attributes.items())
    children = list(el.childNodes)
    text = "".join(c.data for c in children if c.nodeType == Node.TEXT_NODE)
    plain = html.unescape(text)
    if tag in ("mi", "mo", "mn") and plain in _UPRIGHT and len(children) == 1:
        # ⅇ, ⅆ, ⅈ: many math fonts lack them; print the upright roman letter
        if tag == "mi":
            attrs["mathvariant"] = "normal"
        out.append(f"<{tag}{_attrs(attrs)}>{_UPRIGHT[plain]}</{tag}>")
        return
    if tag == "mfenced":  # not MathML Core: rewrite as an mrow with explicit fences
        opening, closing = attrs.get("open", "("), attrs.get("close", ")")
        sep = attrs.get("separators", ",")
        out.append(f"<mrow><mo>{_text(opening)}</mo>")
        for i, c in enumerate(children):
            if i:
                out.append(f"<mo>{_text(sep[:1] or ',')}</mo>")
            _serialise(c, out)
        out.append(f"<mo>{_text(closing)}</mo></mrow>")
        return
    if tag in ("mo", "mn") and len(children) == 1 and plain.startswith("-"):
        # a minus sign, not a hyphen
        out.append(f"<{tag}{_attrs(attrs)}>{_text(chr(0x2212) + plain[1:])}</{tag}>")
        return
    out.append(f"<{tag}{_attrs(attrs)}>")
    for c in children:
        _serialise(c, out)
    out.append(f"</{tag}>")


def _attrs(attrs: dict[str, str]) -> str:
    return "".join(f' {k}="{html.escape(v, quote=True)}"' for k, v in sorted(attrs.items()))


# names the catalog writes LaTeX-style (``\tilde{\sigma}_{0}``, ``\xi_{0}^{1}``) or short-hand
_ACCENT = re.compile(r"^\\(tilde|hat|bar|dot|vec)\{([^{}]+)\}(.*)$")
_ACCENTS = {"tilde": "\u02dc", "hat": "^", "bar": "\u00af", "dot": "\u02d9", "vec": "\u2192"}
_EXTRA_NAMES = {"pm": "±", "mp": "∓", "infty": "∞", "ell": "ℓ", "prime": "′"}


def _plain_name(name: str) -> str:
    """``\\xi_{0}^{1}`` → ``xi_0^1``: braces and backslashes out, SymPy's split does the rest."""
    return re.sub(r"\\([A-Za-z]+)", r"\1", name).replace("{", "").replace("}", "")


class _Printer(MathMLPresentationPrinter):
    """SymPy's presentation printer with the lecture's notation for a few more objects."""

    def _el(self, tag: str, *children, text: str | None = None, **attrs):
        el = self.dom.createElement(tag)
        for k, v in attrs.items():
            el.setAttribute(k, v)
        if text is not None:
            el.appendChild(self.dom.createTextNode(text))
        for c in children:
            el.appendChild(c)
        return el

    def _translate(self, s: str) -> str:
        return greek_unicode.get(s) or _EXTRA_NAMES.get(s) or s

    def _print_Symbol(self, sym, style="plain"):
        name = sym.name
        accent = None
        m = _ACCENT.match(name)
        if m:
            accent, core, rest = m.group(1), m.group(2), m.group(3)
            name = _plain_name(core) + _plain_name(rest)
        elif "\\" in name or "{" in name:
            name = _plain_name(name)
        base, supers, subs = split_super_sub(name)

        def join(items):
            items = [self._translate(i) for i in items]
            if len(items) == 1:
                return self._el("mi", text=items[0])
            row = self._el("mrow")
            for i, item in enumerate(items):
                if i:
                    row.appendChild(self._el("mo", text=","))
                row.appendChild(self._el("mi", text=item))
            return row

        x = self._el("mi", text=self._translate(base))
        if accent:
            x = self._el("mover", x, self._el("mo", text=_ACCENTS[accent]), accent="true")
        if subs and supers:
            x = self._el("msubsup", x, join(subs), join(supers))
        elif subs:
            x = self._el("msub", x, join(subs))
        elif supers:
            x = self._el("msup", x, join(supers))
        if style == "bold":
            x.setAttribute("mathvariant", "bold")
        return x

    _print_Dummy = _print_Symbol

    def _print_RandomSymbol(self, e):
        return self._print(e.symbol)

    def _print_Expectation(self, e):
        return self._el("mrow", self._el("mi", text="\U0001D53C"), self._el("mo", text="["),
                        self._print(e.args[0]), self._el("mo", text="]"))

    def _print_Trace(self, e):
        return self._el("mrow", self._el("mi", text="tr"), self._paren_comma_separated(e.args[0]))

    def _print_KroneckerDelta(self, e):
        sub = self._el("mrow", self._print(e.args[0]), self._print(e.args[1]))
        return self._el("msub", self._el("mi", text="δ"), sub)

    def _print_Subs(self, e):
        expr, old, new = e.args
        pairs = self._el("mrow")
        for i, (o, n) in enumerate(zip(old, new)):
            if i:
                pairs.appendChild(self._el("mo", text=","))
            pairs.appendChild(self._el("mrow", self._print(o), self._el("mo", text="="), self._print(n)))
        inner = self._el("mrow", self._el("mo", text="("), self._print(expr), self._el("mo", text=")"))
        return self._el("msub", self._el("mrow", inner, self._el("mo", text="|", stretchy="true")),
                        pairs)

    def _big_operator(self, e, symbol: str):
        body = self.parenthesize(e.function, precedence_traditional(e))
        for limit in e.limits:  # first limit innermost
            var = self._print(limit[0])
            if len(limit) == 3:
                low = self._el("mrow", var, self._el("mo", text="="), self._print(limit[1]))
                op = self._el("munderover", self._el("mo", text=symbol), low, self._print(limit[2]))
            else:
                op = self._el("munder", self._el("mo", text=symbol), var)
            body = self._el("mrow", op, body)
        return body

    def _print_Sum(self, e):
        return self._big_operator(e, "∑")

    def _print_Product(self, e):
        return self._big_operator(e, "∏")

    def _print_Function(self, e):
        name = self.mathml_tag(e)
        if type(e).__name__ in ("Xi",) or name.lower() in greek_unicode:
            name = greek_unicode.get(type(e).__name__.lower(), name)
        elif name == "log" and self._settings["ln_notation"]:
            name = "ln"
        return self._el("mrow", self._el("mi", text=name), self._paren_comma_separated(*e.args))


_PRINTER_SETTINGS = {"mul_symbol": None, "order": None}


_KNOWN: dict = {}  # expression -> markup printed ahead (see :func:`primed`)


def page_expressions(derivations) -> list:
    """Every expression a report prints for ``derivations``, in a fixed order: step sides,
    printed forms, printed links read from the notes, closed forms of the claims."""
    from ..run.quoted import quoted_links

    out: list = []
    for d in derivations:
        for step in d.steps:
            out += [step.lhs, step.rhs]
            p = getattr(step, "printed", None)
            if p is not None:
                out += [x for x in (p.lhs, p.rhs) if x is not None]
        out += [x for link in quoted_links(d) for x in (link.lhs, link.rhs) if x is not None]
        out += [c.expected for c in d.claims]
    return out


class primed:
    """``with primed(exprs, markups):`` — :func:`expr_mathml` answers for ``exprs`` from
    ``markups`` (printed by :func:`expr_mathml` elsewhere, e.g. in the report's background
    process while the checker runs; equal expressions print equally)."""

    def __init__(self, exprs, markups) -> None:
        self.known = dict(zip(exprs, markups))

    def __enter__(self) -> None:
        _KNOWN.update(self.known)

    def __exit__(self, *exc) -> None:
        _KNOWN.clear()


def expr_mathml(expr: Any) -> str:
    """The MathML Core markup of one SymPy expression (no ``<math>`` wrapper).

    An object SymPy cannot print as MathML is shown as its SymPy string form in ``<mtext>``.
    """
    if _KNOWN:
        try:
            hit = _KNOWN.get(expr)
        except TypeError:  # unhashable (a mutable matrix)
            hit = None
        if hit is not None:
            return hit
    try:
        dom = _Printer(_PRINTER_SETTINGS)._print(expr)
        out: list[str] = []
        _serialise(dom, out)
        return "".join(out)
    except Exception:  # noqa: BLE001 - a printer gap must not lose the page
        from sympy import sstr

        return f'<mtext class="unprinted">{_text_plain(sstr(expr))}</mtext>'


def _text_plain(s: str) -> str:
    return html.escape(s, quote=False)


def relation_mathml(lhs: Any, relation: str, rhs: Any, *, display: bool = True) -> str:
    """``lhs relation rhs`` as a ``<math>`` element (``display="block"`` by default)."""
    symbol = RELATION_SYMBOLS.get(relation, relation)
    body = f"<mrow>{expr_mathml(lhs)}<mo>{_text_plain(symbol)}</mo>{expr_mathml(rhs)}</mrow>"
    return math(body, display=display)


def math(body: str, *, display: bool = True) -> str:
    """Wrap MathML content in a ``<math>`` element."""
    return f'<math display="{"block" if display else "inline"}">{body}</math>'


def inline_mathml(expr: Any) -> str:
    """One expression as inline ``<math>``."""
    return math(expr_mathml(expr), display=False)
