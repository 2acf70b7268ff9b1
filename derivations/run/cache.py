"""On-disk cache of step results, keyed by everything the verdict depends on.

Undecided results (time limits) are never cached.  Location: ``$LECTURECHECK_CACHE`` or
``~/.cache/lecturecheck``; ``--no-cache`` bypasses it.
"""
from __future__ import annotations

import functools
import hashlib
import json
import os
import tempfile
import threading
from pathlib import Path

import sympy as sp

FORMAT = 1


def cache_dir() -> Path:
    env = os.environ.get("LECTURECHECK_CACHE")
    return Path(env) if env else Path.home() / ".cache" / "lecturecheck"


@functools.lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A hash of the installed engine, catalog and numerics source (every ``.py`` file of the
    ``derivations`` and ``numerics`` packages) and of the versions it runs on: a change to any
    code a verdict depends on — an engine extension, a function family — misses the cache."""
    import mpmath

    import numerics

    from .._version import __version__

    h = hashlib.sha256(f"{FORMAT}|{__version__}|{sp.__version__}|{mpmath.__version__}".encode())
    roots = [Path(__file__).resolve().parents[1], Path(numerics.__file__).resolve().parent]
    for root in roots:
        for path in sorted(root.rglob("*.py")):
            h.update(str(path.relative_to(root.parent)).encode())
            h.update(path.read_bytes())
    return h.hexdigest()


def step_key(*parts) -> str:
    text = "\x1e".join(sp.srepr(p) if isinstance(p, sp.Basic) else repr(p) for p in parts)
    return hashlib.sha256(f"{code_fingerprint()}|{text}".encode()).hexdigest()


class StepCache:
    def __init__(self, enabled: bool = True) -> None:
        self.enabled = enabled
        self.path = cache_dir() / "steps.json"
        self._lock = threading.Lock()
        self._data: dict[str, dict] = {}
        self._dirty = False
        if enabled:
            try:
                self._data = json.loads(self.path.read_text())
            except (OSError, ValueError):
                self._data = {}

    def get(self, key: str) -> dict | None:
        return self._data.get(key) if self.enabled else None

    def put(self, key: str, value: dict) -> None:
        if self.enabled and value.get("verdict") != "undecided":
            with self._lock:
                self._data[key] = value
                self._dirty = True

    def save(self) -> None:
        if not (self.enabled and self._dirty):
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, suffix=".tmp")
            with os.fdopen(fd, "w") as f:
                json.dump(self._data, f, sort_keys=True)
            os.replace(tmp, self.path)
        except OSError:
            pass  # a cache that cannot be written only costs time
