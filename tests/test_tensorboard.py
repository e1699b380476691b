"""MMEngine's TensorboardVisBackend receives GLMC's alpha and loss terms."""
import glob
import os.path as osp

from mmengine.runner import Runner
from tensorboard.backend.event_processing.event_accumulator import \
    EventAccumulator
from tiny_run import Context, tiny_fmnist_cfg

TENSORBOARD = {
    'visualizer.vis_backends':
    [dict(type='LocalVisBackend'),
     dict(type='TensorboardVisBackend')]
}


def test_alpha_and_the_three_loss_terms_reach_tensorboard(fmnist, tmp_path):
    cfg = tiny_fmnist_cfg(
        'glmc', Context(fmnist, str(tmp_path)), **{
            'train_cfg.max_epochs': 2,
            'param_scheduler.T_max': 2,
            **TENSORBOARD
        })
    runner = Runner.from_cfg(cfg)
    runner.train()
    events = glob.glob(
        osp.join(runner.log_dir, 'vis_data', 'events.out.tfevents.*'))
    assert len(events) == 1
    scalars = EventAccumulator(events[0])
    scalars.Reload()
    tags = set(scalars.Tags()['scalars'])
    # MMEngine writes the training scalars without their 'train/' prefix
    assert {
        'alpha', 'loss', 'loss_balanced', 'loss_rebalanced',
        'loss_consistency', 'lr', 'lt/top1', 'lt/few'
    } <= tags
    # alpha = 1 - (epoch / 2) ** 2: 1 in epoch 1, 0.75 in epoch 2
    assert {round(e.value, 4) for e in scalars.Scalars('alpha')} == {1.0, 0.75}
    assert 'lt/per_class' not in tags  # a list, not a scalar
