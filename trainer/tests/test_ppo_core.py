"""PPO math against values computed by hand."""

import math

import pytest

torch = pytest.importorskip("torch")

from ptlab import ppo_core as core  # noqa: E402
from schedules import rates_per_step  # noqa: E402


def t(*values):
    return torch.tensor(values, dtype=torch.float32)


def test_gae_by_hand():
    advantages, returns = core.gae(t(1, 0, 2), t(0.5, 0.4, 0.3), t(0, 0, 1), gamma=0.9, lam=0.95)
    # t=2: 2 - 0.3 = 1.7; t=1: 0.9*0.3 - 0.4 + 0.855*1.7 = 1.3235; t=0: 1 + 0.36 - 0.5 + 0.855*1.3235
    assert advantages.tolist() == pytest.approx([1.9915925, 1.3235, 1.7], abs=1e-6)
    assert returns.tolist() == pytest.approx([2.4915925, 1.7235, 2.0], abs=1e-6)


def test_gae_does_not_bootstrap_across_episode_ends_but_does_at_a_cut():
    advantages, _ = core.gae(t(1, 1), t(0, 0), t(1, 1), gamma=0.9, lam=0.95)
    assert advantages.tolist() == [1.0, 1.0]
    cut, _ = core.gae(t(0), t(0), t(0), gamma=0.9, lam=0.95, last_value=1.0)
    assert cut.tolist() == pytest.approx([0.9])
    # the next episode's first value (2.0) must not leak into the step that ended the one before
    ended, _ = core.gae(t(1, 0), t(0.5, 2.0), t(1, 1), gamma=0.9, lam=0.95)
    assert ended.tolist() == pytest.approx([0.5, -2.0])


def test_clipped_policy_loss_by_hand():
    loss, clipfrac, approx_kl, guarded = core.policy_loss(torch.log(t(1.2, 0.8)), t(0, 0), t(1, -1), clip=0.1)
    assert loss.item() == pytest.approx(-0.1)  # min(1.2, 1.1) = 1.1 and min(-0.8, -0.9) = -0.9
    assert clipfrac.item() == 1.0
    assert approx_kl.item() == pytest.approx(((0.2 - math.log(1.2)) + (-0.2 - math.log(0.8))) / 2)
    assert guarded.item() == 0.0


def test_policy_loss_is_plain_surrogate_inside_the_clip():
    loss, clipfrac, approx_kl, guarded = core.policy_loss(t(0, 0), t(0, 0), t(2, -4), clip=0.1)
    assert (loss.item(), clipfrac.item(), approx_kl.item(), guarded.item()) == (1.0, 0.0, 0.0, 0.0)


def test_a_ratio_above_the_guard_keeps_only_the_clipped_term_for_that_transition():
    # ratios 20, 20, 1.05, 0.5 with advantages -1, +1, -1, -2; clip 0.1, guard 10 (the reference's).
    new = torch.log(t(20, 20, 1.05, 0.5)).requires_grad_()
    loss, clipfrac, _, guarded = core.policy_loss(new, t(0, 0, 0, 0), t(-1, 1, -1, -2), clip=0.1, ratio_guard=10)
    # guarded: clipped terms 1.1 * -1 and 1.1 * 1; the others min(): -1.05 and min(-1, -1.8) = -1.8
    assert loss.item() == pytest.approx(-(-1.1 + 1.1 - 1.05 - 1.8) / 4)
    assert guarded.item() == 0.5 and clipfrac.item() == 0.75
    (grad,) = torch.autograd.grad(loss, new)
    # no gradient from the guarded transitions, where min() would take -20 x the negative advantage's
    assert grad.tolist() == pytest.approx([0.0, 0.0, 1.05 / 4, 0.0])
    unguarded, _, _, none = core.policy_loss(new, t(0, 0, 0, 0), t(-1, 1, -1, -2), clip=0.1)
    assert unguarded.item() == pytest.approx(-(-20 + 1.1 - 1.05 - 1.8) / 4) and none.item() == 0.0


