"""Chapter 1 — Elena Agliari: information processing in Hebbian networks (1.2–1.3)."""
