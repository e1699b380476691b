"""MMEngine's distributed wrapper, usable on a machine without a GPU."""
from mmengine.model import MMDistributedDataParallel
from mmengine.registry import MODEL_WRAPPERS


@MODEL_WRAPPERS.register_module()
class AnyDeviceDistributedDataParallel(MMDistributedDataParallel):
    """:class:`MMDistributedDataParallel` that also wraps a model whose
    parameters live on the CPU.

    MMEngine's runner always passes ``device_ids=[LOCAL_RANK]``, which
    PyTorch's DDP refuses for CPU modules. This wrapper drops
    ``device_ids`` (and ``output_device``) for those and changes nothing
    for a model on a GPU. Select it with::

        model_wrapper_cfg = dict(
            type='AnyDeviceDistributedDataParallel', broadcast_buffers=False)

    Args:
        module (nn.Module): The model to wrap.
        **kwargs: Arguments of :class:`MMDistributedDataParallel`.
    """

    def __init__(self, module, **kwargs) -> None:
        first = next(module.parameters(), None)
        if first is not None and first.device.type == 'cpu':
            kwargs['device_ids'] = None
            kwargs.pop('output_device', None)
        super().__init__(module=module, **kwargs)