def test_token_ratios_are_clipped_token_by_token_and_averaged_with_the_thought_weights():
    # response 0: tokens with ratios 1.2 (thought, weight 0.5), 1.0, 1.05; response 1: ratio 0.8, then padding
    new = torch.log(torch.tensor([[1.2, 1.0, 1.05], [0.8, 1.0, 1.0]])).requires_grad_()
    weights = torch.tensor([[0.5, 1.0, 1.0], [1.0, 0.0, 0.0]])
    loss, clipfrac, approx_kl, guarded = core.token_policy_loss(new, torch.zeros(2, 3), t(1, -1), weights, clip=0.1)
    # response 0: (0.5 * min(1.2, 1.1) + 1.0 + 1.05) / 2.5; response 1: min(-0.8, -0.9) = -0.9
    assert loss.item() == pytest.approx(-((0.5 * 1.1 + 1.0 + 1.05) / 2.5 - 0.9) / 2)
    assert clipfrac.item() == pytest.approx(2 / 4)  # 1.2 and 0.8, of the four real tokens
    assert approx_kl.item() == pytest.approx(((0.2 - math.log(1.2)) + (0.05 - math.log(1.05)) + (-0.2 - math.log(0.8))) / 4)
    assert guarded.item() == 0.0
    (grad,) = torch.autograd.grad(loss, new)
    # the clipped tokens and the padding give no gradient; the others d/dlogp (ratio * A * w / sum w) / 2
    assert grad.flatten().tolist() == pytest.approx([0.0, -1.0 / 2.5 / 2, -1.05 / 2.5 / 2, 0.0, 0.0, 0.0])


def test_padding_tokens_neither_overflow_the_loss_nor_count_in_the_token_fractions():
    # response 0: one real token with ratio 20 (guarded at 10), then padding whose log-probs are
    # garbage (a log-ratio of 200 would be exp() = inf, and inf * 0 weight NaN); response 1: ratio 1
    new = torch.tensor([[math.log(20), 200.0, 200.0], [0.0, 0.0, 0.0]], requires_grad=True)
    weights = torch.tensor([[1.0, 0.0, 0.0], [1.0, 0.0, 0.0]])
    loss, clipfrac, approx_kl, guarded = core.token_policy_loss(new, torch.zeros(2, 3), t(-1, 1), weights, clip=0.1, ratio_guard=10)
    assert loss.item() == pytest.approx(-(-1.1 + 1.0) / 2)
    assert guarded.item() == pytest.approx(1 / 2) and clipfrac.item() == pytest.approx(1 / 2)  # of the two real tokens, not of six
    assert approx_kl.item() == pytest.approx((19 - math.log(20)) / 2, rel=1e-5)
    (grad,) = torch.autograd.grad(loss, new)
    assert torch.isfinite(grad).all()


def test_the_guard_takes_ratios_above_it_not_at_it():
    # a ratio of exactly 1 against a guard of 1: not guarded (the reference's rule is "exceeds")
    assert core.policy_loss(t(0), t(0), t(-1), clip=0.1, ratio_guard=1.0)[3].item() == 0.0
    assert core.token_policy_loss(torch.zeros(1, 1), torch.zeros(1, 1), t(-1), torch.ones(1, 1), clip=0.1, ratio_guard=1.0)[3].item() == 0.0


def test_token_ratios_equal_the_sequence_surrogate_for_one_token_responses():
    new, old, advantages = torch.log(t(1.2, 0.95, 20)), t(0, 0, 0), t(1, -1, -1)
    by_sequence = core.policy_loss(new, old, advantages, clip=0.1, ratio_guard=10)
    by_token = core.token_policy_loss(new.unsqueeze(1), old.unsqueeze(1), advantages, torch.ones(3, 1), clip=0.1, ratio_guard=10)
    for a, b in zip(by_sequence, by_token):
        assert a.item() == pytest.approx(b.item())


