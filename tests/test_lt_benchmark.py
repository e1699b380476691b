"""tools/analysis_tools/lt_benchmark.py on a tiny generated setting."""
import fcntl
import json
import os
import os.path as osp
import re
import shutil
import signal
import subprocess
import sys
import time

import numpy as np
import pytest
from bad_benchmark_cases import TOOL, benchmark_of, run_file
from stream_recorder import read_records
from tiny_run import (CE_BASE, CE_CONFIG, GLMC_BASE, GLMC_CONFIG, REPO,
                      assert_same_run, call_tool, copy_of_run, load_tool,
                      make_tiny_cifar, run_tool, start_tool, write_config)

from glmc_mm.benchmark.run_pool import Slot, parallel_slots
from glmc_mm.utils.cpu_share import usable_cpus

CRT_BASE = osp.join(REPO, 'configs', 'glmc',
                    'crt_resnet32_1xb64-10e_cifar10-lt-if100.py')
LDAM_BASE = osp.join(REPO, 'configs', 'glmc',
                     'ldam-drw_resnet32_1xb64-200e_cifar10-lt-if100.py')
# what every epoch used (alpha, lr, DRW class weights, the streams), and a
# pause per iteration so that a run can be killed mid-way
RECORDED = """
custom_imports = dict(imports=['glmc_mm', 'cifar_md5_from_env',
                               'stream_recorder'], allow_failed_imports=False)
custom_hooks = [*_base_.custom_hooks,
                dict(type='StreamRecorderHook', delay=0.04)]
"""


def recorded(tmp_path, name, template, base):
    path = write_config(
        str(tmp_path / f'{name}.py'), str(tmp_path), template, base)
    with open(path, 'a') as f:
        f.write(RECORDED)
    return path


def benchmark(md5, work_dir, methods, seeds):
    result = run_tool([
        sys.executable, 'tools/analysis_tools/lt_benchmark.py', '--methods',
        *methods, '--seeds', *map(str, seeds), '--epochs', '1', '--work-dir',
        str(work_dir)
    ],
                      md5,
                      timeout=900,
                      check=True)
    return result.stdout


def test_two_methods_two_seeds_resumed_halfway(tmp_path, capsys):
    md5 = make_tiny_cifar(str(tmp_path), learnable=True)
    ce = write_config(
        str(tmp_path / 'ce.py'), str(tmp_path), CE_CONFIG, CE_BASE)
    crt = write_config(
        str(tmp_path / 'crt.py'), str(tmp_path), CE_CONFIG, CRT_BASE)
    # cRT listed first: the tool still trains CE before it
    methods = [f'cRT={crt}@CE', f'CE={ce}']
    work = tmp_path / 'bench'
    benchmark(md5, work, methods, [0])
    first = {
        name: (work / f'{name}_e1_s0' / 'wall_time.json').stat().st_mtime
        for name in ('CE', 'cRT')
    }
    out = benchmark(md5, work, methods, [0, 1])
    # the seed-0 runs were skipped, not trained again
    for name, mtime in first.items():
        assert (work / f'{name}_e1_s0' / 'wall_time.json').stat().st_mtime \
            == mtime
    table = (work / 'results.md').read_text()
    assert table.splitlines()[2].startswith('| method | epochs | seeds |')
    for name in ('CE', 'cRT'):
        top1 = []
        for seed in (0, 1):
            tests = list(
                (work / f'{name}_e1_s{seed}' / 'test').glob('*/*.json'))
            record = json.loads(tests[0].read_text().splitlines()[-1])
            top1.append(record['lt/top1'])
        # each epoch's checkpoint once (the tiny cRT config trains 2)
        assert sorted(
            p.name for p in (work / f'{name}_e1_s1').glob('epoch_*.pth')) == {
                'CE': ['epoch_1.pth'],
                'cRT': ['epoch_1.pth', 'epoch_2.pth']
            }[name]
        row = [
            line for line in table.splitlines()
            if line.startswith(f'| {name} |')
        ][0]
        cells = [c.strip() for c in row.strip('|').split('|')]
        assert cells[1:3] == ['1', '2']
        mean, spread = map(float,
                           re.match(r'([\d.]+) ± ([\d.]+)', cells[3]).groups())
        assert mean == pytest.approx(np.mean(top1), abs=0.05)
        assert spread == pytest.approx(np.std(top1, ddof=1), abs=0.05)
    assert '| CE |' in out
    # cRT: CE's backbone (weights and BatchNorm statistics) kept as it was,
    # a new classifier trained with class-balanced batches
    import torch
    for seed in (0, 1):
        stage1 = torch.load(
            work / f'CE_e1_s{seed}' / 'epoch_1.pth',
            weights_only=True)['state_dict']
        stage2 = torch.load(
            work / f'cRT_e1_s{seed}' / 'epoch_2.pth',
            weights_only=True)['state_dict']
        backbone = [k for k in stage1 if k.startswith('backbone.')]
        assert len(backbone) > 20
        for key in backbone:
            assert torch.equal(stage1[key], stage2[key]), key
        assert not torch.allclose(stage1['head.fc.weight'],
                                  stage2['head.fc.weight'])
    pngs = ('per_class_e1.png', 'shot_groups_e1.png', 'curves_e1.png')
    for png in pngs:
        assert (work / png).stat().st_size > 10000
    # each run keeps the counts it trained on (159 images, the tiny set)
    counts = json.loads((work / 'cRT_e1_s1' / 'class_counts.json').read_text())
    assert len(counts['classes']) == 10 and sum(counts['class_counts']) == 159
    # the runs without their checkpoints, elsewhere: the same report
    published = tmp_path / 'published'
    shutil.copytree(
        work,
        published,
        ignore=shutil.ignore_patterns('*.pth', '*.png', 'results.md'))
    assert not list(published.glob('*/*.pth'))
    code, message = call_tool(TOOL, [
        '--report', '--methods', *methods, '--seeds', '0', '1', '--epochs',
        '1', '--work-dir',
        str(published)
    ], capsys)
    assert code == 0, message
    assert (published / 'results.md').read_text() == table
    for png in pngs:
        assert (published / png).stat().st_size > 10000


