"""The project's own files: licence, citation, the configs' README."""
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
    configs = {osp.basename(p) for p in
               glob.glob(osp.join(REPO, 'configs', 'glmc', '*.py'))}
    # every config on disk (each loads: tests/test_configs.py), none other
    assert configs and links == configs
    for relative in re.findall(r'\]\((\.\./[^)]+)\)', text):
        assert osp.isfile(osp.join(REPO, 'configs', 'glmc', relative))
    # the paper, the authors' code and the BibTeX entry
    assert 'https://arxiv.org/abs/2305.08661' in text
    assert 'https://github.com/ynu-yangpeng/GLMC' in text
    assert '@inproceedings{du2023glmc,' in text


def test_docs_point_only_inside_the_repository():
    for path in ['README.md', 'configs/glmc/README.md',
                 *glob.glob(osp.join(REPO, 'docs', '*.md'))]:
        text = read(path)
        assert '../shared' not in text and 'GLMC_SPEC' not in text, path
        for image in re.findall(r'!\[[^\]]*\]\(([^)]+)\)', text):
            assert osp.isfile(osp.join(REPO, osp.dirname(path), image))


def test_glmc_components_cite_the_paper_and_the_method_page():
    from glmc_mm.engine import EpochEndWarmupCosineLR
    from glmc_mm.models import (GLMCClassifier, GLMCDataPreprocessor,
                                GLMCHead)
    for component in (GLMCClassifier, GLMCDataPreprocessor, GLMCHead,
                      EpochEndWarmupCosineLR):
        doc = ' '.join(component.__doc__.split())
        assert 'arXiv 2305.08661' in doc and 'docs/method.md' in doc, \
            component.__name__


def test_readme_lists_the_runtime_hooks_in_order():
    from mmengine.config import Config
    runtime = Config.fromfile(osp.join(REPO, 'configs', '_base_',
                                       'lt_runtime.py'))
    text = ' '.join(read('README.md').split())
    listed = text.split('these `custom_hooks`, in this order: ')[1]
    listed = listed.split(';')[0]
    assert re.findall(r'`(\w+)`', listed) == [
        hook.type for hook in runtime.custom_hooks]


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
    (tmp_path / 'my_glmc.py').write_text(block.replace(
        "'data/my_folder'", repr(str(tmp_path / 'data'))))
    rng = np.random.default_rng(0)
    for split, count in (('train', 40), ('test', 2)):
        for c in range(5):
            folder = tmp_path / 'data' / split / f'class_{c}'
            folder.mkdir(parents=True)
            for i in range(count):
                cv2.imwrite(str(folder / f'{i}.jpg'), rng.integers(
                    0, 256, (8, 8, 3), dtype=np.uint8))
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


def test_docs_links_lead_to_files():
    for path in ['README.md', *glob.glob(osp.join(REPO, 'docs', '*.md'))]:
        text = read(path)
        for link in re.findall(r'\]\(([^)#:]+)(?:#[^)]*)?\)', text):
            assert osp.exists(osp.join(REPO, osp.dirname(path), link)), \
                (path, link)


def test_code_cites_docs_pages_that_exist():
    """Docstrings and config comments point to a ``docs/`` page (the README
    holds no sections they could cite), and each page they name exists."""
    files = [f for pattern in ('glmc_mm/**/*.py', 'configs/**/*.py',
                               'tools/**/*.py', 'tools/**/*.sh')
             for f in glob.glob(osp.join(REPO, pattern), recursive=True)]
    cited = set()
    for path in files:
        text = read(path)
        assert not re.search(r"the README\b|README[,']", text), path
        cited |= set(re.findall(r'\bdocs/(\w+\.md)', text))
    assert 'method.md' in cited and 'speed.md' in cited
    missing = sorted(page for page in cited
                     if not osp.exists(osp.join(REPO, 'docs', page)))
    assert not missing, missing