def test_the_cosine_learning_rate_is_torchs_cosine_annealing_in_updates():
    """torch's CosineAnnealingLR(T_max, eta_min) stepped k times per update is cosine_lr with a
    period of T_max / k updates, past T_max too (torch's cosine is periodic: it rises again).
    k = 8 is the reference's: accelerate steps its scheduler once per process."""
    for updates, t_max, steps_per_update in ((20, 100, 1), (15, 20, 1), (10, 10, 1), (20, 100, 8), (15, 20, 8), (30, 10, 1)):
        optimizer = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=1e-6)
        torch_schedule = torch.optim.lr_scheduler.CosineAnnealingLR(optimizer, T_max=t_max, eta_min=1e-9)
        expected = rates_per_step(optimizer, torch_schedule, updates, scheduler_steps=steps_per_update)
        period = t_max / steps_per_update
        assert [core.cosine_lr(u, period, 1e-6, 1e-9) for u in range(updates)] == pytest.approx(expected, rel=1e-6, abs=1e-15)
    assert core.cosine_lr(19, 100, 1e-6, 1e-9) > 0.9e-6  # 100 updates: barely decays over 20
    assert core.cosine_lr(12.5, 12.5, 1e-6, 1e-9) == pytest.approx(1e-9)  # the floor at the period's end
    assert core.cosine_lr(30, 20, 1e-6, 1e-9) == pytest.approx(core.cosine_lr(10, 20, 1e-6, 1e-9))  # then back up


def test_clipped_value_loss_by_hand():
    assert core.value_loss(t(1.0), t(0.0), t(2.0), clip=0.1).item() == pytest.approx(0.5 * 1.9**2)
    assert core.value_loss(t(1.95), t(2.0), t(2.0), clip=0.1).item() == pytest.approx(0.5 * 0.05**2, abs=1e-7)


def test_token_weights_by_character_offsets():
    response = '{"thought": "x", "formula": "1+2"}'
    at = response.find('"formula":')  # 17
    ends = [2, 10, 16, 17, 27, 34]  # a token ending exactly at the key is still thought
    assert core.token_weights(response, ends, '"formula":', 0.5) == [0.5, 0.5, 0.5, 0.5, 1.0, 1.0]
    assert at == 17
    assert core.token_weights("no key here", [3, 7, 11], '"formula":', 0.5) == [1.0, 1.0, 1.0]


def test_sequence_logprob_weights_and_masks():
    logprobs = t(-1, -2, -3).unsqueeze(0)
    assert core.sequence_logprob(logprobs, t(0.5, 1, 1).unsqueeze(0), t(1, 1, 0).unsqueeze(0)).tolist() == [-2.5]


def test_group_advantages():
    advantages = core.group_advantages(t(1, 3, 5, 5), torch.tensor([0, 0, 1, 1]))
    assert advantages.tolist() == pytest.approx([-1 / math.sqrt(2), 1 / math.sqrt(2), 0.0, 0.0], abs=1e-5)
    unscaled = core.group_advantages(t(1, 3, 5, 5), torch.tensor([0, 0, 1, 1]), scale=False)
    assert unscaled.tolist() == [-1.0, 1.0, 0.0, 0.0]


def test_normalize_and_entropy():
    assert core.normalize(t(1, 2, 3)).tolist() == pytest.approx([-1, 0, 1], abs=1e-6)
    assert core.normalize(t(2, 4, 6)).tolist() == pytest.approx([-1, 0, 1], abs=1e-6)  # divided by the std (2), not only centred
    assert core.normalize(t(1, 3)).tolist() == pytest.approx([-1 / math.sqrt(2), 1 / math.sqrt(2)], abs=1e-6)  # two already have a std
    assert core.normalize(t(5)).tolist() == [0.0]  # one transition: centred, no std to divide by
    uniform = torch.zeros(1, 2, 4)
    assert core.entropy(uniform, t(1, 1).unsqueeze(0)).item() == pytest.approx(math.log(4))


