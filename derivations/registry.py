"""The one registry the CLI, report, tests and pytest plugin all iterate (DESIGN §1).

The catalog is a package of chapters, ``derivations/catalog/<chNN>_<lecturer>/``, each holding
a ``symbols.py`` (the chapter's shared symbols), a ``notation.py`` (its LaTeX table for the
quotations of the notes) and one derivation per module; a derivation module defines ``DERIVATION`` and its id is ``<lecturer>.<module name>``.  Chapters and
derivations are discovered from the file names (nothing to register by hand) and imported
lazily: ``get("mallat.tweedie")`` imports that one file.

>>> "mallat.tweedie" in Registry().ids()
True
"""
from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Callable, Iterable, Sequence

import sympy as sp

from .errors import UnknownDerivation
from .model import Derivation

CATALOG = "derivations.catalog"
CHAPTER_RE = re.compile(r"ch(\d+)_([a-z][a-z0-9_]*)\Z")
NOT_DERIVATIONS = {"symbols", "notation"}  # chapter modules of shared declarations


class CatalogError(ValueError):
    """A catalog file that breaks the catalog's rules (id, duplicate names)."""


class Registry:
    """Derivations found under a catalog package (default :data:`CATALOG`)."""

    def __init__(self, package: str = CATALOG) -> None:
        self.package = package
        self._index: dict[str, str] | None = None  # id -> module name
        self._loaded: dict[str, Derivation] = {}

    def _chapters(self) -> list[tuple[str, str]]:
        root = importlib.import_module(self.package)
        out = []
        for info in pkgutil.iter_modules(root.__path__):
            m = CHAPTER_RE.match(info.name)
            if info.ispkg and m:
                out.append((info.name, m.group(2)))
        return sorted(out, key=lambda c: (int(CHAPTER_RE.match(c[0]).group(1)), c[0]))

    def index(self) -> dict[str, str]:
        """``{derivation id: module name}`` from the file names alone (nothing imported)."""
        if self._index is None:
            index: dict[str, str] = {}
            for chapter, lecturer in self._chapters():
                pkg = importlib.import_module(f"{self.package}.{chapter}")
                for info in pkgutil.iter_modules(pkg.__path__):
                    if info.ispkg or info.name.startswith("_") or info.name in NOT_DERIVATIONS:
                        continue
                    index[f"{lecturer}.{info.name}"] = f"{self.package}.{chapter}.{info.name}"
            self._index = dict(sorted(index.items()))
        return self._index

    def ids(self) -> list[str]:
        return list(self.index())

    def chapters(self) -> list[str]:
        """Chapter package names, e.g. ``ch06_mallat``."""
        return [c for c, _ in self._chapters()]

    def get(self, derivation_id: str) -> Derivation:
        """The derivation ``derivation_id``, importing only its file."""
        if derivation_id in self._loaded:
            return self._loaded[derivation_id]
        index = self.index()
        if derivation_id not in index:
            shown = derivation_id if len(derivation_id) <= 80 else derivation_id[:77] + "..."
            raise UnknownDerivation(f"unknown derivation id={shown!r}; known ids: "
                                    + ", ".join(index))
        module = importlib.import_module(index[derivation_id])
        d = getattr(module, "DERIVATION", None)
        if not isinstance(d, Derivation):
            raise CatalogError(f"{module.__file__}: expected a module-level DERIVATION = "
                               "Derivation(...)")
        if d.id != derivation_id:
            raise CatalogError(f"{module.__file__}: DERIVATION.id={d.id!r}, expected "
                               f"{derivation_id!r} (the chapter's lecturer and the file name)")
        validate(d)
        self._loaded[derivation_id] = d
        return d

    def in_chapter(self, chapter: str) -> list[Derivation]:
        """Every derivation of one chapter (``ch06_mallat`` or its lecturer ``mallat``)."""
        prefix = {c: lec for c, lec in self._chapters()}.get(chapter, chapter) + "."
        return [self.get(i) for i in self.ids() if i.startswith(prefix)]

    def all(self) -> list[Derivation]:
        return [self.get(i) for i in self.ids()]


