"""tools/analysis_tools/lt_benchmark.py on a tiny generated setting."""
import json
import os.path as osp
import re
import sys

import numpy as np
import pytest

from tiny_run import (CE_BASE, CE_CONFIG, GLMC_CONFIG, REPO, make_tiny_cifar,
                      run_tool, write_config)

CRT_BASE = osp.join(REPO, 'configs', 'glmc',
                    'crt_resnet32_1xb64-10e_cifar10-lt-if100.py')


def benchmark(md5, work_dir, methods, seeds):
    result = run_tool([
        sys.executable, 'tools/analysis_tools/lt_benchmark.py', '--methods',
        *methods, '--seeds', *map(str, seeds), '--epochs', '1',
        '--work-dir', str(work_dir)
    ], md5, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout


def test_two_methods_two_seeds_resumed_halfway(tmp_path):
    md5 = make_tiny_cifar(str(tmp_path), learnable=True)
    ce = write_config(str(tmp_path / 'ce.py'), str(tmp_path), CE_CONFIG,
                      CE_BASE)
    glmc = write_config(str(tmp_path / 'glmc.py'), str(tmp_path),
                        GLMC_CONFIG)
    crt = write_config(str(tmp_path / 'crt.py'), str(tmp_path), CE_CONFIG,
                       CRT_BASE)
    # cRT listed first: the tool still trains CE before it
    methods = [f'cRT={crt}@CE', f'CE={ce}', f'GLMC={glmc}']
    work = tmp_path / 'bench'
    benchmark(md5, work, methods, [0])
    first = {
        name: (work / f'{name}_e1_s0' / 'wall_time.json').stat().st_mtime
        for name in ('CE', 'GLMC')
    }
    out = benchmark(md5, work, methods, [0, 1])
    # the seed-0 runs were skipped, not trained again
    for name, mtime in first.items():
        assert (work / f'{name}_e1_s0' / 'wall_time.json').stat().st_mtime \
            == mtime
    table = (work / 'results.md').read_text()
    assert table.splitlines()[0].startswith('| method | epochs | seeds |')
    for name in ('CE', 'GLMC'):
        top1 = []
        for seed in (0, 1):
            tests = list((work / f'{name}_e1_s{seed}' / 'test').glob(
                '*/*.json'))
            record = json.loads(tests[0].read_text().splitlines()[-1])
            top1.append(record['lt/top1'])
        # the epoch-1 checkpoint of each run, tested once
        assert len(list((work / f'{name}_e1_s1').glob('epoch_*.pth'))) == 1
        row = [line for line in table.splitlines()
               if line.startswith(f'| {name} |')][0]
        cells = [c.strip() for c in row.strip('|').split('|')]
        assert cells[1:3] == ['1', '2']
        mean, spread = map(float, re.match(r'([\d.]+) ± ([\d.]+)',
                                           cells[3]).groups())
        assert mean == pytest.approx(np.mean(top1), abs=0.05)
        assert spread == pytest.approx(np.std(top1, ddof=1), abs=0.05)
    assert '| CE |' in out
    # cRT: CE's backbone (weights and BatchNorm statistics) kept as it was,
    # a new classifier trained with class-balanced batches
    import torch
    for seed in (0, 1):
        stage1 = torch.load(work / f'CE_e1_s{seed}' / 'epoch_1.pth',
                            weights_only=True)['state_dict']
        stage2 = torch.load(work / f'cRT_e1_s{seed}' / 'epoch_2.pth',
                            weights_only=True)['state_dict']
        backbone = [k for k in stage1 if k.startswith('backbone.')]
        assert len(backbone) > 20
        for key in backbone:
            assert torch.equal(stage1[key], stage2[key]), key
        assert not torch.allclose(stage1['head.fc.weight'],
                                  stage2['head.fc.weight'])
    for png in ('per_class_e1.png', 'shot_groups_e1.png'):
        assert (work / png).stat().st_size > 10000


def test_bad_method_lists_are_refused_before_any_run(tmp_path):
    md5 = make_tiny_cifar(str(tmp_path))
    config = osp.join(REPO, 'configs', 'glmc',
                      'ce_resnet32_1xb64-200e_cifar10-lt-if100.py')
    for methods, message in (
        ([f'CE={config}', f'CE={config}'],
         "the method name 'CE' is given twice"),
        ([f'cRT={config}@CE'], "no method named 'CE'"),
        (['CE=missing.py'], 'no config file missing.py'),
    ):
        result = run_tool([
            sys.executable, 'tools/analysis_tools/lt_benchmark.py',
            '--methods', *methods, '--epochs', '1', '--work-dir',
            str(tmp_path / 'w')
        ], md5)
        assert result.returncode != 0
        assert message in result.stderr
    assert not osp.exists(tmp_path / 'w')


def test_crt_without_its_ce_checkpoint_is_refused_before_training(tmp_path):
    md5 = make_tiny_cifar(str(tmp_path))
    crt = write_config(str(tmp_path / 'crt.py'), str(tmp_path), CE_CONFIG,
                       CRT_BASE)
    missing = tmp_path / 'no_ce_run' / 'epoch_200.pth'
    result = run_tool([
        sys.executable, 'tools/train.py', crt, '--work-dir',
        str(tmp_path / 'w'), '--cfg-options',
        f'model.backbone.init_cfg.checkpoint={missing}'
    ], md5)
    assert result.returncode != 0
    assert (f'checkpoint {missing} can not be found (the file named by '
            'load_from, --resume or an init_cfg checkpoint=)') in result.stderr
    assert 'Epoch(train)' not in result.stdout


def test_table_and_spread_notes_by_hand():
    from glmc_mm.utils.lt_benchmark import (markdown_table, summarise,
                                            within_spread)
    table = summarise({
        ('A', 1): [dict(**{'lt/top1': 50., 'lt/few': 10.}, wall_time_s=60),
                   dict(**{'lt/top1': 52., 'lt/few': 14.}, wall_time_s=66)],
        ('B', 1): [dict(**{'lt/top1': 51.}, wall_time_s=30),
                   dict(**{'lt/top1': 57.}, wall_time_s=30)],
    })
    # sample standard deviations: sqrt(2), sqrt(18)
    assert table[('A', 1)]['top1'] == pytest.approx((51., 2**0.5, 2))
    assert table[('B', 1)]['top1'] == pytest.approx((54., 18**0.5, 2))
    assert 'few' not in table[('B', 1)]  # an empty group stays empty
    lines = markdown_table(table).splitlines()
    assert lines[2] == ('| A | 1 | 2 | 51.0 ± 1.4 | – | – | – | 12.0 ± 2.8 '
                        '| 1.1 |')
    # |51 - 54| = 3 <= sqrt(2 + 18) = 4.5: the seeds cannot tell them apart
    assert within_spread(table) == [
        'A vs B (1 epochs), top-1: 51.0 vs 54.0, difference 3.0 <= spread 4.5'
    ]
    table[('B', 1)]['top1'] = (60., 1., 2)
    assert within_spread(table) == []
