"""The project's own files: licence, citation, the configs' README, the
docs' links and the tables the docs keep of the code."""
import glob
import os.path as osp
import re

from tiny_run import REPO


def read(*path: str) -> str:
    with open(osp.join(REPO, *path)) as f:
        return f.read()


def test_licence_is_the_one_setup_py_declares():
    assert "license='Apache License 2.0'" in read('setup.py')
    licence = read('LICENSE')
    assert 'Apache License' in licence and 'Version 2.0, January 2004' in \
        licence


def test_configs_readme_links_every_config_and_only_real_files():
    text = read('configs', 'glmc', 'README.md')
    links = set(re.findall(r'\]\(([\w.-]+\.py)\)', text))
    configs = {
        osp.basename(p)
        for p in glob.glob(osp.join(REPO, 'configs', 'glmc', '*.py'))
    }
    # every config on disk (each loads: tests/test_configs.py), none other
    assert configs and links == configs
    for relative in re.findall(r'\]\((\.\./[^)]+)\)', text):
        assert osp.isfile(osp.join(REPO, 'configs', 'glmc', relative))
    # the paper, the authors' code and the BibTeX entry
    assert 'https://arxiv.org/abs/2305.08661' in text
    assert 'https://github.com/ynu-yangpeng/GLMC' in text
    assert '@inproceedings{du2023glmc,' in text


DOCS = ['README.md', osp.join('configs', 'glmc', 'README.md')] + sorted(
    osp.relpath(p, REPO) for p in glob.glob(osp.join(REPO, 'docs', '*.md')))


def without_code_blocks(text: str) -> str:
    return re.sub(r'^```.*?^```', '', text, flags=re.M | re.S)


def anchor(heading: str) -> str:
    """GitHub's anchor of a heading."""
    return re.sub(r'[^\w\- ]', '', heading.strip().lower()).replace(' ', '-')


def heading_anchors(text: str) -> set:
    code_free = without_code_blocks(text)
    return {anchor(h) for h in re.findall(r'^#{1,6} (.+)$', code_free, re.M)}


def link_targets(text: str) -> list:
    """Every inline link and image target, ``](target)``, and every
    reference-style one, ``[name]: target``."""
    return (
        re.findall(r'\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)', text) +
        re.findall(r'^\s*\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)', text, flags=re.M))


def outside_or_missing(path: str, text: str) -> list:
    """The links of ``text`` (the page ``path``, relative to the repository)
    that leave the repository, lead to nothing or to a missing heading."""
    root = osp.realpath(REPO)
    bad = []
    for target in link_targets(text):
        if re.match(r'(https?://|mailto:)', target):
            continue
        file, _, anchor = target.partition('#')
        # realpath: normpath, and a symbolic link followed to where it leads
        resolved = osp.realpath(osp.join(root, osp.dirname(path), file))
        if not file:  # a pure #anchor: a heading of this page
            resolved = osp.join(root, path)
        inside = resolved == root or resolved.startswith(root + osp.sep)
        if not (inside and osp.exists(resolved)):
            bad.append(target)
        elif anchor and resolved.endswith('.md'):
            with open(resolved) as f:
                if anchor not in heading_anchors(f.read()):
                    bad.append(target)
    return bad


def test_docs_point_only_inside_the_repository():
    """Every relative link and image of the README, the configs' README and
    the docs leads to a file or folder inside the repository (and a
    ``#anchor`` to a heading there): the product refers to nothing outside
    it, without having to name what."""
    for path in DOCS:
        assert not outside_or_missing(path, read(path)), path
    # what the check catches
    assert outside_or_missing('docs/method.md', '[x](../x/y.md)') == \
        ['../x/y.md']
    # the folder above the checkout exists, but is outside
    assert outside_or_missing('README.md', '![a](..)') == ['..']
    assert outside_or_missing('README.md', '[a](/etc/passwd)') == \
        ['/etc/passwd']
    assert outside_or_missing('README.md', '[a]: docs/none.md') == \
        ['docs/none.md']
    assert outside_or_missing('README.md', '[a](docs/speed.md#nowhere)') == \
        ['docs/speed.md#nowhere']
    assert outside_or_missing(
        'README.md', '[a](docs/speed.md#sharing-the-cpu-with-another-process)'
        ' [b](#results) [c](https://x.org/a.md) [d](mailto:a@b.c)') == []


def test_glmc_components_cite_the_paper_and_the_method_page():
    from glmc_mm.engine import EpochEndWarmupCosineLR
    from glmc_mm.models import GLMCClassifier, GLMCDataPreprocessor, GLMCHead
    for component in (GLMCClassifier, GLMCDataPreprocessor, GLMCHead,
                      EpochEndWarmupCosineLR):
        doc = ' '.join(component.__doc__.split())
        assert 'arXiv 2305.08661' in doc and 'docs/method.md' in doc, \
            component.__name__