def test_the_kl_penalty_pulls_toward_the_reference_on_policy():
    # Exact expectation over a categorical policy's own samples (weights detached, as sampling is):
    # the penalty's gradient must be the gradient of KL(pi || ref); the mean log-ratio's is 0.
    logits = torch.tensor([1.0, -0.5, 0.3, 2.0], requires_grad=True)
    ref = torch.log_softmax(torch.tensor([0.2, 0.1, -1.0, 0.5]), dim=0)
    logp = torch.log_softmax(logits, dim=0)
    weights = logp.exp().detach()

    def expected_gradient(per_sample) -> torch.Tensor:
        (grad,) = torch.autograd.grad(sum(w * per_sample(logp[i : i + 1], ref[i : i + 1]) for i, w in enumerate(weights)), logits, retain_graph=True)
        return grad

    (true,) = torch.autograd.grad((logp.exp() * (logp - ref)).sum(), logits, retain_graph=True)
    assert expected_gradient(core.kl_penalty) == pytest.approx(true.tolist(), abs=1e-6)
    assert expected_gradient(lambda a, b: (a - b).mean()) == pytest.approx([0.0] * 4, abs=1e-6)
    same = torch.tensor([-3.0, -40.0])
    assert core.kl_penalty(same, same).item() == 0.0


def test_head_scores_match_the_whole_softmax_and_refuse_a_silent_pass():
    """core.head_scores against log_softmax over the whole logits, for each entropy mode and
    chunk size (one that does not divide the rows too) and with more calls than the rows need
    (empty chunks, in forward and backward); "value" entropies carry no gradient; no rows, a
    zero chunk, too few calls or an unknown mode fail loudly."""
    torch.manual_seed(0)
    head = torch.nn.Linear(6, 11, bias=False)
    hidden = torch.randn(7, 6, requires_grad=True)
    targets = torch.randint(0, 11, (7,))
    logp_all = torch.log_softmax(head(hidden) / 0.7, dim=-1)
    expected_logp = logp_all.gather(1, targets.unsqueeze(1)).squeeze(1)
    expected_entropy = -(logp_all.exp() * logp_all).sum(-1)
    (expected_logp.sum() + 0.3 * expected_entropy.sum()).backward()
    expected_grads = (hidden.grad.clone(), head.weight.grad.clone())
    for chunk in (1, 3, 7, 100):
        hidden.grad = head.weight.grad = None
        logp, entropy = core.head_scores(head, hidden, targets, 0.7, chunk, "grad")
        torch.testing.assert_close(logp, expected_logp)
        torch.testing.assert_close(entropy, expected_entropy)
        (logp.sum() + 0.3 * entropy.sum()).backward()
        torch.testing.assert_close((hidden.grad, head.weight.grad), expected_grads)
    called = []
    counted = lambda rows: (called.append(rows.shape[0]), head(rows))[1]  # noqa: E731
    hidden.grad = head.weight.grad = None
    logp, entropy = core.head_scores(counted, hidden, targets, 0.7, 3, "grad", calls=5)  # ZeRO-3: as many calls as another process needs
    assert called == [3, 3, 1, 0, 0]
    torch.testing.assert_close(logp, expected_logp)
    (logp.sum() + 0.3 * entropy.sum()).backward()
    assert called == [3, 3, 1, 0, 0] + [0, 0, 1, 3, 3]  # backward makes every chunk again (last first), the empty ones too
    torch.testing.assert_close((hidden.grad, head.weight.grad), expected_grads)
    logp, entropy = core.head_scores(head, hidden, targets, 0.7, 3, "value")
    assert logp.requires_grad and not entropy.requires_grad
    assert core.head_scores(head, hidden, targets, 0.7, 3, "none")[1] is None
    for bad, match in (((hidden[:0], targets[:0], 0.7, 3, "none"), "no rows"), ((hidden, targets, 0.7, 0, "none"), "chunk 0"), ((hidden, targets, 0.7, 3, "all"), "entropy 'all'"), ((hidden, targets, 0.7, 3, "none", 2), "calls 2: 7 rows in chunks of 3 need 3")):
        with pytest.raises(ValueError, match=match):
            core.head_scores(head, *bad)
