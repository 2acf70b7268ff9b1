"""The result store: SQLite (WAL), one row per result, safe for concurrent runs.

A step's row is keyed by everything the verdict depends on (the step's sides, assumptions,
domain, seed, points, tolerance), a Monte Carlo case's by the claim's declaration, its
parameters, seed, alpha and sample-size option; both also by :func:`code_fingerprint` (package
version, every source file of ``derivations`` and ``numerics``, the SymPy/mpmath/numpy/Python
versions).  A Monte Carlo case is stored only when its sampler is code the fingerprint covers
(:func:`packaged`).  Only results that no time limit touched are stored
(``StepResult.limited``), so a busy machine cannot freeze a weaker verdict.  Rows are
validated when read (:func:`valid_result`, :func:`valid_mc_result`); a bad row is ignored.

Stored and fresh results pass through one canonical form (:func:`canonical`: a JSON round trip
that keeps key order), so cold, warm and ``--no-cache`` runs give the same bytes.

A store that cannot be used (not a database, another schema, unwritable, disk full) costs time,
never a result: one warning on stderr, then the run goes on without it.  Location:
``steps.sqlite3`` in :func:`cache_dir`.
"""
from __future__ import annotations

import functools
import hashlib
import json
import math
import os
import sqlite3
import sys
import threading
from pathlib import Path
from typing import Any, Callable

import sympy as sp

from ..model import VERDICTS
from .work import Work

SCHEMA = 2  # PRAGMA user_version of the store; another value is "another schema"
FILE_NAME = "steps.sqlite3"
BUSY_TIMEOUT_MS = 30_000  # how long a writer waits for a concurrent run's transaction
TEXT_LIMIT = 60.0  # seconds a worker may take to print one expression's LaTeX
# the fields every stored result has (others, e.g. numeric evidence, are kept when finite JSON)
RESULT_KEYS = ("verdict", "method", "difference_latex", "witness", "evaluation", "notes",
               "lhs_latex", "rhs_latex")
_TABLE_SQL = "CREATE TABLE steps (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)"


def cache_dir() -> Path:
    """``$LECTURECHECK_CACHE``, else ``$XDG_CACHE_HOME/lecturecheck``, else ``~/.cache/lecturecheck``."""
    env = os.environ.get("LECTURECHECK_CACHE")
    if env:
        return Path(env)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and os.path.isabs(xdg):  # the XDG spec: a relative path is to be ignored
        return Path(xdg) / "lecturecheck"
    return Path.home() / ".cache" / "lecturecheck"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the installed engine, catalog and numerics source (every ``.py`` file of the
    ``derivations`` and ``numerics`` packages) and of the versions it runs on: a change to any
    code a verdict depends on — an engine extension, a function family — misses the cache."""
    import mpmath
    import numpy

    from .._version import __version__

    versions = (SCHEMA, __version__, sp.__version__, mpmath.__version__, numpy.__version__,
                sys.version_info[:3])
    h = hashlib.sha256(repr(versions).encode())
    for root in _roots():
        for path in sorted(root.rglob("*.py")):
            h.update(str(path.relative_to(root.parent)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def _canon_part(p: Any) -> str:
    """A key part as text that keeps what a verdict depends on (assumptions, via ``srepr``)."""
    if isinstance(p, sp.Basic):
        return _srepr(p)
    if isinstance(p, (list, tuple)):
        return "(" + ",".join(map(_canon_part, p)) + ")"
    if isinstance(p, dict):
        return "{" + ",".join(sorted(f"{_canon_part(k)}:{_canon_part(v)}" for k, v in p.items())) + "}"
    if isinstance(p, (set, frozenset)):
        return "{" + ",".join(sorted(map(_canon_part, p))) + "}"
    return repr(p)


_SREPRS: dict[int, tuple[Any, str]] = {}  # id -> (the object, kept alive; its srepr)


def _srepr(e: sp.Basic) -> str:
    """``srepr(e)``, once per object: the symbols and ranges of a derivation recur in the key of
    every step (memoised by identity, not by ``==``, which ignores e.g. a Float's precision)."""
    seen = _SREPRS.get(id(e))
    if seen is None or seen[0] is not e:
        seen = _SREPRS[id(e)] = (e, sp.srepr(e))
    return seen[1]


def step_key(*parts: Any) -> str:
    """The store key of a step: a hash of ``parts`` and of :func:`code_fingerprint`."""
    text = "\x1e".join(map(_canon_part, parts))
    return hashlib.sha256(f"{code_fingerprint()}|{text}".encode()).hexdigest()


def _roots() -> list[Path]:
    import numerics

    return [Path(__file__).resolve().parents[1], Path(numerics.__file__).resolve().parent]


def packaged(fn: Any) -> str | None:
    """``module.qualname`` of a plain function whose code :func:`code_fingerprint` covers (a
    file of ``derivations`` or ``numerics``, no closure); None for anything else (a function in
    a user's script, a ``partial``, a closure): its result cannot be keyed, so it is not cached."""
    code = getattr(fn, "__code__", None)
    if code is None or getattr(fn, "__closure__", None):
        return None
    try:
        path = Path(code.co_filename).resolve()
    except (OSError, ValueError):
        return None
    if not any(root in path.parents for root in _roots()):
        return None
    return f"{fn.__module__}.{fn.__qualname__}"


MC_KEYS = ("expected", "estimate", "stderr", "n", "bias_bound", "p_value",
           "min_detectable_rel_error", "target_mdre", "controls", "verdict", "rel_bias")


def valid_mc_result(r: Any) -> bool:
    """Whether ``r`` has the shape of a stored Monte Carlo comparison (``numerics.stats``):
    exactly :data:`MC_KEYS`, a decided verdict, finite numbers or None, an integer ``n``."""
    from ..model import MC_VERDICTS

    if not isinstance(r, dict) or set(r) != set(MC_KEYS):
        return False
    numbers = [r[k] for k in MC_KEYS if k not in ("verdict", "rel_bias", "n", "controls")]
    rb = r["rel_bias"]
    return (r["verdict"] in MC_VERDICTS and r["verdict"] != "undecided"
            and isinstance(r["n"], int) and not isinstance(r["n"], bool) and r["n"] > 0
            and (r["controls"] is None or (isinstance(r["controls"], int)
                                           and not isinstance(r["controls"], bool)))
            and all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)
                                  and math.isfinite(v)) for v in numbers)
            and isinstance(rb, list) and len(rb) == 2
            and all(isinstance(b, (int, float)) and not isinstance(b, bool) and math.isfinite(b)
                    for b in rb))