def _named_objects(d: Derivation) -> Iterable[sp.Basic]:
    for step in d.steps:
        for side in (step.lhs, step.rhs):
            if isinstance(side, sp.Basic):
                yield side
        if step.printed is not None:
            for side in (step.printed.lhs, step.printed.rhs):
                if isinstance(side, sp.Basic):
                    yield side
    for claim in d.claims:
        if isinstance(claim.expected, sp.Basic):
            yield claim.expected
    yield from (m.symbol for m in d.matrices)
    yield from d.ranges
    yield from d.dimensions


def validate(d: Derivation) -> None:
    """Reject two different symbols that share one name in ``d`` (witnesses are keyed by
    name, so they would collide) — e.g. ``T`` integer and ``T`` positive."""
    by_name: dict[str, sp.Basic] = {}
    for obj in _named_objects(d):
        atoms = obj.atoms(sp.Symbol, sp.MatrixSymbol) if not isinstance(obj, (sp.Symbol, sp.MatrixSymbol)) \
            else {obj}
        for s in atoms:
            if isinstance(s, sp.Dummy):
                continue
            other = by_name.setdefault(s.name, s)
            if other != s:
                raise CatalogError(f"derivation {d.id}: two different symbols named {s.name!r} "
                                   f"({sp.srepr(other)} and {sp.srepr(s)}); rename one")


class FixedRegistry(Registry):
    """A registry of given derivations (tests, a temporary catalog); checked when first used."""

    def __init__(self, derivations: Iterable[Derivation]) -> None:
        super().__init__()
        self._given = list(derivations)

    def index(self) -> dict[str, str]:
        if self._index is None:
            for d in self._given:
                if d.id in self._loaded:
                    raise CatalogError(f"duplicate derivation id {d.id!r}")
                validate(d)
                self._loaded[d.id] = d
            self._index = {i: "" for i in sorted(self._loaded)}
        return self._index

    def get(self, derivation_id: str) -> Derivation:
        self.index()  # the given derivations are loaded (and checked) by the index
        return super().get(derivation_id)

    def chapters(self) -> list[str]:
        return sorted({i.split(".")[0] for i in self.index()})

    def _chapters(self) -> list[tuple[str, str]]:
        return [(c, c) for c in self.chapters()]


_DEFAULT: Registry = Registry()


def use(registry: Registry) -> Registry:
    """Make ``registry`` the default one (for tests); return the previous default."""
    global _DEFAULT
    previous, _DEFAULT = _DEFAULT, registry
    return previous


def all_derivations() -> list[Derivation]:
    """Every registered derivation, sorted by id."""
    return _DEFAULT.all()


def get(derivation_id: str) -> Derivation:
    return _DEFAULT.get(derivation_id)


def ids() -> list[str]:
    return _DEFAULT.ids()


def select(wanted: Iterable[str]) -> list[Derivation]:
    wanted = list(wanted)
    return [get(i) for i in wanted] if wanted else all_derivations()


class Lazy(Sequence):
    """Derivations in a fixed order, each loaded on first access (then kept by the registry):
    ``check`` starts on the first derivations while the others load
    (:mod:`derivations.run.schedule`).  A broken module fails where it is reached."""

    def __init__(self, loaders: Sequence[Callable[[], Derivation]]) -> None:
        self._loaders = list(loaders)

    def __len__(self) -> int:
        return len(self._loaders)

    def __getitem__(self, i):
        if isinstance(i, slice):
            return [load() for load in self._loaders[i]]
        return self._loaders[i]()


def lazy(derivation_ids: Iterable[str] | None = None) -> Lazy:
    """``derivation_ids`` (every registered id when None) as a :class:`Lazy` sequence."""
    chosen = ids() if derivation_ids is None else list(derivation_ids)
    registry = _DEFAULT
    return Lazy([lambda i=i: registry.get(i) for i in chosen])
