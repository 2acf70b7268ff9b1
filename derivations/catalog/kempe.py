"""Catalog module (placeholder until its derivations land)."""
DERIVATIONS: tuple = ()
