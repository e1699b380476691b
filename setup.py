from importlib.metadata import PackageNotFoundError, version

from setuptools import find_packages, setup


def mmcv_requirement() -> str:
    """Full mmcv where it is installed, else mmcv-lite (MMPretrain never
    needs mmcv's compiled ops)."""
    try:
        version('mmcv')
        return 'mmcv>=2.0.0,<2.4.0'
    except PackageNotFoundError:
        return 'mmcv-lite>=2.0.0,<2.4.0'


def read_requirements(path: str) -> list:
    with open(path) as f:
        return [
            line.strip() for line in f
            if line.strip() and not line.startswith('#')
        ]


def read_version() -> str:
    scope: dict = {}
    with open('glmc_mm/version.py') as f:
        exec(f.read(), scope)
    return scope['__version__']


setup(
    name='glmc_mm',
    version=read_version(),
    description='GLMC (Global and Local Mixture Consistency cumulative '
    'learning, CVPR 2023) for MMPretrain',
    long_description=open('README.md').read(),
    long_description_content_type='text/markdown',
    packages=find_packages(include=['glmc_mm', 'glmc_mm.*']),
    python_requires='>=3.8',
    install_requires=[
        mmcv_requirement(), *read_requirements('requirements/runtime.txt')
    ],
    extras_require={
        'tests': ['pytest'],
        'tensorboard': ['tensorboard']
    },
    license='Apache License 2.0',
)
