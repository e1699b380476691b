"""Rows of ``test_bad_inputs.py``'s tables: checkpoint contents, as test.py,
the inferencer, the converter and --resume read them."""
from typing import List

from tiny_run import Case, ToolCase

# in-process rows (test_bad_input_is_named)
CASES: List[Case] = []
# tool rows (test_bad_tool_input_is_named)
TOOL_CASES: List[ToolCase] = [
    ToolCase('test.py with a missing checkpoint', 'tools/test.py',
             lambda run: [run.config, run.checkpoint + '.gone'], 1,
             ['epoch_1.pth.gone']),
]
