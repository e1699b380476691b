"""Which CPU a run ran on."""
import platform

import torch


def cpu_name(cpuinfo: str = '/proc/cpuinfo') -> str:
    """The CPU's model, family, model number and stepping (from the file
    ``cpuinfo``, else :func:`platform.processor`), and the kernels torch
    chose for it: what a run's rounding, and so its exact figures, depend
    on besides its config, seed and thread count."""
    fields = {}
    try:
        with open(cpuinfo) as f:
            for line in f:
                if not line.strip():
                    break
                key, _, value = line.partition(':')
                fields[key.strip()] = value.strip()
    except OSError:
        pass
    name = fields.get('model name') or platform.processor() or 'unknown CPU'
    numbers = ', '.join(f'{key} {fields[key]}'
                        for key in ('cpu family', 'model', 'stepping')
                        if key in fields)
    return (f'{name}{f" ({numbers})" if numbers else ""}, torch kernels '
            f'{torch.backends.cpu.get_cpu_capability()}')
