"""The checkpoint file a runner loads, as the hooks' errors name it."""
from mmengine.runner import find_latest_checkpoint


def loaded_checkpoint(runner) -> str:
    """The file whose checkpoint ``runner`` is loading: ``load_from`` (which
    ``tools/test.py`` and ``--resume PATH`` set too), else, on an automatic
    resume, the one ``last_checkpoint`` in the work dir names.

    Args:
        runner (Runner): The runner, in ``after_load_checkpoint``.
    """
    load_from = runner.cfg.get('load_from')
    if load_from:
        return str(load_from)
    if runner.cfg.get('resume'):
        return find_latest_checkpoint(
            runner.work_dir) or (f'the last checkpoint in {runner.work_dir}')
    return 'the checkpoint'
