"""glmc_mm's wheel is the same whoever builds it: built from a copy of the
checkout once where the full ``mmcv`` distribution is installed (the
real mmcv 2.2.0, see ``MMCV_SITE``) and once where it is not (this
stack: mmcv-lite), both wheels hold the same files byte for byte, METADATA
included. Like MMPretrain's, the metadata requires no mmcv at all: it comes
with an extra, ``glmc_mm[lite]`` (mmcv-lite) or ``glmc_mm[mim]`` (full mmcv,
which ``mim install`` adds)."""
import email
import json
import os
import os.path as osp
import shutil
import subprocess
import sys
import zipfile
from collections import Counter

import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

REPO = osp.dirname(osp.dirname(osp.abspath(__file__)))
# A pip --target folder with mmcv 2.2.0 built from its PyPI sdist without
# compiled ops (pure Python, distribution name ``mmcv``): made once by
# tools/setup_env.sh, for both stacks.
MMCV_SITE = osp.join(REPO, '.venv-mmcv-full')
MMCV_FULL = '2.2.0'
EXTRAS = {
    'lite': 'requirements/lite.txt',
    'mim': 'requirements/mminstall.txt',
    'tests': None,
    'tensorboard': None
}

PROBE = r'''
import importlib.metadata as md, json
found = {}
for name in ('mmcv', 'mmcv-lite'):
    try:
        dist = md.distribution(name)
    except md.PackageNotFoundError:
        continue
    found[name] = [dist.metadata['Name'], dist.version,
                   str(dist.locate_file(''))]
print(json.dumps(found))
'''


def environment(site: str = '') -> dict:
    """This interpreter's environment, with ``site`` (if any) first on the
    path and nothing else added to it."""
    env = dict(os.environ, PIP_DISABLE_PIP_VERSION_CHECK='1')
    env.pop('PYTHONPATH', None)
    if site:
        env['PYTHONPATH'] = site
    return env


def installed_mmcv(site: str = '') -> dict:
    """{distribution: [Name, version, folder]} of mmcv and mmcv-lite as
    the wheel build below sees them."""
    out = subprocess.run([sys.executable, '-c', PROBE],
                         env=environment(site),
                         capture_output=True,
                         text=True,
                         check=True,
                         timeout=60).stdout
    return json.loads(out)


def copy_source(dest: str) -> str:
    """The checkout's files as git sees them (tracked, and untracked ones
    not ignored), so that nothing is built inside the repository."""
    files = subprocess.run(
        ['git', 'ls-files', '--cached', '--others', '--exclude-standard'],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
        timeout=60).stdout.splitlines()
    for name in files:
        if osp.isfile(osp.join(REPO, name)):
            os.makedirs(osp.join(dest, osp.dirname(name)), exist_ok=True)
            shutil.copy2(osp.join(REPO, name), osp.join(dest, name))
    return dest


def build_wheel(tmp: str, site: str = '') -> str:
    """``pip wheel`` of a fresh copy of the checkout, with this stack's
    setuptools (no build isolation, no index) and ``site`` on the path;
    returns the wheel's path."""
    source = copy_source(osp.join(tmp, 'source'))
    out = osp.join(tmp, 'wheel')
    command = [
        sys.executable, '-m', 'pip', 'wheel', '--quiet', '--no-deps',
        '--no-build-isolation', '--no-index', '--wheel-dir', out, source
    ]
    result = subprocess.run(
        command,
        env=environment(site),
        capture_output=True,
        text=True,
        timeout=300)
    assert result.returncode == 0, result.stderr[-3000:]
    wheels = os.listdir(out)
    assert len(wheels) == 1, wheels
    return osp.join(out, wheels[0])


def read_wheel(path: str) -> dict:
    with zipfile.ZipFile(path) as wheel:
        return {name: wheel.read(name) for name in wheel.namelist()}


def metadata_of(files: dict) -> str:
    (name, ), = [[n for n in files if n.endswith('.dist-info/METADATA')]]
    return files[name].decode()


