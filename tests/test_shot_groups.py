import pytest

from glmc_mm.evaluation import shot_groups


def test_boundaries_follow_many_over_100_few_under_20():
    groups = shot_groups([101, 100, 20, 19, 5000, 1])
    assert groups['many'].tolist() == [0, 4]
    assert groups['medium'].tolist() == [1, 2]
    assert groups['few'].tolist() == [3, 5]


def test_thresholds_are_options():
    groups = shot_groups([50, 10, 3], many_threshold=20, few_threshold=5)
    assert [groups[g].tolist() for g in ('many', 'medium', 'few')] == \
        [[0], [1], [2]]
    with pytest.raises(ValueError, match='few_threshold=200'):
        shot_groups([1], many_threshold=100, few_threshold=200)


def test_authors_convention_puts_exactly_20_in_few():
    counts = [101, 100, 21, 20, 19]
    standard = shot_groups(counts)
    authors = shot_groups(counts, convention='authors')
    assert standard['medium'].tolist() == [1, 2, 3]
    assert standard['few'].tolist() == [4]
    assert authors['medium'].tolist() == [1, 2]
    assert authors['few'].tolist() == [3, 4]
    assert authors['many'].tolist() == standard['many'].tolist() == [0]
    with pytest.raises(ValueError, match="convention must be one of"):
        shot_groups(counts, convention='liu')
