"""tools/benchmark/gpu_check.sh: its arguments, and the CPU fallback that
runs here (the GPU path needs a GPU; a person who has one runs it)."""
import subprocess
import sys

import pytest
from tiny_run import run_tool

SCRIPT = 'tools/benchmark/gpu_check.sh'


def check(*args: str,
          timeout: int = 60,
          succeeds: bool = False) -> subprocess.CompletedProcess:
    return run_tool(['bash', SCRIPT, *args], timeout=timeout, check=succeeds)


@pytest.mark.parametrize('args, message', [
    (['--bogus'], "unknown argument '--bogus'"),
    (['--out'], '--out needs a folder'),
    (['--python', '/no/such/python'], "no Python at '/no/such/python'"),
])
def test_bad_arguments_are_named_before_any_work(args, message):
    result = check(*args)
    assert result.returncode == 2
    assert message in result.stderr


def test_help_and_a_used_output_folder(tmp_path):
    result = check('--help')
    assert result.returncode == 0 and 'Usage: bash tools/benchmark/' \
        'gpu_check.sh' in result.stdout
    (tmp_path / 'old.json').write_text('{}')
    result = check('--out', str(tmp_path))
    assert result.returncode == 2 and 'is not empty' in result.stderr


def test_amp_without_a_gpu_is_refused_by_the_benchmark():
    result = run_tool([
        sys.executable, 'tools/benchmark/benchmark_glmc.py', '--settings',
        'cifar', '--measures', 'floor', '--amp'
    ],
                      timeout=120)
    assert result.returncode != 0
    assert '--amp and the max-batch measure need a CUDA GPU' in \
        result.stderr


def test_cpu_fallback_prints_the_table(tmp_path):
    result = check(
        '--out',
        str(tmp_path / 'figures'),
        '--python',
        sys.executable,
        timeout=600,
        succeeds=True)
    assert 'No CUDA GPU here: the CPU fallback' in result.stdout
    rows = [
        line for line in result.stdout.splitlines() if line.startswith('| CPU')
    ]
    assert len(rows) == 1
    cells = [c.strip() for c in rows[0].strip('|').split('|')]
    assert cells[1:3] == ['cifar', 'B=16']
    runner, floor, authors, runner_floor = map(float, cells[3:7])
    assert runner > 0 and floor > 0 and authors > 0
    assert runner_floor == pytest.approx(runner / floor, abs=5e-3)
    ours, theirs = map(float, cells[8].split(' / '))
    assert ours > 0 and theirs > 0 and cells[9] == '-'