def read_requirements(path: str) -> list:
    with open(osp.join(REPO, path), encoding='utf-8') as f:
        return [
            line.strip() for line in f
            if line.strip() and not line.startswith('#')
        ]


def key(requirement: Requirement) -> tuple:
    """A requirement without its marker, comparable."""
    return (canonicalize_name(requirement.name), frozenset(requirement.extras),
            requirement.specifier)


@pytest.fixture(scope='module')
def without_mmcv(tmp_path_factory) -> str:
    """The wheel built by this stack, which has mmcv-lite and no mmcv."""
    found = installed_mmcv()
    assert 'mmcv' not in found, (
        f'this environment has the full mmcv distribution {found["mmcv"]}: '
        'run the test in a tested stack (tools/setup_env.sh), which has '
        'mmcv-lite only')
    return build_wheel(str(tmp_path_factory.mktemp('without_mmcv')))


@pytest.fixture(scope='module')
def with_mmcv(tmp_path_factory) -> str:
    """The wheel built by this stack with the full mmcv distribution first
    on the path."""
    dist_info = osp.join(MMCV_SITE, f'mmcv-{MMCV_FULL}.dist-info')
    if not osp.isfile(osp.join(dist_info, 'METADATA')):
        pytest.fail(
            f'{MMCV_SITE} (the full mmcv {MMCV_FULL} distribution, pure '
            'Python) is missing: run `bash tools/setup_env.sh` (either '
            'stack; it builds it once, in about 5 s, from PyPI)',
            pytrace=False)
    name, version, where = installed_mmcv(MMCV_SITE)['mmcv']
    assert (name, version) == ('mmcv', MMCV_FULL)
    assert osp.samefile(where, MMCV_SITE)
    return build_wheel(str(tmp_path_factory.mktemp('with_mmcv')), MMCV_SITE)


def test_same_wheel_with_and_without_full_mmcv(with_mmcv, without_mmcv):
    assert osp.basename(with_mmcv) == osp.basename(without_mmcv)
    full, lite = read_wheel(with_mmcv), read_wheel(without_mmcv)
    full_metadata, lite_metadata = metadata_of(full), metadata_of(lite)
    for field in ('Requires-Dist', 'Provides-Extra'):
        assert email.message_from_string(full_metadata).get_all(field) == \
            email.message_from_string(lite_metadata).get_all(field), field
    assert full_metadata == lite_metadata
    assert sorted(full) == sorted(lite)
    differ = [name for name in full if full[name] != lite[name]]
    assert not differ, differ


def test_no_mmcv_but_in_the_extras(without_mmcv):
    """install_requires is requirements/runtime.txt, mmcv-free; the extras
    lite and mim bring mmcv-lite and mmcv from their requirements files."""
    metadata = email.message_from_string(metadata_of(read_wheel(without_mmcv)))
    assert sorted(metadata.get_all('Provides-Extra')) == sorted(EXTRAS)
    requirements = [Requirement(r) for r in metadata.get_all('Requires-Dist')]
    unconditional = [r for r in requirements if r.marker is None]
    names = [canonicalize_name(r.name) for r in unconditional]
    assert not [n for n in names if n.startswith('mmcv')], names
    assert Counter(map(key, unconditional)) == Counter(
        key(Requirement(r))
        for r in read_requirements('requirements/runtime.txt'))
    for extra, path in EXTRAS.items():
        if path is None:
            continue
        wanted = [
            key(r) for r in requirements
            if r.marker is not None and r.marker.evaluate({'extra': extra})
        ]
        assert wanted == [
            key(Requirement(r)) for r in read_requirements(path)
        ], extra
    mmcvs = {
        canonicalize_name(r.name): r.specifier
        for r in requirements
        if canonicalize_name(r.name) in ('mmcv', 'mmcv-lite')
    }
    assert mmcvs == dict.fromkeys(('mmcv', 'mmcv-lite'),
                                  SpecifierSet('>=2.0.0,<2.4.0'))
