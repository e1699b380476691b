"""Imported by the tests' configs (``custom_imports``) in tool runs: the
generated CIFAR files named by ``GLMC_TEST_CIFAR_MD5`` pass MMPretrain's
md5 check."""
import os

from glmc_mm.benchmark import register_cifar_md5

for table in filter(
        None,
        os.environ.get('GLMC_TEST_CIFAR_MD5', '').split(os.pathsep)):
    register_cifar_md5(table)
