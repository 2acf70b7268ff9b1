"""Chapter 5 — Yann LeCun: self-supervised and energy-based models (5.1–5.2)."""
