"""SAMOptimWrapper: one step against a hand-written two-pass update, in
one process and under DistributedDataParallel, and GLMC's second pass on
the first pass's batch and mixing."""
import copy

import pytest
import torch
import torch.distributed as dist
from mmengine.model import BaseModel, MMDistributedDataParallel
from mmengine.runner import Runner
from tiny_run import Context, free_port, tiny_fmnist_cfg
from torch import nn

from glmc_mm.engine import SAMOptimWrapper


class Tiny(BaseModel):
    """A float64 linear model with two loss terms; ``proj`` serves only
    ``loss_b``."""

    def __init__(self) -> None:
        super().__init__()
        torch.manual_seed(0)
        self.fc = nn.Linear(3, 2).double()
        self.proj = nn.Linear(2, 2).double()

    def forward(self, inputs, data_samples=None, mode='tensor'):
        out = self.fc(inputs)
        if mode != 'loss':
            return out
        return dict(
            loss_a=((out - data_samples)**2).mean(),
            loss_b=0.1 * self.proj(out).abs().mean())


def batch(step: int) -> dict:
    generator = torch.Generator().manual_seed(step)
    return dict(
        inputs=torch.randn(4, 3, generator=generator, dtype=torch.float64),
        data_samples=torch.randn(
            4, 2, generator=generator, dtype=torch.float64))


def by_hand(model: Tiny, steps: int, rho: float, adaptive: bool,
            ascent_terms) -> dict:
    """SAM written out: the gradient of ``ascent_terms`` at ``w``, the
    ascent ``rho T g / ||T g||`` (``T = |w|`` adaptive, else 1), the whole
    loss's gradient at ``w + e``, SGD's step from ``w`` with it."""
    params = list(model.parameters())
    sgd = torch.optim.SGD(params, lr=0.1, momentum=0.9, weight_decay=5e-3)
    for step in range(steps):
        data = batch(step)
        losses = model(**data, mode='loss')
        grads = torch.autograd.grad(
            sum(losses[k] for k in ascent_terms), params, allow_unused=True)
        grads = [
            torch.zeros_like(p) if g is None else g
            for p, g in zip(params, grads)
        ]
        with torch.no_grad():
            scaled = [(p.abs() if adaptive else 1) * g
                      for p, g in zip(params, grads)]
            norm = torch.sqrt(sum((s**2).sum() for s in scaled))
            ascents = [(p.abs() if adaptive else 1) * s * rho / norm
                       for p, s in zip(params, scaled)]
            w = [p.clone() for p in params]
            for p, e in zip(params, ascents):
                p.add_(e)
        total = sum(model(**data, mode='loss').values())
        grads = torch.autograd.grad(total, params)
        with torch.no_grad():
            for p, old, g in zip(params, w, grads):
                p.copy_(old)
                p.grad = g
        sgd.step()
    return {k: v.clone() for k, v in model.state_dict().items()}


@pytest.mark.parametrize('rho, adaptive, perturb_losses',
                         [(0.05, False, None), (0.5, True, None),
                          (0.05, False, ['loss_a'])])
def test_three_steps_equal_the_two_pass_update_written_out(
        rho, adaptive, perturb_losses):
    model = Tiny()
    expected = by_hand(
        copy.deepcopy(model), 3, rho, adaptive, perturb_losses
        or ['loss_a', 'loss_b'])
    start = {k: v.clone() for k, v in model.state_dict().items()}
    log_vars = sam_steps(model, model, rho, adaptive, perturb_losses)
    # the logged loss is the first pass's, at w
    assert set(log_vars) == {'loss', 'loss_a', 'loss_b'}
    assert_weights(model, expected, start)
    # and not plain SGD's: the ascent changed the step
    plain = Tiny()
    sgd = torch.optim.SGD(
        plain.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-3)
    for step in range(3):
        sgd.zero_grad()
        sum(plain(**batch(step), mode='loss').values()).backward()
        sgd.step()
    assert (plain.fc.weight - model.fc.weight).abs().max() > 1e-4


def sam_steps(model: Tiny, stepped: nn.Module, rho: float, adaptive: bool,
              perturb_losses) -> dict:
    """Three ``train_step`` calls of ``stepped`` (``model`` or its
    wrapper) with SAM around SGD; the last step's log variables."""
    wrapper = SAMOptimWrapper(
        torch.optim.SGD(
            model.parameters(), lr=0.1, momentum=0.9, weight_decay=5e-3),
        rho=rho,
        adaptive=adaptive,
        perturb_losses=perturb_losses)
    for step in range(3):
        log_vars = stepped.train_step(batch(step), wrapper)
    return log_vars


