"""Settings declared once: a stored value that is missing, corrupt or of the wrong type reads
as the default, never raises; INI files' text forms are understood."""

from __future__ import annotations

from xorlab.app.settings import (
    Setting,
    as_bool,
    as_float,
    as_int,
    as_str,
    as_str_list,
    one_of,
    within,
)


class DictStore:
    """QSettings' value/setValue over a dict; ``broken`` keys fail to deserialize."""

    def __init__(self, **values: object) -> None:
        self.values = dict(values)
        self.broken: set[str] = set()

    def value(self, key: str, default: object = None) -> object:
        if key in self.broken:
            raise RuntimeError("cannot deserialize")
        return self.values.get(key, default)

    def setValue(self, key: str, value: object) -> None:  # noqa: N802
        self.values[key] = value


def test_a_written_value_reads_back_and_a_missing_one_is_the_default():
    store = DictStore()
    count = Setting("a/count", 3, as_int)
    assert count.read(store) == 3
    count.write(store, 7)
    assert store.values == {"a/count": 7} and count.read(store) == 7


def test_unusable_values_read_as_the_default():
    store = DictStore(flag="maybe", n=True, name=12, files=5, speed="warp 9", bad="x")
    store.broken.add("bad")
    assert Setting("flag", False, as_bool).read(store) is False
    assert Setting("n", 0, as_int).read(store) == 0  # a bool is not a number
    assert Setting("name", "", as_str).read(store) == ""
    assert Setting("files", [], as_str_list).read(store) == []
    assert Setting("speed", "full", one_of({"full", "100"})).read(store) == "full"
    assert Setting("bad", "ok", as_str).read(store) == "ok"


def test_ini_text_forms_are_understood():
    store = DictStore(flag="true", n=" 42 ", files="/a.json", many=["/a", "", "/b", "/a", 3])
    assert Setting("flag", False, as_bool).read(store) is True
    assert Setting("n", 0, as_int).read(store) == 42
    assert Setting("files", [], as_str_list).read(store) == ["/a.json"]
    assert Setting("many", [], as_str_list).read(store) == ["/a", "/b"]


def test_numbers_in_a_range():
    store = DictStore(span="2.5", huge=1e300, nan="nan", inf="inf", yes=True, grid=" 21 ", big=500)
    assert Setting("span", 1.0, as_float).read(store) == 2.5
    assert Setting("nan", 1.0, as_float).read(store) == 1.0  # not a number
    assert Setting("inf", 1.0, as_float).read(store) == 1.0
    assert Setting("yes", 1.0, as_float).read(store) == 1.0  # a bool is not a number
    assert Setting("huge", 1.0, within(as_float, 1e-4, 1e6)).read(store) == 1.0
    assert Setting("grid", 41, within(as_int, 3, 101)).read(store) == 21
    assert Setting("big", 41, within(as_int, 3, 101)).read(store) == 41