def test_readme_is_the_front_door():
    """The README stays short: the two commands, installation, a quick
    start, the headline results and links; the rest lives in docs/. Its
    200-epoch command and table are the benchmark page's own."""
    text = read('README.md')
    assert len(text.splitlines()) <= 300
    benchmark = read('docs', 'benchmark.md')
    command = re.search(r'```bash\n(C=.*?--epochs 200 .*?)```', text, re.S)
    assert command and command.group(1) in benchmark
    rows = [
        line for line in text.splitlines()
        if line.startswith('| ') and ' ± ' in line
    ]
    assert len(rows) == 7 and all(row in benchmark for row in rows)


def test_docs_table_lists_every_runtime_hook():
    """docs/configs.md's one table of the hooks our configs add: those of
    ``lt_runtime.py`` in its order first, then every other hook a config
    names, each with the files that add it."""
    from mmengine.config import Config
    runtime = Config.fromfile(
        osp.join(REPO, 'configs', '_base_', 'lt_runtime.py'))
    text = read('docs', 'configs.md')
    table = text.split('## The runtime hooks')[1].split('\n\n|')[1]
    rows = [
        row.split(' | ') for row in table.splitlines()[2:]
        if row.startswith('| `')
    ]
    listed = [re.fullmatch(r'\| `(\w+)`', row[0]).group(1) for row in rows]
    custom = [hook.type for hook in runtime.custom_hooks]
    assert listed[:len(custom)] == custom
    named = set()
    for file in glob.glob(
            osp.join(REPO, 'configs', '**', '*.py'), recursive=True):
        named |= set(re.findall(r"type='(\w+Hook)'", read(file)))
    assert sorted(listed) == sorted(named)
    for hook, row in zip(listed, rows):
        sources = [
            name for name in re.findall(r'`([\w.*-]+)`', row[1])
            if name.endswith(('.py', '*'))
        ]
        assert sources, hook
        for name in sources:
            files = glob.glob(
                osp.join(REPO, 'configs', '**',
                         name + ('.py' if name[-1] == '*' else '')),
                recursive=True)
            assert files and all(f"type='{hook}'" in read(f)
                                 for f in files), (hook, name)


def test_readme_own_folder_config_builds_glmc_on_the_folder(tmp_path):
    """The README's config for your own image folder, on a generated one:
    the long-tailed folder with GLMC's two views, and the test folder."""
    import cv2
    import numpy as np
    from mmengine.config import Config
    from mmpretrain.registry import DATASETS

    import glmc_mm  # noqa: F401  (the glmc_mm:: scope)
    text = read('README.md')
    start = text.index('```python\n', text.index('Your own image folder'))
    block = text[start + 10:text.index('```\n', start + 10)]
    (tmp_path / 'my_glmc.py').write_text(
        block.replace("'data/my_folder'", repr(str(tmp_path / 'data'))))
    rng = np.random.default_rng(0)
    for split, count in (('train', 40), ('test', 2)):
        for c in range(5):
            folder = tmp_path / 'data' / split / f'class_{c}'
            folder.mkdir(parents=True)
            for i in range(count):
                cv2.imwrite(
                    str(folder / f'{i}.jpg'),
                    rng.integers(0, 256, (8, 8, 3), dtype=np.uint8))
    cfg = Config.fromfile(str(tmp_path / 'my_glmc.py'))
    assert cfg.model.head.num_classes == cfg.data_preprocessor.num_classes
    train = DATASETS.build(cfg.train_dataloader.dataset)
    # imbalance factor 10 over 5 classes: int(40 * 10 ** (-i / 4))
    assert train.metainfo['class_counts'] == (40, 22, 12, 7, 4)
    views = train[0]['inputs']
    assert len(views) == 2 and views[0].shape == (3, 224, 224)
    test = DATASETS.build(cfg.test_dataloader.dataset)
    assert len(test) == 10 and test.metainfo['classes'] == \
        train.metainfo['classes']


def test_code_cites_docs_pages_that_exist():
    """Docstrings and config comments point to a ``docs/`` page (the README
    holds no sections they could cite), and each page they name exists."""
    files = [
        f for pattern in ('glmc_mm/**/*.py', 'configs/**/*.py',
                          'tools/**/*.py', 'tools/**/*.sh')
        for f in glob.glob(osp.join(REPO, pattern), recursive=True)
    ]
    cited = set()
    for path in files:
        text = read(path)
        assert not re.search(r"the README\b|README[,']", text), path
        cited |= set(re.findall(r'\bdocs/(\w+\.md)', text))
    assert 'method.md' in cited and 'speed.md' in cited
    missing = sorted(
        page for page in cited if not osp.exists(osp.join(REPO, 'docs', page)))
    assert not missing, missing
