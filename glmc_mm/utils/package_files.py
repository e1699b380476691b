"""Where the files that ship beside the code lie: configs, tools and
``model-index.yml``."""
import os.path as osp
from typing import Optional

PACKAGE_ROOT = osp.dirname(osp.dirname(osp.abspath(__file__)))


def package_path(name: str) -> Optional[str]:
    """The path of ``name`` (e.g. ``'configs/glmc/x.py'`` or
    ``'model-index.yml'``) in the installed package's ``glmc_mm/.mim``
    (copies in a wheel, links to the checkout in an editable install), else
    in the source checkout this package is imported from uninstalled; None
    where neither holds it.

    Args:
        name (str): A path relative to the repository's root.
    """
    for root in (osp.join(PACKAGE_ROOT, '.mim'), osp.dirname(PACKAGE_ROOT)):
        path = osp.join(root, name)
        if osp.exists(path):
            return path
    return None
