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
    assert len(configs) == 53
    assert links == configs
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