def kill_after_epoch_2(tool, run_dir):
    """SIGKILL the tool's process group once ``run_dir``'s checkpoint of
    epoch 2 is the one to resume from (MMEngine writes ``last_checkpoint``
    just after the checkpoint itself), before epoch 3 ends."""
    pointer = run_dir / 'last_checkpoint'
    deadline = time.time() + 300
    while time.time() < deadline and not (
            pointer.exists()
            and pointer.read_text().strip().endswith('epoch_2.pth')):
        time.sleep(0.02)
    os.killpg(tool.pid, signal.SIGKILL)
    tool.wait()
    assert pointer.read_text().strip().endswith('epoch_2.pth')
    assert not (run_dir / 'epoch_3.pth').exists()


def training_of(tool, run_dir, timeout=300):
    """The pid of the tool's ``train.py`` child that trains ``run_dir``."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        for pid in filter(str.isdigit, os.listdir('/proc')):
            try:
                with open(f'/proc/{pid}/stat') as f:
                    parent = int(f.read().rsplit(')', 1)[1].split()[1])
                with open(f'/proc/{pid}/cmdline') as f:
                    command = f.read().split('\0')
            except OSError:
                continue
            if parent == tool.pid and str(run_dir) in command and any(
                    c.endswith('train.py') for c in command):
                return int(pid)
        time.sleep(0.05)
    raise AssertionError(f'no training of {run_dir} started')


def test_killed_benchmark_continues_and_matches_an_uninterrupted_one(tmp_path):
    """Kill a ``--parallel 2`` benchmark, the tool and both runs (SIGKILL,
    as the end of a session does), after LDAM-DRW's second of three epochs
    (its class weights start at the third), with GLMC mid-epoch beside it.
    The next start resumes both runs from their checkpoints, with the DRW
    weights, alpha and streams of their epochs, and ends with the weights,
    validations and test results of the same benchmark run one at a time,
    uninterrupted, with one thread each."""
    md5 = make_tiny_cifar(str(tmp_path), learnable=True)
    glmc = recorded(tmp_path, 'glmc', GLMC_CONFIG, GLMC_BASE)
    ldam = recorded(tmp_path, 'ldam', CE_CONFIG, LDAM_BASE)
    with open(ldam, 'a') as f:  # the reference schedule, which --epochs scales
        f.write('train_cfg = dict(max_epochs=200)\n'
                'param_scheduler = dict(T_max=200)\n')
    args = [
        sys.executable, 'tools/analysis_tools/lt_benchmark.py', '--methods',
        f'LDAM-DRW={ldam}', f'GLMC={glmc}', '--seeds', '0', '--epochs', '3',
        '--val-interval', '1'
    ]
    straight, killed = tmp_path / 'straight', tmp_path / 'killed'
    run_tool([*args, '--work-dir', str(straight)],
             md5,
             timeout=900,
             check=True)
    parallel = [*args, '--work-dir', str(killed), '--parallel', '2']
    tool = start_tool(parallel, md5, start_new_session=True)
    kill_after_epoch_2(tool, killed / 'LDAM-DRW_e3_s0')
    assert not (killed / 'GLMC_e3_s0' / 'epoch_3.pth').exists()
    records = [
        json.loads(
            (killed / f'{name}_e3_s0' / 'benchmark_run.json').read_text())
        for name in ('LDAM-DRW', 'GLMC')
    ]
    assert [r['intra_op_threads'] for r in records] == [1, 1]
    run_tool(parallel, md5, timeout=900, check=True)
    for name in ('LDAM-DRW', 'GLMC'):
        a, b = straight / f'{name}_e3_s0', killed / f'{name}_e3_s0'
        logs = sorted(b.glob('*/*.log'))
        assert len(logs) == 2 and 'resumed epoch: ' in logs[-1].read_text()
        assert sorted(records_of(a)) == [0, 1, 2]
        assert records_of(b) == records_of(a), name
        # the long-tailed subset, built again by the resumed start
        subsets = [[
            r for r in read_records(d / 'streams_rank0.jsonl') if 'subset' in r
        ] for d in (a, b)]
        assert len(subsets[0]) == 1 and subsets[1] == subsets[0] * 2
        assert_same_run(a, b, 3)
    ldam_logs = sorted((killed / 'LDAM-DRW_e3_s0').glob('*/*.log'))
    assert 'resumed epoch: 2' in ldam_logs[1].read_text()
    glmc_epochs = records_of(straight / 'GLMC_e3_s0')
    assert [glmc_epochs[e]['alpha'] for e in (0, 1, 2)
            ] == pytest.approx([1.0, 1 - (1 / 3)**2, 1 - (2 / 3)**2])
    drw = records_of(straight / 'LDAM-DRW_e3_s0')
    # DRW from epoch round(160 * 3 / 200) = 2, the resumed one: plain
    # weights before it
    assert drw[0]['class_weight'] is None and drw[1]['class_weight'] is None
    assert len(drw[2]['class_weight']) == 10
    # the best-validated-epoch tables, read from the validation histories,
    # are the same
    best = [(d / 'results.md').read_text().split('epoch chosen.')[1]
            for d in (straight, killed)]
    assert '| GLMC | 3 | 1 |' in best[0] and best[0] == best[1]
    # a killed start's time is unknown: the killed runs have no wall time,
    # but a median iteration time, in the last-epoch table
    for name in ('LDAM-DRW', 'GLMC'):
        segments = json.loads(
            (killed / f'{name}_e3_s0' / 'wall_time.json').read_text())
        assert [w for w, _ in segments['segments']
                ] == ['train', 'train', 'test']
        assert segments['segments'][0][1] is None
    for d, wall_time in ((straight, True), (killed, False)):
        row = next(
            line for line in (d / 'results.md').read_text().splitlines()
            if line.startswith('| GLMC | 3 | 1 |'))
        *_, minutes, iteration, _ = row.split('|')
        assert float(iteration) > 0
        assert (minutes.strip() != '–') == wall_time, row


def state_of(pid):
    """The state letter of process ``pid`` (``R``, ``S``, ``Z``: a zombie,
    dead but not reaped), or None once it is gone."""
    try:
        with open(f'/proc/{pid}/stat') as f:
            return f.read().rsplit(')', 1)[1].split()[0]
    except OSError:
        return None


def test_a_second_start_is_refused_and_a_killed_tool_takes_its_run_along(
        tmp_path, monkeypatch, capsys, benchmark_tool):
    """While a benchmark trains, a second start on its runs (here, this
    process) refuses at once, naming the first one's process id, and
    starts nothing; ``--report`` runs beside it. Killed alone with SIGKILL
    (not its process group), the tool takes its training process along,
    and its lock is free."""
    md5 = make_tiny_cifar(str(tmp_path))
    slow = write_config(
        str(tmp_path / 'slow.py'), str(tmp_path), CE_CONFIG, CE_BASE)
    with open(slow, 'a') as f:  # 10 iterations of 2 s: it never finishes
        f.write(RECORDED.replace('delay=0.04', 'delay=2.0'))
    work = tmp_path / 'bench'
    args = [
        'tools/analysis_tools/lt_benchmark.py', '--methods', f'CE={slow}',
        '--seeds', '0', '--epochs', '1', '--work-dir',
        str(work)
    ]
    first = start_tool([sys.executable, *args], md5, start_new_session=True)
    try:
        child = training_of(first, work / 'CE_e1_s0')
        monkeypatch.setattr(sys, 'argv', args)
        with pytest.raises(SystemExit) as second:
            benchmark_tool.main()
        assert second.value.code.startswith(
            f'lt_benchmark: {work}/.locks/CE_e1_s0.lock is locked by another '
            f'lt_benchmark.py (PID {first.pid} on ')
        monkeypatch.setattr(sys, 'argv', [*args, '--report'])
        benchmark_tool.main()
        assert capsys.readouterr().out == 'No run has finished yet.\n'
        # the second start opened no segment of its own
        assert json.loads(
            (work / 'CE_e1_s0' / 'wall_time.json').read_text()) == {
                'segments': [['train', None]]
            }
        assert state_of(child) not in (None, 'Z')
        os.kill(first.pid, signal.SIGKILL)
        first.wait()
        deadline = time.time() + 2
        while state_of(child) not in (None, 'Z') and time.time() < deadline:
            time.sleep(0.05)
        assert state_of(child) in (None, 'Z')
        with open(work / '.locks' / 'CE_e1_s0.lock') as lock:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)  # free
    finally:
        try:  # the tool's process group: its run, where it survived
            os.killpg(first.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass


def test_children_die_with_the_tool_and_keep_their_cpus():
    """The ``preexec_fn`` of a run's commands asks the kernel for SIGKILL
    on the tool's death (``PR_GET_PDEATHSIG`` in the child reads 9) and
    then does what it is given (here: pin the child to one CPU)."""
    from glmc_mm.benchmark.parent_death import dying_with_parent
    cpu = usable_cpus()[-1]
    child = subprocess.run(
        [
            sys.executable, '-c', 'import ctypes, os; s = ctypes.c_int(); '
            'ctypes.CDLL(None).prctl(2, ctypes.byref(s)); '
            'print(s.value, sorted(os.sched_getaffinity(0)))'
        ],
        preexec_fn=dying_with_parent(lambda: os.sched_setaffinity(0, {cpu})),
        capture_output=True,
        text=True,
        check=True)
    assert child.stdout == f'{int(signal.SIGKILL)} [{cpu}]\n'


def test_a_training_log_cut_short_at_its_end_is_read_without_it(tmp_path):
    """A run killed while MMEngine appended to ``scalars.json`` leaves a
    last line without its end: it is left out, as the resumed run logs
    that validation again; a damaged line elsewhere is refused."""
    from glmc_mm.benchmark.run_records import RunRecordError
    from glmc_mm.benchmark.run_results import validation_history
    scalars = tmp_path / '20260101_000000' / 'vis_data' / 'scalars.json'
    scalars.parent.mkdir(parents=True)
    scalars.write_text('{"lt/top1": 50.0, "step": 1}\n{"lt/top1": 5')
    assert validation_history(str(tmp_path)) == {
        1: {
            'lt/top1': 50.0,
            'step': 1
        }
    }
    scalars.write_text('{"lt/top1": 5\n{"lt/top1": 50.0, "step": 1}\n')
    with pytest.raises(
            RunRecordError, match='scalars.json, line 1: not a '
            'JSON record'):
        validation_history(str(tmp_path))


def records_of(run_dir):
    records = read_records(run_dir / 'streams_rank0.jsonl')
    return {r['epoch']: r for r in records if 'epoch' in r}


@pytest.fixture(scope='module')
def benchmark_tool():
    return load_tool(osp.join('tools', 'analysis_tools', 'lt_benchmark.py'))


def test_bad_method_lists_are_refused_before_any_run(tmp_path, monkeypatch,
                                                     capsys, benchmark_tool):
    config = osp.join(REPO, 'configs', 'glmc',
                      'ce_resnet32_1xb64-200e_cifar10-lt-if100.py')
    work = str(tmp_path / 'w')
    # as a user runs it: the message on stderr, exit code 1
    result = run_tool([
        sys.executable, 'tools/analysis_tools/lt_benchmark.py', '--epochs',
        '1', '--work-dir', work, '--methods', f'cRT={config}@CE'
    ])
    assert result.returncode == 1
    assert "lt_benchmark: --methods cRT=...@CE: no method named 'CE'" \
        in result.stderr
    sigterm = signal.getsignal(signal.SIGTERM)  # main() sets its own
    monkeypatch.setenv('PATH', str(tmp_path))  # no Slurm here
    try:
        for methods, message in (
            ([f'CE={config}',
              f'CE={config}'], "the method name 'CE' is given twice"),
            (['CE=missing.py'], 'no config file missing.py'),
            ([f'CE={config}', '--seeds', '0',
              '0'], '--seeds 0 0: each value may be given once'),
            ([f'CE={config}', '--epochs',
              '0'], 'argument --epochs: must be an integer >= 1, got 0'),
            ([f'CE={config}', '--seeds',
              '-1'], 'argument --seeds: must be an integer >= 0, got -1'),
            ([f'CE={config}', '--dataloader-workers', '-2'],
             'argument --dataloader-workers: must be an integer >= 0, got '
             '-2'),
            ([f'CE={config}', '--parallel',
              str(len(usable_cpus()) + 1)],
             f'--parallel {len(usable_cpus()) + 1}: this process may use '
             f'{len(usable_cpus())} CPUs'),
            ([f'CE={config}', '--parallel',
              '0'], 'argument --parallel: must be an integer >= 1, got 0'),
            ([f'CE={config}', '--launcher', 'slurm'],
             '--partition goes with --launcher slurm, and --launcher slurm '
             'needs it'),
            ([f'CE={config}', '--cpus-per-run', '4'],
             '--cpus-per-run and --sbatch-args go with --launcher slurm'),
            ([f'CE={config}', '--launcher', 'slurm', '--partition',
              'debug'], '--launcher slurm: no sbatch on PATH'),
        ):
            monkeypatch.setattr(sys, 'argv', [
                'lt_benchmark.py', '--epochs', '1', '--work-dir', work,
                '--methods', *methods
            ])
            with pytest.raises(SystemExit) as exit_:
                benchmark_tool.main()
            # argparse prints its message and exits with 2; the tool's own
            # checks exit with the message
            assert message in (capsys.readouterr().err
                               if exit_.value.code == 2 else exit_.value.code)
    finally:
        signal.signal(signal.SIGTERM, sigterm)
    assert not osp.exists(work)


def test_a_parallel_run_has_at_most_omp_num_threads_threads(monkeypatch):
    """``--parallel N``: a run gets one thread per CPU of its share, at most
    ``OMP_NUM_THREADS`` where it is set (``OMP_NUM_THREADS=1 --parallel 1``
    on 2 CPUs used to run with 2)."""
    cpus = tuple(usable_cpus())
    monkeypatch.delenv('OMP_NUM_THREADS', raising=False)
    assert parallel_slots(1) == [Slot(cpus, len(cpus))]
    monkeypatch.setenv('OMP_NUM_THREADS', '1')
    assert parallel_slots(1) == [Slot(cpus, 1)]


def test_crt_without_its_ce_checkpoint_is_refused_before_training(tmp_path):
    md5 = make_tiny_cifar(str(tmp_path))
    crt = write_config(
        str(tmp_path / 'crt.py'), str(tmp_path), CE_CONFIG, CRT_BASE)
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
    from glmc_mm.benchmark.lt_benchmark import (markdown_table, summarise,
                                                within_spread)
    table = summarise({
        ('A', 1): [
            dict(
                **{
                    'lt/top1': 50.,
                    'lt/few': 10.
                },
                wall_time_s=60,
                iteration_s=0.2),
            dict(
                **{
                    'lt/top1': 52.,
                    'lt/few': 14.
                },
                wall_time_s=66,
                iteration_s=0.3)
        ],
        ('B', 1): [
            dict(**{'lt/top1': 51.}, wall_time_s=30),
            dict(**{'lt/top1': 57.}, wall_time_s=30)
        ],
    })
    # sample standard deviations: sqrt(2), sqrt(18)
    assert table[('A', 1)]['top1'] == pytest.approx((51., 2**0.5, 2))
    assert table[('B', 1)]['top1'] == pytest.approx((54., 18**0.5, 2))
    assert 'few' not in table[('B', 1)]  # an empty group stays empty
    lines = markdown_table(table).splitlines()
    assert lines[0].endswith(
        '| wall time per run (min) | s per iteration (median) |')
    assert lines[2] == ('| A | 1 | 2 | 51.0 ± 1.4 | – | – | – | 12.0 ± 2.8 '
                        '| 1.1 | 0.25 |')
    assert lines[3].endswith('| 0.5 | – |')  # B logged no iteration
    # |51 - 54| = 3 <= sqrt(2 + 18) = 4.5: the seeds cannot tell them apart
    assert within_spread(table) == [
        'A vs B (1 epochs), top-1: 51.0 vs 54.0, difference 3.0 <= spread 4.5'
    ]
    table[('B', 1)]['top1'] = (60., 1., 2)
    assert within_spread(table) == []
    # one seed has no sample standard deviation: its mean stands alone
    one = summarise({('C', 1): [{
                         'lt/top1': 82.56,
                         'epoch': 170
                     }]},
                    extra=('epoch', ))
    row = markdown_table(one, last_columns=(('epoch', 'epoch'), ))
    assert row.splitlines()[2] == '| C | 1 | 1 | 82.6 | – | – | – | – | 170 |'


def test_median_iteration_time_spans_a_resumed_runs_logs(tmp_path):
    """Training records (they hold ``lr``) of every start of a run count;
    a validation's ``time`` does not."""
    from glmc_mm.benchmark.run_results import median_iteration_time
    assert median_iteration_time(str(tmp_path)) is None
    for start, times in (('20260101_000000', (0.2, 0.9)), ('20260102_000000',
                                                           (0.3, ))):
        scalars = tmp_path / start / 'vis_data' / 'scalars.json'
        scalars.parent.mkdir(parents=True)
        scalars.write_text(''.join(
            json.dumps({
                'lr': 0.1,
                'time': t,
                'step': 1
            }) + '\n' for t in times) + json.dumps({
                'lt/top1': 50.,
                'time': 5.0
            }))
    assert median_iteration_time(str(tmp_path)) == pytest.approx(0.3)


