"""Where evaluation results go: the log line holds the scalars, the JSON
results and a CSV hold the per-class accuracy."""
import csv
import glob
import json
import os.path as osp
import re
import sys

import mmengine
import pytest
from mmengine.runner import Runner
from tiny_run import Context, call_tool, copy_of_run, run_tool, tiny_fmnist_cfg

# no class of the tiny subset has more than 100 images: no many-shot group
SCALARS = {'lt/top1', 'lt/top5', 'lt/mean_class', 'lt/medium', 'lt/few'}


def test_log_line_holds_scalars_and_csv_holds_per_class(fmnist, tmp_path):
    runner = Runner.from_cfg(
        tiny_fmnist_cfg('ce', Context(fmnist, str(tmp_path))))
    metrics = runner.test()
    with open(osp.join(runner.log_dir, f'{runner.timestamp}.log')) as f:
        line = [row for row in f if 'Epoch(test)' in row][-1]
    assert set(metrics) == {*SCALARS, 'lt/per_class'}
    for key in SCALARS:
        assert f'{key}: {metrics[key]:.4f}' in line
    assert 'per_class' not in line and line.count('[') == 1  # [2/2]
    saved = json.loads(
        open(
            glob.glob(osp.join(runner.log_dir,
                               f'{runner.timestamp}.json'))[0]).readline())
    assert saved['lt/per_class'] == metrics['lt/per_class']
    assert len(saved['lt/per_class']) == 10
    with open(osp.join(runner.log_dir, 'per_class_accuracy_test.csv')) as f:
        rows = list(csv.DictReader(f))
    # the tiny subset: int(24 * 4 ** (-i / 9)) training images of class i
    counts = [int(24 * 4**(-i / 9)) for i in range(10)]
    assert [int(r['train_images']) for r in rows] == counts
    assert [r['name'] for r in rows][:2] == ['T-shirt/top', 'Trouser']
    assert [float(r['accuracy'])
            for r in rows] == pytest.approx(metrics['lt/per_class'])


def test_test_tool_takes_mmpretrain_arguments(finished_run, tmp_path, capsys):
    """``tools/test.py`` is MMPretrain's: ``--out``/``--out-item`` and
    ``--tta`` work."""
    run = copy_of_run(finished_run, str(tmp_path))
    for extra, out in ((['--out-item', 'metrics',
                         '--tta'], 'metrics.pkl'), ([], 'predictions.pkl')):
        work = tmp_path / f'test_{out}'
        code, message = call_tool(
            'tools/test.py',
            [
                run.config,
                run.checkpoint,
                '--work-dir',
                str(work),
                '--out',
                str(tmp_path / out),
                *extra,
                '--cfg-options',
                f'experiment_name=test_{out}'  # a logger of its own
            ],
            capsys)
        assert code == 0, message
        # the checkpoint's counts reach the model inside the TTA model too
        log, = work.glob('*/*.log')
        assert 'Epoch(test)' in log.read_text()
        assert 'no recorded training class counts' not in log.read_text()
    metrics = mmengine.load(str(tmp_path / 'metrics.pkl'))
    assert set(metrics) == {*SCALARS, 'lt/per_class'}
    predictions = mmengine.load(str(tmp_path / 'predictions.pkl'))
    assert len(predictions) == 50  # the 50 test images
    assert {int(p['pred_label']) for p in predictions} <= set(range(10))
    # MMPretrain's eval_metric.py on them, with the training counts given
    counts = [int(24 * 4**(-i / 9)) for i in range(10)]
    result = run_tool([
        sys.executable, 'tools/analysis_tools/eval_metric.py',
        str(tmp_path / 'predictions.pkl'), '--metric', 'type=LongTailAccuracy',
        f'class_counts={counts}'.replace(' ', '')
    ],
                      check=True)
    hits = [int(p['pred_label']) == int(p['gt_label']) for p in predictions]
    top1 = float(re.search(r"'lt/top1': ([\d.]+)", result.stdout)[1])
    assert top1 == pytest.approx(100 * sum(hits) / len(hits))
    assert "'lt/few':" in result.stdout and "'lt/many'" not in result.stdout
