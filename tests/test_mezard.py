"""Mézard's chapter (catalog/ch07_mezard): what belongs where, and what the claims simulate."""
from __future__ import annotations

from derivations.registry import all_derivations, get
from numerics.samplers import diffusion, sde

MEZARD = ("mezard.forward_process", "mezard.stationary_law", "mezard.transition_kernel",
          "mezard.reverse_process", "mezard.general_schedule", "mezard.tweedie_score",
          "mezard.denoising_loss", "mezard.empirical_score", "mezard.gaussian_data")


def test_chapter_7_is_encoded_in_its_own_folder():
    """Every chapter-7 label belongs to a mezard.* derivation, and only to those."""
    for d in all_derivations():
        labels = set(d.equations) | {s.equation for s in d.steps if s.equation}
        seven = {lab for lab in labels if lab.startswith("7.")}
        assert bool(seven) == d.id.startswith("mezard."), (d.id, sorted(seven))
    assert set(MEZARD) <= {d.id for d in all_derivations()}


def test_moved_steps_keep_their_ids():
    moved = {"mezard.forward_process": {"mezard_mean", "mezard_variance"},
             "mezard.stationary_law": {"stationary_normalised", "stationary_fokker_planck",
                                       "stationary_unit_variance"},
             "mezard.general_schedule": {"integrating_factor", "noise_integral",
                                         "variance_as_ou", "brownian_limit"},
             "mezard.tweedie_score": {"mezard_score", "mezard_score_split"}}
    for did, ids in moved.items():
        assert ids <= {s.id for s in get(did).steps}, did


def test_forward_claims_simulate_the_sde():
    """The forward-process claims run Euler–Maruyama of ẋ = -x + η, never the Gaussian law."""
    claims = get("mezard.forward_process").claims
    assert claims
    for claim in claims:
        assert claim.sampler not in (sde.ou_exact, sde.ou_rescaled), claim.name
        assert "Euler–Maruyama" in claim.simulates, claim.name
        assert claim.sampler.__module__ == diffusion.__name__, claim.name


def test_backward_chain_recovers_the_data_variance_as_the_step_shrinks():
    """7.3.8 on Gaussian data: the exact law of the backward Euler–Maruyama chain tends to the
    data law — its relative error in E(y − m)² = s² halves when the steps double (O(h)), down to
    the white-noise start's e^{-2t_f} — and the sampler follows that law."""
    import numpy as np

    from numerics.samplers import diffusion

    case = {"m": -1.0, "s": 1.2, "t_f": 6.0}
    bias = [diffusion.backward_gaussian_rel_bias(steps=n, **case)[0] for n in (100, 200, 400, 800)]
    for coarse, fine in zip(bias, bias[1:]):
        assert 0.45 < fine / coarse < 0.55
    assert abs(bias[-1]) < 2e-3
    coarse = diffusion.backward_gaussian_rel_bias(steps=25, **case)[0]
    y = diffusion.backward_gaussian_square(np.random.default_rng(7), 400_000, steps=25, **case)
    se = y.std() / np.sqrt(y.size)
    assert abs(y.mean() - case["s"] ** 2 * (1 + coarse)) < 5 * se
    assert abs(y.mean() - case["s"] ** 2) > 5 * se  # the step bias is real, and accounted for
