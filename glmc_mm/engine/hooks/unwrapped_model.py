"""The model a hook acts on: the runner's, without its wrappers."""
from mmengine.model import BaseTTAModel, is_model_wrapper
from torch import nn


def unwrapped_model(runner) -> nn.Module:
    """``runner.model``, or the model inside it where MMEngine wrapped it:
    for distributed training, or for test-time augmentation
    (``tools/test.py --tta``), whose checkpoint MMEngine loads into the
    model inside as well."""
    model = runner.model
    while is_model_wrapper(model) or isinstance(model, BaseTTAModel):
        model = model.module
    return model
