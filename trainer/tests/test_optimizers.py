"""ptlab.optimizers: bf16 and fp16 trained weights step through fp32 copies (MasterWeights)."""

import pytest

torch = pytest.importorskip("torch")

from ptlab import optimizers  # noqa: E402
from ptlab.config import Adam  # noqa: E402


def _weights(dtype: torch.dtype) -> list[torch.nn.Parameter]:
    g = torch.Generator().manual_seed(0)
    return [torch.nn.Parameter((torch.randn(64, 64, generator=g) * 0.02).to(dtype)) for _ in range(3)] + [torch.nn.Parameter(torch.zeros(4))]  # an fp32 one too (a value head)


def _steps(weights, optimizer, scheduler, steps: range, dtype: torch.dtype = torch.bfloat16) -> None:
    """Gradients as a low-precision model's backward gives them (in `dtype`): a steady
    direction and noise."""
    for step in steps:
        g = torch.Generator().manual_seed(100 + step)
        for i, w in enumerate(weights):
            steady = torch.randn(w.shape, generator=torch.Generator().manual_seed(i))
            w.grad = (steady + 0.5 * torch.randn(w.shape, generator=g)).to(dtype).to(w.dtype)
        optimizer.step()
        scheduler.step()
        optimizer.zero_grad()


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float16])
def test_low_precision_weights_step_as_fp32_weights_rounded(dtype):
    """At a learning rate of 1e-6 (the paper's) an Adam step is under half of bf16's spacing
    for most weights: stepped in place nearly none moves. Through fp32 copies the weights are
    the fp32 run's, rounded, at every step; the learning-rate schedule reaches the copies."""
    ours, reference, in_place = _weights(dtype), [torch.nn.Parameter(w.detach().float()) for w in _weights(dtype)], _weights(dtype)
    optimizer = optimizers.adam(torch.optim.AdamW, ours, 1e-6, Adam(), "sft.adam.implementation", ValueError)
    theirs = torch.optim.AdamW(reference, lr=1e-6, **Adam().torch_options())
    plain = torch.optim.AdamW(in_place, lr=1e-6, **Adam().torch_options())
    assert isinstance(optimizer, optimizers.MasterWeights)
    for weights, opt in ((ours, optimizer), (reference, theirs), (in_place, plain)):
        _steps(weights, opt, torch.optim.lr_scheduler.LambdaLR(opt, lambda s: 1 / (1 + s / 50)), range(60), dtype)
    assert all(torch.equal(w, r.detach().to(dtype)) for w, r in zip(ours[:3], reference))
    assert torch.equal(ours[3], reference[3]) and ours[3].abs().sum() > 0
    moved = lambda weights: sum((w.detach() != w0).sum().item() for w, w0 in zip(weights[:3], _weights(dtype)[:3]))  # noqa: E731
    assert moved(ours) > 5 * moved(in_place)  # bf16: 40% of the entries against 2%; fp16: 96% against 16%


def test_a_state_dict_carries_the_copies_and_a_resumed_optimizer_goes_on_as_one_that_never_stopped():
    straight, halted = _weights(torch.bfloat16), _weights(torch.bfloat16)
    a = optimizers.adam(torch.optim.Adam, straight, 1e-6, Adam(), "ppo.adam.implementation", ValueError)
    _steps(straight, a, torch.optim.lr_scheduler.LambdaLR(a, lambda s: 1.0), range(20))
    b = optimizers.adam(torch.optim.Adam, halted, 1e-6, Adam(), "ppo.adam.implementation", ValueError)
    _steps(halted, b, torch.optim.lr_scheduler.LambdaLR(b, lambda s: 1.0), range(10))
    saved = b.state_dict()
    assert len(saved["copies"]) == 3
    resumed_weights = [torch.nn.Parameter(w.detach().clone()) for w in halted]
    c = optimizers.adam(torch.optim.Adam, resumed_weights, 1e-6, Adam(), "ppo.adam.implementation", ValueError)
    c.load_state_dict(saved)
    _steps(resumed_weights, c, torch.optim.lr_scheduler.LambdaLR(c, lambda s: 1.0), range(10, 20))
    assert all(torch.equal(x, y) for x, y in zip(straight, resumed_weights))
    assert all(torch.equal(x, y) for x, y in zip(a.copies, c.copies))


def test_fp32_weights_and_deepspeed_step_as_before_and_fsdp_and_fp16_loss_scaling_refuse_low_precision_weights():
    assert type(optimizers.adam(torch.optim.Adam, _weights(torch.float32), 1e-6, Adam(), "ppo.adam.implementation", ValueError)) is torch.optim.Adam
    assert type(optimizers.adam(torch.optim.Adam, _weights(torch.bfloat16), 1e-6, Adam(), "ppo.adam.implementation", ValueError, "DEEPSPEED")) is torch.optim.Adam  # the engine keeps fp32 copies
    with pytest.raises(ValueError, match=r'model.dtype: FSDP would step the bfloat16 trained weights in their own precision.*set model.dtype to "fp32"'):
        optimizers.adam(torch.optim.Adam, _weights(torch.bfloat16), 1e-6, Adam(), "ppo.adam.implementation", ValueError, "FSDP")
    with pytest.raises(ValueError, match=r'bfloat16 trained weights under launcher.mixedPrecision "fp16" \(its loss scaling\): set model.dtype to "fp32"'):
        optimizers.adam(torch.optim.Adam, _weights(torch.bfloat16), 1e-6, Adam(), "ppo.adam.implementation", ValueError, "MULTI_GPU", grad_scaler=True)
    assert type(optimizers.adam(torch.optim.Adam, _weights(torch.float32), 1e-6, Adam(), "ppo.adam.implementation", ValueError, "MULTI_GPU", grad_scaler=True)) is torch.optim.Adam
