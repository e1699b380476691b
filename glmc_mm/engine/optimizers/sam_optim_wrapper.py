"""Sharpness-aware minimization as an MMEngine optimizer wrapper."""
from contextlib import contextmanager
from typing import Dict, List, Optional, Sequence

import torch
from mmengine.model import is_model_wrapper
from mmengine.optim import OptimWrapper
from mmpretrain.registry import OPTIM_WRAPPERS
from torch import nn

from ...utils.value_checks import check_number


@OPTIM_WRAPPERS.register_module()
class SAMOptimWrapper(OptimWrapper):
    """Sharpness-aware minimization (SAM, Foret et al., ICLR 2021) around
    any optimizer, for any model's ``train_step``.

    Each iteration takes two forward and backward passes over the same
    batch. With ``g`` the gradient of the batch loss at the weights ``w``,
    the weights are moved uphill to

    .. math::

        \\hat{w} = w + \\rho \\frac{T(w) g}{\\lVert T(w) g \\rVert_2},
        \\qquad T(w) = \\mathrm{diag}(|w|) \\text{ (adaptive) or } I,

    the gradient is taken again at :math:`\\hat{w}`, the weights are put back
    to ``w`` exactly, and the wrapped optimizer steps from ``w`` with the
    second gradient (gradient clipping, where configured, applies to it).
    ``adaptive=True`` is ASAM (Kwon et al., ICML 2021), whose ``rho`` is
    typically ten times larger.

    The second pass re-runs the model's own forward on the batch the first
    pass saw after the data preprocessor: :meth:`optim_context`, which every
    MMEngine ``train_step`` enters around its forward, records it. GLMC's
    mixing happens in its data preprocessor, so both passes see the same two
    streams, mixing ratio ``lam`` and CutMix box, and the same ``alpha``
    (set once per epoch). The logged losses are the first pass's, at ``w``.
    BatchNorm's running statistics are updated by both passes, as in the
    GLMC + SAM re-run of Rangwani et al. (``docs/method.md``).

    Under a model wrapper (``dist_train.sh``'s DistributedDataParallel) the
    ascent follows the gradient averaged over the ranks, as one process
    with the whole batch would. DistributedDataParallel reduces every
    parameter's gradient in each backward, so the terms that
    ``perturb_losses`` leaves out take part in the first backward with
    weight 0: their parameters' gradients are exact zeros there, and move
    nothing.

    Gradient accumulation is refused: the second pass would need every
    accumulated batch again. There is no mixed-precision variant
    (``tools/train.py --amp`` refuses a wrapper other than
    ``OptimWrapper``): the ascent step would need unscaled gradients.

    Example::

        optim_wrapper = dict(
            type='SAMOptimWrapper', rho=0.05,
            optimizer=dict(type='SGD', lr=0.01, momentum=0.9,
                           weight_decay=5e-3))

    Args:
        optimizer (torch.optim.Optimizer): The optimizer of the step.
        rho (float): The radius of the ascent step. Defaults to 0.05 (SAM's
            CIFAR value, and the GLMC + SAM re-run's).
        adaptive (bool): Scale the ascent by ``|w|`` (ASAM). Defaults to
            False.
        perturb_losses (Sequence[str], optional): The loss terms whose
            gradient sets the ascent direction (the second pass always
            steps with the whole loss); e.g. GLMC's ``loss_balanced`` and
            ``loss_rebalanced`` leave the consistency loss out of the
            ascent, as the GLMC + SAM re-run does. Defaults to None: the
            whole loss.
        eps (float): Added to the norm. Defaults to 1e-12.
        **kwargs: ``clip_grad`` of :class:`OptimWrapper`.
    """

    def __init__(self,
                 optimizer: torch.optim.Optimizer,
                 rho: float = 0.05,
                 adaptive: bool = False,
                 perturb_losses: Optional[Sequence[str]] = None,
                 eps: float = 1e-12,
                 **kwargs) -> None:
        counts = kwargs.get('accumulative_counts', 1)
        if counts != 1:
            raise ValueError(
                'SAMOptimWrapper: accumulative_counts must be 1, got '
                f'{counts!r}: the ascent step needs the gradient of the '
                'batch it re-runs, and gradient accumulation spreads a step '
                'over several batches')
        super().__init__(optimizer, **kwargs)
        self.rho = check_number('SAMOptimWrapper', 'rho', rho, above=0)
        self.eps = check_number('SAMOptimWrapper', 'eps', eps, minimum=0)
        if not isinstance(adaptive, bool):
            raise TypeError('SAMOptimWrapper: adaptive must be True or '
                            f'False, got {adaptive!r}')
        self.adaptive = adaptive
        if perturb_losses is not None and (
                isinstance(perturb_losses, str) or not perturb_losses
                or not all(isinstance(k, str) for k in perturb_losses)):
            raise TypeError(
                'SAMOptimWrapper: perturb_losses must be a non-empty list of '
                f'loss names, got {perturb_losses!r}')
        self.perturb_losses = None if perturb_losses is None else list(
            perturb_losses)
        self._model: Optional[nn.Module] = None
        self._batch: Optional[tuple] = None

    @contextmanager
    def optim_context(self, model: nn.Module):
        """MMEngine's context around the forward of ``train_step``; records
        the batch the model's forward gets (after its data preprocessor),
        and the losses it returns, for :meth:`update_params`."""
        forward = model._run_forward

        def recording(data, mode):
            losses = forward(data, mode)
            self._batch = (data, mode, losses)
            return losses

        self._model, self._batch = model, None
        model._run_forward = recording
        try:
            with super().optim_context(model):
                yield
        finally:
            del model._run_forward  # the class's own again

    def _losses(self, losses: Dict[str, torch.Tensor],
                keys: Optional[List[str]]) -> torch.Tensor:
        """The total of ``losses`` (of the terms ``keys``), as the model's
        ``parse_losses`` sums them."""
        if keys is not None:
            missing = [k for k in keys if k not in losses]
            if missing:
                raise KeyError(
                    f'SAMOptimWrapper: perturb_losses names {missing}, which '
                    f'the model does not return (it returns {sorted(losses)})')
            losses = {k: losses[k] for k in keys}
        model = getattr(self._model, 'module', self._model)
        return model.parse_losses(losses)[0]

    @torch.no_grad()
    def _ascend(self) -> List[tuple]:
        """Move every parameter with a gradient to ``w + e(w)``; return
        ``(parameter, w)`` to restore."""
        params = [
            p for group in self.optimizer.param_groups for p in group['params']
            if p.grad is not None
        ]
        directions = [(p.abs() * p.grad if self.adaptive else p.grad)
                      for p in params]
        norm = torch.linalg.vector_norm(
            torch.stack([torch.linalg.vector_norm(d) for d in directions]))
        scale = self.rho / (norm + self.eps)
        saved = []
        for p, d in zip(params, directions):
            saved.append((p, p.detach().clone()))
            p.add_(d * (p.abs() if self.adaptive else 1) * scale)
        return saved

    def update_params(self,
                      loss: torch.Tensor,
                      step_kwargs: Optional[Dict] = None,
                      zero_kwargs: Optional[Dict] = None) -> None:
        """Two passes, then the wrapped optimizer's step from ``w``.

        Args:
            loss (torch.Tensor): The first pass's loss (``train_step``'s).
            step_kwargs (dict, optional): For the optimizer's ``step``.
            zero_kwargs (dict, optional): For its ``zero_grad``.
        """
        if self._batch is None:
            raise RuntimeError(
                'SAMOptimWrapper.update_params must follow a forward inside '
                "optim_context (as MMEngine's train_step does): it re-runs "
                'that forward at the perturbed weights')
        data, mode, losses = self._batch
        self._batch = None
        first = loss
        if self.perturb_losses is not None:
            first = self._losses(losses, self.perturb_losses)
            if is_model_wrapper(self._model):
                first = first + 0 * loss  # every parameter in the backward
        self.backward(first)
        saved = self._ascend()
        self.zero_grad(**(zero_kwargs or {}))
        self._losses(self._model._run_forward(data, mode), None).backward()
        with torch.no_grad():
            for p, w in saved:
                p.copy_(w)
        self.step(**(step_kwargs or {}))
        self.zero_grad(**(zero_kwargs or {}))
