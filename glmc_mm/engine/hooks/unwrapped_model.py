"""The model a hook acts on: the runner's, without its wrapper."""
from mmengine.model import is_model_wrapper
from torch import nn


def unwrapped_model(runner) -> nn.Module:
    """``runner.model``, or the model inside it when MMEngine wrapped it
    (e.g. for distributed training)."""
    model = runner.model
    return model.module if is_model_wrapper(model) else model