def valid_text(r: Any) -> bool:
    """A stored text row: ``{"text": str}``."""
    return isinstance(r, dict) and set(r) == {"text"} and isinstance(r["text"], str)


def canonical(result: dict) -> dict:
    """``result`` as it reads back from JSON (lists for tuples, key order kept): fresh and
    stored results take this one form, so cache state never changes the output bytes."""
    return json.loads(json.dumps(result, default=str))


def _reject_constant(name: str) -> Any:
    raise ValueError(f"non-finite number {name} in a stored result")


def _is_text_tree(v: Any) -> bool:
    """A witness value: a string, or a matrix as a list of lists of strings."""
    return isinstance(v, str) or (isinstance(v, list) and all(
        isinstance(row, list) and all(isinstance(x, str) for x in row) for row in v))


def _is_finite_value(v: Any) -> bool:
    if isinstance(v, bool) or v is None:
        return True
    if isinstance(v, (int, float)):
        return math.isfinite(v)
    if isinstance(v, str):
        return True
    if isinstance(v, list):
        return all(_is_finite_value(x) for x in v)
    if isinstance(v, dict):
        return all(isinstance(k, str) and _is_finite_value(x) for k, x in v.items())
    return False


def valid_result(r: Any) -> bool:
    """Whether ``r`` has the shape of a stored step result: the :data:`RESULT_KEYS` with their
    types, a verdict of the vocabulary, finite numbers; fields added later (e.g. evidence) must
    be finite JSON.  ``undecided`` is never stored, so it is never valid here."""
    if not isinstance(r, dict) or not set(RESULT_KEYS) <= set(r):
        return False
    return (r["verdict"] in VERDICTS and r["verdict"] != "undecided"
            and all(isinstance(r[k], str) for k in ("method", "difference_latex", "lhs_latex",
                                                    "rhs_latex"))
            and isinstance(r["notes"], list) and all(isinstance(n, str) for n in r["notes"])
            and (r["witness"] is None or (isinstance(r["witness"], dict) and all(
                isinstance(k, str) and _is_text_tree(v) for k, v in r["witness"].items())))
            and (r["evaluation"] is None or (isinstance(r["evaluation"], dict)
                                             and _is_finite_value(r["evaluation"])))
            and all(_is_finite_value(v) for k, v in r.items() if k not in RESULT_KEYS))


def decode(text: Any, valid: Callable[[Any], bool] = valid_result) -> dict | None:
    """A stored row's value as a result dict, or None if ``valid`` rejects it."""
    if not isinstance(text, str):
        return None
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except (ValueError, RecursionError):
        return None
    return value if valid(value) else None


