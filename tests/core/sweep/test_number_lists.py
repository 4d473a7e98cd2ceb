import pytest

from xorlab.core.sweep.number_lists import MAX_ITEMS, ListError, parse_floats, parse_ints


def test_lists_accept_commas_spaces_and_semicolons_and_drop_duplicates():
    assert parse_ints(" 1, 2 ,3;3  4", 0, 10) == [1, 2, 3, 4]
    assert parse_floats("0.1, 1e-2 0.5, 0.1", 0, 1, low_open=True) == [0.1, 0.01, 0.5]
    assert parse_ints("", 0, 10) == [] and parse_floats("  ,, ", 0, 1) == []


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: parse_ints("1, x", 0, 9), "'x' is not a whole number"),
        (lambda: parse_ints("1.5", 0, 9), "'1.5' is not a whole number"),
        (lambda: parse_ints("12", 0, 9), "12 is outside 0..9"),
        (lambda: parse_floats("0.1, abc", 0, 1), "'abc' is not a number"),
        (lambda: parse_floats("nan", 0, 1), "'nan' is not a finite number"),
        (lambda: parse_floats("0", 0, 1, low_open=True), "0 must be above 0 and at most 1"),
        (lambda: parse_floats("-1", 0, 1), "-1 must be at least 0 and at most 1"),
        (lambda: parse_ints(",".join(["1"] * (MAX_ITEMS + 1)), 0, 9), "at most 50"),
    ],
)
def test_bad_items_are_named(call, message):
    with pytest.raises(ListError, match=message):
        call()
