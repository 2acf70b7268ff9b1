"""Print the floors of pyproject.toml's dependencies (and the given extras) as exact pins.

Used by .ci/run's minimum-versions job: ``pip install $(python .ci/min_versions.py test:pytest)``
(an argument ``extra`` takes a whole extra, ``extra:a,b`` only the named packages of it).
"""
from __future__ import annotations

import re
import sys
import tomllib
from pathlib import Path

project = tomllib.loads((Path(__file__).resolve().parents[1] / "pyproject.toml").read_text())["project"]
requirements = list(project["dependencies"])
for arg in sys.argv[1:]:
    extra, _, names = arg.partition(":")
    wanted = set(names.split(",")) if names else None
    requirements += [r for r in project["optional-dependencies"][extra]
                     if wanted is None or re.split(r"[<>=!\[ ]", r, maxsplit=1)[0] in wanted]
pins = []
for req in requirements:
    m = re.match(r"\s*([A-Za-z0-9_.\-\[\]]+)\s*>=\s*([0-9][^,;\s]*)", req)
    if not m:
        sys.exit(f"{req!r}: every dependency needs a tested floor (name>=version)")
    pins.append(f"{m.group(1)}=={m.group(2)}")
print(" ".join(pins))
