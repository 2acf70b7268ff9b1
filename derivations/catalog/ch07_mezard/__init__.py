"""Chapter 7 — Marc Mézard: statistical physics of generative diffusion (7.2–7.4)."""