def test_the_report_names_the_cpu_of_each_run(tmp_path):
    from glmc_mm.benchmark.cpu_name import cpu_name
    from glmc_mm.benchmark.lt_benchmark import RECORD_FILE, Method, plan_run
    from glmc_mm.benchmark.lt_benchmark_report import cpu_note
    config = osp.join(REPO, 'configs', 'glmc',
                      'ce_resnet32-w16_1xb64-30e_fashion-mnist-lt.py')
    runs = [
        plan_run(Method(name, config), 200, seed, str(tmp_path))
        for name, seed in (('CE', 0), ('CE', 1), ('BS', 0))
    ]
    assert runs[0].record['cpu'] == cpu_name()
    for run, cpu in zip(runs, ('AMD EPYC (cpu family 26)', 'Intel Xeon',
                               'AMD EPYC (cpu family 26)')):
        os.makedirs(run.run_dir)
        with open(osp.join(run.run_dir, RECORD_FILE), 'w') as f:
            json.dump(dict(run.record, cpu=cpu), f)
    assert cpu_note(runs[:1]) == 'CPU: AMD EPYC (cpu family 26).'
    assert cpu_note(runs).splitlines() == [
        "The runs ran on 2 kinds of CPU, and a run's exact figures depend on "
        'its CPU:', '- AMD EPYC (cpu family 26): CE e200 s0, BS e200 s0',
        '- Intel Xeon: CE e200 s1'
    ]