def _warn(message: str) -> None:
    try:
        sys.stderr.write(f"lecturecheck: warning: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass


class StepCache:
    """The store of step results; every failure disables it after one warning.

    Thread-safe (one connection, one lock); safe across processes (SQLite WAL, busy timeout).
    """

    def __init__(self, enabled: bool = True, path: Path | None = None,
                 warn: Callable[[str], None] = _warn) -> None:
        self.path = path
        self._warn = warn
        self._lock = threading.Lock()
        self._db: sqlite3.Connection | None = None
        self.enabled = enabled
        if enabled:
            self._db = self._guard(self._open)

    @property
    def active(self) -> bool:
        """Whether the store is in use (enabled and not disabled by a failure)."""
        return self._db is not None

    def _open(self) -> sqlite3.Connection:
        if self.path is None:
            self.path = cache_dir() / FILE_NAME  # (no home directory: a warning, not a crash)
        if self.path.exists() and not self.path.is_file():
            raise sqlite3.DatabaseError("not a regular file")
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = sqlite3.connect(str(self.path), timeout=BUSY_TIMEOUT_MS / 1000,
                             isolation_level=None, check_same_thread=False)
        try:
            db.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            db.execute("BEGIN IMMEDIATE")  # one consistent look at the schema: runs race to create
            version = db.execute("PRAGMA user_version").fetchone()[0]
            tables = db.execute("SELECT name, sql FROM sqlite_master WHERE type = 'table'").fetchall()
            created = version == 0 and not tables
            if created:
                db.execute(_TABLE_SQL)
                db.execute(f"PRAGMA user_version = {SCHEMA}")
                version, tables = SCHEMA, [("steps", _TABLE_SQL)]
            db.execute("COMMIT")
            if version != SCHEMA or tables != [("steps", _TABLE_SQL)]:
                raise sqlite3.DatabaseError(f"unknown schema (user_version {version})")
            try:  # persistent once set: readers never block the writer
                if db.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                    db.execute("PRAGMA journal_mode = WAL")
            except sqlite3.OperationalError:
                pass  # busy: the rollback journal is as safe, only less concurrent
        except BaseException:
            db.close()
            raise
        return db

    def _guard(self, action: Callable[[], Any]) -> Any:
        """Run a store action; on any failure warn once, close the store and return None."""
        try:
            return action()
        except (sqlite3.Error, OSError, ValueError, RuntimeError) as exc:
            self._disable(exc)
            return None

    def _close_db(self) -> None:
        if self._db is not None:
            try:
                self._db.close()
            except sqlite3.Error:
                pass
            self._db = None

    def _disable(self, exc: Exception) -> None:
        self._close_db()
        reason = " ".join(str(exc).split())[:200] or type(exc).__name__
        where = "" if self.path is None else f" {str(self.path)[:200]!r}"
        self._warn(f"step cache{where} unusable ({reason}); "
                   "running without the cache (delete the file, or use --no-cache)")

    def get(self, key: str, valid: Callable[[Any], bool] = valid_result) -> dict | None:
        """The stored result under ``key`` if ``valid`` accepts it, or None."""
        with self._lock:
            if self._db is None:
                return None
            db = self._db
            row = self._guard(lambda: db.execute("SELECT value FROM steps WHERE key = ?",
                                                 (key,)).fetchone())
        return decode(row[0], valid) if row else None

    def put(self, key: str, result: dict, *, limited: bool = False,
            valid: Callable[[Any], bool] = valid_result) -> bool:
        """Store ``result`` (a canonical result without ``seconds``) unless a time limit touched
        it (``limited``), it is ``undecided`` or ``valid`` rejects it; return whether it was stored."""
        if limited or not valid(result):
            return False
        text = json.dumps(result, allow_nan=False)
        with self._lock:
            if self._db is None:
                return False
            db = self._db
            done = self._guard(lambda: db.execute(
                "INSERT OR REPLACE INTO steps (key, value) VALUES (?, ?)", (key, text)))
        return done is not None

    def text(self, key: str, compute: Callable[[], str], fail: Callable[[], str]):
        """A work item (:class:`.work.Work`) for a stored text (e.g. the LaTeX of an expression,
        ``key`` from its ``srepr``), else ``compute()`` (in a worker), stored; ``fail()`` answers
        when the worker does not."""
        def lookup() -> str | None:
            hit = self.get(key, valid_text)
            return None if hit is None else hit["text"]

        def finish(value: str) -> str:
            self.put(key, {"text": value}, valid=valid_text)
            return value
        return Work(lookup, compute, finish, lambda exc: fail(), TEXT_LIMIT)

    def close(self) -> None:
        with self._lock:
            self._close_db()

    save = close  # the runner's end-of-run call
