"""How OpenMP's threads wait: set before torch is imported.

PyTorch's CPU kernels run on OpenMP (GNU ``libgomp`` in its Linux wheels),
whose idle threads spin before they sleep: 300,000 turns by default. Beside
other busy processes, spinning threads keep the cores from the threads
that have work, and a fixed-thread run becomes 8x slower, not 2x
(``docs/speed.md``). With ``GOMP_SPINCOUNT=1000`` they sleep soon: on the
CPU of that page the main job keeps its speed alone (0.316 s per iteration
against 0.322) and beside a second run takes 2.3x as long instead of 8.3x,
with the same weights to the bit.

``libgomp`` reads the setting once, when torch is imported, so importing
this module (``import glmc_mm`` does, first) sets it only where torch is
not imported yet (our tools import ``glmc_mm`` first) and where neither
``GOMP_SPINCOUNT`` nor ``OMP_WAIT_POLICY`` is set already.
"""
import os
import sys

SPIN_COUNT = '1000'


def set_default_spin_count() -> None:
    """Set ``GOMP_SPINCOUNT`` to :data:`SPIN_COUNT` where it takes effect
    and the user chose nothing."""
    chosen = {'GOMP_SPINCOUNT', 'OMP_WAIT_POLICY'} & set(os.environ)
    if 'torch' not in sys.modules and not chosen:
        os.environ['GOMP_SPINCOUNT'] = SPIN_COUNT


set_default_spin_count()