def test_runs_load_in_the_main_process_unless_told_otherwise(tmp_path):
    """No dataloader workers by default, so that the augmentation draws
    come from the generators the checkpoints carry; ``workers`` gives every
    dataloader that many, kept alive between epochs."""
    from glmc_mm.benchmark.lt_benchmark import Method, plan_run
    config = osp.join(REPO, 'configs', 'glmc',
                      'ce_resnet32-w16_1xb64-30e_fashion-mnist-lt.py')
    for workers, persistent in ((0, False), (2, True)):
        resolved = plan_run(
            Method('CE', config), 200, 0, str(tmp_path),
            workers=workers).record['resolved']
        for loader in ('train', 'val', 'test'):  # the record holds text
            assert resolved[f'{loader}_dataloader.num_workers'] == \
                str(workers)
            assert resolved[f'{loader}_dataloader.persistent_workers'] == \
                str(persistent)
    # --cfg-options still have the last word
    resolved = plan_run(
        Method('CE', config), 200, 0, str(tmp_path),
        ['train_dataloader.num_workers=1']).record['resolved']
    assert resolved['train_dataloader.num_workers'] == '1'


def test_cpu_name_reads_the_first_processor(tmp_path):
    from glmc_mm.benchmark.cpu_name import cpu_name
    cpuinfo = tmp_path / 'cpuinfo'
    cpuinfo.write_text('processor\t: 0\nvendor_id\t: AuthenticAMD\n'
                       'cpu family\t: 26\nmodel\t\t: 2\n'
                       'model name\t: AMD EPYC\nstepping\t: 1\n\n'
                       'processor\t: 1\nmodel name\t: other\n')
    name, kernels = cpu_name(str(cpuinfo)).split(', torch kernels ')
    assert name == 'AMD EPYC (cpu family 26, model 2, stepping 1)'
    import torch
    assert kernels == torch.backends.cpu.get_cpu_capability()


