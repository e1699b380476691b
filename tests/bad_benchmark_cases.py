"""Rows of ``test_bad_inputs.py``'s tables: the benchmark tool: its work
dir, method names and records."""
from typing import List

from tiny_run import Case, ToolCase

# in-process rows (test_bad_input_is_named)
CASES: List[Case] = []
# tool rows (test_bad_tool_input_is_named)
TOOL_CASES: List[ToolCase] = []
