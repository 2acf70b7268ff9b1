"""Hypothesis strategies declared without importing hypothesis (DESIGN §5, speed).

A claim's ``strategy`` is what the property tests draw; ``check`` never draws from it.  Importing
hypothesis (with its plugins) costs ≈ 0.6 s, more than SymPy's own import, so the catalog writes
``from derivations.model.strategies import st`` and ``st`` records each call instead of making
it: ``st.integers(1, 6)``, ``st.fixed_dictionaries({...})``, ``.map``/``.filter``/``.flatmap``
chains and ``@st.composite`` functions all give :class:`Deferred` descriptions.
:func:`resolve` builds the hypothesis strategy they describe, on first use (the tests, through
:attr:`derivations.model.Claim.parameter_strategy`).  A real hypothesis strategy passes through
:func:`resolve` unchanged.
"""
from __future__ import annotations

from typing import Any, Callable

_COMPOSITE = "composite call"  # the name of a deferred call of an ``@st.composite`` function


class Deferred:
    """``st.<name>(*args, **kwargs)``, or ``base.<name>(*args)`` when ``base`` is given."""

    __slots__ = ("name", "args", "kwargs", "base", "_built")

    def __init__(self, name: str, args: tuple, kwargs: dict, base: "Deferred | None" = None) -> None:
        self.name, self.args, self.kwargs, self.base = name, args, kwargs, base
        self._built = None

    def map(self, f: Callable) -> "Deferred":
        return Deferred("map", (f,), {}, self)

    def filter(self, f: Callable) -> "Deferred":
        return Deferred("filter", (f,), {}, self)

    def flatmap(self, f: Callable) -> "Deferred":  # f returns a (deferred) strategy
        return Deferred("flatmap", (lambda value: resolve(f(value)),), {}, self)

    def build(self):
        if self._built is not None:
            return self._built
        if self.name == _COMPOSITE:
            self._built = _build_composite(*self.args)
            return self._built
        if self.base is None:
            from hypothesis import strategies

            make = getattr(strategies, self.name)
        else:
            make = getattr(self.base.build(), self.name)
        self._built = make(*resolve(self.args), **resolve(self.kwargs))
        return self._built

    def __repr__(self) -> str:
        if self.name == _COMPOSITE:
            fn, args, kwargs = self.args
            return f"{fn.__name__}({_arguments(args, kwargs)})"
        head = f"{self.base!r}." if self.base is not None else "st."
        return f"{head}{self.name}({_arguments(self.args, self.kwargs)})"


def _arguments(args: tuple, kwargs: dict) -> str:
    return ", ".join([repr(a) for a in args] + [f"{k}={v!r}" for k, v in kwargs.items()])


def resolve(value: Any) -> Any:
    """``value`` with every :class:`Deferred` in it (also inside dicts, lists and tuples) built."""
    if isinstance(value, Deferred):
        return value.build()
    if isinstance(value, dict):
        return {k: resolve(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(resolve(v) for v in value)
    return value


def _composite(fn: Callable) -> Callable[..., Deferred]:
    """``@st.composite``: calling the decorated function gives a deferred strategy; its ``draw``
    takes deferred strategies too."""
    def deferred(*args, **kwargs) -> Deferred:
        return Deferred(_COMPOSITE, (fn, args, kwargs), {})
    deferred.__name__ = deferred.__qualname__ = fn.__name__
    deferred.__doc__ = fn.__doc__
    return deferred


def _build_composite(fn: Callable, args: tuple, kwargs: dict):
    from hypothesis import strategies

    @strategies.composite
    def drawn(draw):
        return fn(lambda strategy: draw(resolve(strategy)), *args, **kwargs)
    return drawn()


class _Strategies:
    """``st``: ``st.integers(…)`` and the like record the call; ``st.composite`` decorates."""

    composite = staticmethod(_composite)

    def __getattr__(self, name: str) -> Callable[..., Deferred]:
        if name.startswith("_"):
            raise AttributeError(name)

        def call(*args, **kwargs) -> Deferred:
            return Deferred(name, args, kwargs)
        call.__name__ = name
        return call


st = _Strategies()