def test_a_run_made_with_other_options_is_refused_naming_the_difference(
        tmp_path):
    from glmc_mm.benchmark.lt_benchmark import (RECORD_FILE, Method,
                                                RunMismatchError,
                                                check_run_dir, plan_run)
    config = osp.join(REPO, 'configs', 'glmc',
                      'ce_resnet32-w16_1xb64-30e_fashion-mnist-lt.py')
    method = Method('CE', config)
    run = plan_run(method, 200, 0, str(tmp_path))
    assert run.run_dir == str(tmp_path / 'CE_e200_s0')
    assert run.max_epochs == 200
    assert 'param_scheduler.T_max=200' in run.options
    assert 'train_cfg.val_interval=10' in run.options
    check_run_dir(run)  # nothing there yet
    os.makedirs(run.run_dir)
    (tmp_path / 'CE_e200_s0' / 'epoch_3.pth').write_bytes(b'')
    with pytest.raises(
            RunMismatchError, match='holds files but no '
            f'{RECORD_FILE}'):
        check_run_dir(run)
    with open(osp.join(run.run_dir, RECORD_FILE), 'w') as f:
        json.dump(run.record, f)
    check_run_dir(run)  # the same options: reused
    other = plan_run(method, 200, 0, str(tmp_path),
                     ['train_dataloader.dataset.imbalance_factor=10'])
    with pytest.raises(RunMismatchError) as error:
        check_run_dir(other)
    assert str(error.value).splitlines()[1:] == [
        '  train_dataloader.dataset.imbalance_factor: 100 (stored) vs 10 '
        '(now)'
    ]


