import os
import os.path as osp
import shutil
from setuptools import find_packages, setup
from setuptools.command.build_py import build_py

# What OpenMMLab's tools read from an installed package's ``.mim`` folder:
# ``mim train glmc_mm CONFIG`` finds the configs and tools/train.py there,
# and MMEngine resolves ``glmc_mm::glmc/<name>.py`` to .mim/configs.
MIM_FILES = ('configs', 'tools', 'model-index.yml')


def read_requirements(path: str) -> list:
    with open(path, encoding='utf-8') as f:
        return [
            line.strip() for line in f
            if line.strip() and not line.startswith('#')
        ]


def read_text(path: str) -> str:
    with open(path, encoding='utf-8') as f:
        return f.read()


def read_version() -> str:
    scope: dict = {}
    exec(read_text('glmc_mm/version.py'), scope)
    return scope['__version__']


class BuildPyWithMim(build_py):
    """``build_py`` that also puts :data:`MIM_FILES` into ``glmc_mm/.mim``:
    copies in a wheel, links to the checkout in an editable install."""

    def run(self) -> None:
        super().run()
        if self.editable_mode:
            self._link_into_checkout()
        else:
            target = osp.join(self.build_lib, 'glmc_mm', '.mim')
            os.makedirs(target, exist_ok=True)
            for name in MIM_FILES:
                if osp.isdir(name):
                    shutil.copytree(
                        name,
                        osp.join(target, name),
                        ignore=shutil.ignore_patterns('__pycache__', '*.pyc'),
                        dirs_exist_ok=True)
                else:
                    shutil.copy2(name, target)

    @staticmethod
    def _link_into_checkout() -> None:
        """``glmc_mm/.mim/<name>`` -> ``../../<name>`` (ignored by git)."""
        target = osp.join('glmc_mm', '.mim')
        os.makedirs(target, exist_ok=True)
        for name in MIM_FILES:
            link = osp.join(target, name)
            if osp.islink(link) or osp.isfile(link):
                os.remove(link)
            elif osp.isdir(link):
                shutil.rmtree(link)
            os.symlink(osp.join('..', '..', name), link)


setup(
    name='glmc_mm',
    version=read_version(),
    description='GLMC (Global and Local Mixture Consistency cumulative '
    'learning, CVPR 2023) for MMPretrain',
    long_description=read_text('README.md'),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['glmc_mm', 'glmc_mm.*']),
    python_requires='>=3.11',
    classifiers=[
        'Programming Language :: Python :: 3.11',
        'Programming Language :: Python :: 3.13',
        'License :: OSI Approved :: Apache Software License',
        'Topic :: Scientific/Engineering :: Artificial Intelligence',
    ],
    # The same metadata whoever builds the wheel: no mmcv here. Like
    # MMPretrain's, it comes with ``mim install glmc_mm`` or an extra:
    # glmc_mm[lite] (mmcv-lite, all MMPretrain needs) or glmc_mm[mim] (full
    # mmcv, e.g. from OpenMMLab's wheels).
    install_requires=read_requirements('requirements/runtime.txt'),
    extras_require={
        'lite': read_requirements('requirements/lite.txt'),
        'mim': read_requirements('requirements/mminstall.txt'),
        'tests': ['pytest'],
        'tensorboard': ['tensorboard']
    },
    license='Apache License 2.0',
    cmdclass={'build_py': BuildPyWithMim},
)