def assert_weights(model: Tiny, expected: dict, start: dict) -> None:
    for key, value in model.state_dict().items():
        torch.testing.assert_close(value, expected[key], rtol=0, atol=1e-12)
        assert not torch.equal(value, start[key])


@pytest.mark.parametrize('perturb_losses', [None, ['loss_a']])
def test_under_distributed_data_parallel_the_steps_are_the_same(
        perturb_losses, monkeypatch):
    """``dist_train.sh`` wraps the model in MMEngine's
    DistributedDataParallel, which reduces every parameter's gradient in
    each backward: an ascent from ``loss_a`` alone (``proj`` unused) used to
    stop the second iteration ("Expected to have finished reduction")."""
    model = Tiny()
    expected = by_hand(
        copy.deepcopy(model), 3, 0.05, False, perturb_losses
        or ['loss_a', 'loss_b'])
    start = {k: v.clone() for k, v in model.state_dict().items()}
    monkeypatch.setenv('MASTER_ADDR', '127.0.0.1')
    monkeypatch.setenv('MASTER_PORT', str(free_port()))
    dist.init_process_group('gloo', rank=0, world_size=1)
    try:
        wrapped = MMDistributedDataParallel(
            module=model, broadcast_buffers=False)
        sam_steps(model, wrapped, 0.05, False, perturb_losses)
    finally:
        dist.destroy_process_group()
    assert_weights(model, expected, start)


@pytest.mark.parametrize('kwargs, error, words', [
    (dict(accumulative_counts=2), ValueError,
     'accumulative_counts must be 1, got 2'),
    (dict(rho=0), ValueError, 'SAMOptimWrapper: rho must be a finite number '
     '> 0, got 0'),
    (dict(adaptive='yes'), TypeError, "adaptive must be True or False, got "
     "'yes'"),
    (dict(perturb_losses='loss_a'), TypeError, 'perturb_losses must be a '
     "non-empty list of loss names, got 'loss_a'"),
])
def test_bad_settings_are_named(kwargs, error, words):
    with pytest.raises(error) as raised:
        SAMOptimWrapper(torch.optim.SGD(Tiny().parameters(), lr=0.1), **kwargs)
    assert words in str(raised.value)


def test_an_unknown_loss_name_is_named_at_the_first_step():
    model = Tiny()
    wrapper = SAMOptimWrapper(
        torch.optim.SGD(model.parameters(), lr=0.1), perturb_losses=['loss_c'])
    with pytest.raises(
            KeyError,
            match=r"perturb_losses names \['loss_c'\], "
            r"which the model does not return \(it returns "
            r"\['loss_a', 'loss_b'\]\)"):
        model.train_step(batch(0), wrapper)


@pytest.mark.parametrize('kind, views', [('glmc-sam', 2), ('bs-sam', 1)])
def test_the_second_pass_sees_the_first_pass_batch(fmnist, tmp_path, kind,
                                                   views):
    """Real runs of the two SAM configs. GLMC: per iteration the backbone
    gets the mixup and the CutMix batch, then the same two again (the same
    streams, ``lam`` and box) at the perturbed weights. Balanced Softmax (an
    MMPretrain ``ImageClassifier``): its one batch, twice. The next
    iteration gets others."""
    cfg = tiny_fmnist_cfg(
        kind, Context(fmnist, str(tmp_path)), **{
            'train_cfg.max_epochs': 2,
            'param_scheduler.T_max': 2
        })
    runner = Runner.from_cfg(cfg)
    seen = []
    runner.model.backbone.register_forward_hook(
        lambda module, args, out: seen.append(args[0].detach().clone())
        if module.training else None)
    runner.train()
    iterations = runner.iter
    assert iterations > 2
    assert len(seen) == 2 * views * iterations
    for k in range(iterations):
        first, second = (seen[2 * views * k:2 * views * k + views],
                         seen[2 * views * k + views:2 * views * (k + 1)])
        assert all(torch.equal(a, b) for a, b in zip(first, second))
        if views == 2:  # mixup and CutMix are different batches
            assert not torch.equal(*first)
        if k + 1 < iterations:
            assert not torch.equal(first[0], seen[2 * views * (k + 1)])
    assert isinstance(runner.optim_wrapper, SAMOptimWrapper)