def test_a_moved_checkout_and_work_dir_keep_their_runs(tmp_path):
    """Where the config file and the work dir lie is not an option: a run
    planned through another path to the same config, in a work dir moved
    elsewhere and named by a relative path, is reused, and cRT's
    first-stage checkpoint path moves with its work dir; a changed option
    is still refused."""
    from glmc_mm.benchmark.lt_benchmark import (RECORD_FILE, Method,
                                                RunMismatchError,
                                                check_run_dir, plan_run)
    name = 'crt_resnet32-w16_1xb64-10e_fashion-mnist-lt.py'
    first = tmp_path / 'first'
    run = plan_run(
        Method('cRT', osp.join(REPO, 'configs', 'glmc', name), 'CE'), 30, 0,
        str(first))
    assert (f'model.backbone.init_cfg.checkpoint={first}/CE_e30_s0/'
            'epoch_30.pth') in run.options
    os.makedirs(run.run_dir)
    with open(osp.join(run.run_dir, RECORD_FILE), 'w') as f:
        json.dump(run.record, f)
    moved = tmp_path / 'moved'
    os.rename(first, moved)
    os.symlink(osp.join(REPO, 'configs'), tmp_path / 'checkout')
    method = Method('cRT', str(tmp_path / 'checkout' / 'glmc' / name), 'CE')
    again = plan_run(method, 30, 0, osp.relpath(moved))
    assert again.record['config'] != run.record['config']
    assert (f'model.backbone.init_cfg.checkpoint={moved}/CE_e30_s0/'
            'epoch_30.pth') in again.options
    check_run_dir(again)  # reused
    with pytest.raises(RunMismatchError) as error:
        check_run_dir(
            plan_run(method, 30, 0, osp.relpath(moved),
                     ['model.head.num_classes=9']))
    assert str(error.value).splitlines()[1:] == [
        '  model.head.num_classes: 10 (stored) vs 9 (now)'
    ]


