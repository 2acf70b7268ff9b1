"""Samplers, streamed estimators and the statistical comparison that turns samples into verdicts."""
