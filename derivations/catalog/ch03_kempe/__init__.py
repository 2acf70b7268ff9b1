"""Chapter 3 — Julia Kempe: synthetic data and model collapse (3.0.1–3.0.23).

References: Beg Rohu 2025 summer school notes, chapter 3; Dohmatob, Feng & Kempe, "Model
collapse demystified: the case of regression" (2024).
"""
