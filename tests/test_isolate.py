"""Forked children never inherit an import lock held by another thread (issue 9 robustness).

A fork while another thread of the parent is inside an import copies that module's import lock
as held; a child that then needs the module (SymPy imports lazily: ``simplify`` imports
``sympy.physics.units``) waits for it forever and its step ends ``undecided`` at the limit.
``run_limited`` forks under ``FORK_LOCK``, which the parent's own SymPy work takes too
(``in_parent``).
"""
from __future__ import annotations

import importlib
import sys
import threading
import time

from derivations.verify.isolate import in_parent, run_limited


def _slow_module(tmp_path, name: str) -> None:
    (tmp_path / f"{name}.py").write_text("import time\ntime.sleep(1.0)\nVALUE = 42\n")
    sys.path.insert(0, str(tmp_path))


def test_a_fork_waits_for_an_import_in_progress_in_the_parent(tmp_path):
    name = "lecturecheck_slow_import_probe"
    _slow_module(tmp_path, name)
    try:
        importer = threading.Thread(target=in_parent, args=(lambda: importlib.import_module(name),))
        importer.start()
        time.sleep(0.3)  # the import (1 s) is under way, its module lock held
        start = time.perf_counter()
        value = run_limited(lambda: importlib.import_module(name).VALUE, 10.0)
        importer.join()
        assert value == 42
        assert time.perf_counter() - start < 5.0
    finally:
        sys.path.remove(str(tmp_path))
        sys.modules.pop(name, None)
