"""Refusals that every rank of a distributed run makes together.

A check that runs on some ranks and not others, or that finds a problem on
one rank only, must not raise there alone: the other ranks would go on to
the next collective and wait for it until the process group's timeout,
and what the user sees would depend on the launcher. Here the ranks first
gather what each found; then every rank raises the same error, and rank 0
writes it to the run's log in the work dir before it does.
"""
import logging
from typing import List, Optional, Sequence

import torch
from mmengine.dist import (all_gather_object, all_reduce,
                           broadcast_object_list, get_world_size)
from mmengine.logging import print_log


def gathered(items: Sequence) -> List:
    """``items`` of every rank, concatenated in rank order (``items``
    itself outside a distributed run).

    Args:
        items (Sequence): What this rank found; picklable.
    """
    if get_world_size() == 1:
        return list(items)
    return [item for part in all_gather_object(list(items)) for item in part]


def on_any_rank(flag: bool) -> bool:
    """Whether ``flag`` is true on at least one rank (one small
    ``all_reduce``; no communication outside a distributed run).

    Args:
        flag (bool): This rank's value.
    """
    if get_world_size() == 1:
        return flag
    found = torch.tensor([int(flag)])
    all_reduce(found, op='max')
    return bool(found.item())


def from_rank_zero(message: Optional[str]) -> Optional[str]:
    """Rank 0's ``message`` on every rank: for a check that only rank 0
    makes (e.g. of a file that only it reads).

    Args:
        message (str, optional): Rank 0's finding; ignored on the others.
    """
    if get_world_size() == 1:
        return message
    box = [message]
    broadcast_object_list(box, src=0)
    return box[0]


def raise_on_every_rank(error: Exception) -> None:
    """Log ``error`` (rank 0 writes the run's log file) and raise it. Call
    it on every rank with the same error, made from gathered findings.

    Args:
        error (Exception): The refusal.
    """
    print_log(
        f'{type(error).__name__}: {error}',
        logger='current',
        level=logging.ERROR)
    raise error
