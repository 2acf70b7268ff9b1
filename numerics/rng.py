"""Seeding: one independent ``numpy.random.Generator`` per check, keyed by the check's name.

The key is hashed into the ``SeedSequence`` spawn key, so a check's stream depends only on
(seed, its name) — not on how many checks ran before it or on which worker runs it.
"""
from __future__ import annotations

import zlib

import numpy as np


def check_generator(seed: int, *key: str) -> np.random.Generator:
    """The generator for the check named by ``key`` under the run seed ``seed``."""
    words = tuple(zlib.crc32(k.encode()) for k in key)
    return np.random.Generator(np.random.PCG64(np.random.SeedSequence(seed, spawn_key=words)))
