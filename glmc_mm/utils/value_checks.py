"""Validate a number read from a config where its owner reads it."""
import math
import numbers
from typing import Optional, Union


def check_number(owner: str,
                 field: str,
                 value,
                 *,
                 minimum: Optional[float] = None,
                 maximum: Optional[float] = None,
                 above: Optional[float] = None,
                 integer: bool = False) -> Union[int, float]:
    """Return ``value`` as a finite ``float`` (or ``int``) within its range,
    or raise an error that names the owner, the field and the value.

    Args:
        owner (str): The component reading the value, e.g.
            ``'GLMCDataPreprocessor'``.
        field (str): The argument's name, e.g. ``'label_weighting'``.
        value: What the config gave.
        minimum (float, optional): Smallest allowed value.
        maximum (float, optional): Largest allowed value.
        above (float, optional): The value must be strictly larger.
        integer (bool): Require an integer (an integral float such as
            ``1200.0`` is accepted and returned as ``int``).

    Returns:
        int | float: The value.

    Raises:
        TypeError: ``value`` is not a number (a ``bool`` or ``str`` is not).
        ValueError: ``value`` is NaN, infinite, not integral where an integer
            is needed, or out of range.
    """
    kind = 'an integer' if integer else 'a finite number'
    limits = [
        f'{sign} {_shown(bound)}'
        for sign, bound in (('>', above), ('>=', minimum), ('<=', maximum))
        if bound is not None
    ]
    wanted = ' '.join([kind, ' and '.join(limits)]).strip()
    if isinstance(value, bool) or not isinstance(value, numbers.Real):
        raise TypeError(f'{owner}: {field} must be {wanted}, got {value!r} '
                        f'({type(value).__name__})')
    number = float(value)
    if (not math.isfinite(number) or (integer and not number.is_integer())
            or (above is not None and not number > above)
            or (minimum is not None and number < minimum)
            or (maximum is not None and number > maximum)):
        raise ValueError(f'{owner}: {field} must be {wanted}, got {value!r}')
    return int(number) if integer else number


def _shown(bound: float) -> str:
    """A bound as written: ``4294967295``, not ``4.29497e+09``."""
    return str(int(bound)) if float(bound).is_integer() else f'{bound:g}'