def test_a_folder_with_a_checkpoint_but_no_pointer_is_resumed(tmp_path):
    """A run killed between writing a checkpoint and ``last_checkpoint``
    continues (``--resume``: the checkpoint hook resumes from the newest
    intact one) rather than starting a new run over it, which
    ``train.py`` refuses."""
    from glmc_mm.benchmark.lt_benchmark import Method, Run
    from glmc_mm.benchmark.run_pool import _commands
    run = Run(Method('CE', 'ce.py'), 2, 0, str(tmp_path), ['x=1'], 2, {})
    fresh = _commands(run, 'tools', (), ())
    assert [what for what, _ in fresh] == ['train', 'test']
    assert '--resume' not in fresh[0][1]
    (tmp_path / 'epoch_1.pth').write_bytes(b'')
    assert '--resume' in _commands(run, 'tools', (), ())[0][1]


def test_report_reads_runs_made_with_other_options_and_names_them(
        finished_run, tmp_path, capsys):
    """``--report`` tabulates a finished run whose config has since gained
    or lost a hook, naming the difference under the tables (one line per
    hook, not one per hook after it); a training start refuses the run."""
    run = copy_of_run(finished_run, str(tmp_path))
    args = benchmark_of(run)
    path = run_file(run, 'benchmark_run.json')
    with open(path) as f:
        record = json.load(f)
    hooks = sorted(k for k in record['resolved']
                   if k.startswith('custom_hooks.'))
    assert hooks  # the runtime hooks are in the record
    record['resolved']['custom_hooks.0.type'] = "'OldCheckHook'"
    with open(path, 'w') as f:
        json.dump(record, f)
    code, message = call_tool(TOOL, args, capsys)
    assert code == 0, message
    text = (tmp_path / 'bench' / 'results.md').read_text()
    assert '| CE | 1 | 1 | 30.0 |' in text
    difference = ('custom_hooks[OldCheckHook]: present (stored) vs (absent) '
                  '(now); custom_hooks[ThreadSettlingHook]: (absent) (stored) '
                  'vs present (now)')
    assert f'- CE_e1_s0: {difference}' in text.splitlines()
    code, message = call_tool(TOOL, args[1:], capsys)
    assert code == 1 and difference.split('; ')[0] in message


