"""Samplers of the lectures' models, one module per topic (SDEs, Hopfield networks, regression
chains, denoisers): they simulate the model, never the law a derivation concludes."""
