"""Chapter 6 — Stéphane Mallat: score-based diffusion and wavelet denoising (6.3–6.4)."""