def test_a_killed_run_stops_the_others_and_the_tool_names_it(tmp_path):
    """``--parallel 2``: one run's training killed (SIGKILL), the tool stops
    the other as Ctrl-C does, at once, timing it, and fails, naming the
    command; the next start continues both from their checkpoints (as
    after a killed tool:
    test_killed_benchmark_continues_and_matches_an_uninterrupted_one). The
    tool runs as from a script's background (``cmd &``), which ignores
    SIGINT: its children still take the stop's SIGINT (else they would
    be killed after 30 s)."""
    md5 = make_tiny_cifar(str(tmp_path))
    slow = write_config(
        str(tmp_path / 'slow.py'), str(tmp_path), CE_CONFIG, CE_BASE)
    with open(slow, 'a') as f:  # 10 iterations of 2 s: it never finishes
        f.write(RECORDED.replace('delay=0.04', 'delay=2.0'))
    work = tmp_path / 'bench'
    with open(tmp_path / 'tool.log', 'w') as log:
        tool = start_tool(
            [
                sys.executable, 'tools/analysis_tools/lt_benchmark.py',
                '--methods', f'A={slow}', f'B={slow}', '--seeds', '0',
                '--epochs', '1', '--work-dir',
                str(work), '--parallel', '2'
            ],
            md5,
            stderr=log,
            preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
        try:
            killed = training_of(tool, work / 'A_e1_s0')
            other = training_of(tool, work / 'B_e1_s0')
            os.kill(killed, signal.SIGKILL)
            assert tool.wait(timeout=20) == 1
        finally:
            tool.kill()
    assert state_of(other) in (None, 'Z')
    error = (tmp_path / 'tool.log').read_text()
    assert 'CalledProcessError' in error and 'A_e1_s0' in error
    assert 'died with <Signals.SIGKILL: 9>' in error
    for name in ('A', 'B'):
        (what, seconds), = json.loads(
            (work / f'{name}_e1_s0' /
             'wall_time.json').read_text())['segments']
        assert what == 'train' and seconds is not None  # timed
