"""The end of a distributed run's process group."""
import torch.distributed as torch_dist


def destroy_process_group() -> None:
    """Destroy this process's default process group, where one was
    started, before the interpreter exits.

    MMEngine leaves it to the end of the process. Then gloo's threads can be
    torn down while they still run, and a rank whose run finished aborts
    (``terminate called without an active exception``, SIGABRT): torchrun
    reports the job failed, and on several nodes the other agents wait for
    it at their exit barrier (5 minutes by default).
    """
    if torch_dist.is_available() and torch_dist.is_initialized():
        torch_dist.barrier()  # no rank leaves while another still sends
        torch_dist.destroy_process_group()
