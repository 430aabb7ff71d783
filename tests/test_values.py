"""`frozen` means what `dataclass(frozen=True)` means, with methods written once."""

from __future__ import annotations

import dataclasses

import pytest

from mediatool.core.values import frozen


@frozen
class Empty:
    pass


@frozen
class One:
    name: str


@frozen
class Pair:
    name: str
    count: int = 0
    note: str = dataclasses.field(default="", compare=False, repr=False)


@frozen
class Twin:  # same fields as Pair: still never equal to it
    name: str
    count: int = 0
    note: str = dataclasses.field(default="", compare=False, repr=False)


@frozen
class Child(Pair):
    extra: tuple[int, ...] = ()


@dataclasses.dataclass(frozen=True)
class Reference:
    name: str
    count: int = 0
    note: str = dataclasses.field(default="", compare=False, repr=False)


def test_equal_and_hash_follow_the_compared_fields():
    assert Pair("a", 1) == Pair("a", 1, note="other")
    assert hash(Pair("a", 1)) == hash(Pair("a", 1, note="other"))
    assert Pair("a", 1) != Pair("a", 2)
    assert len({Pair("a", 1), Pair("a", 1), Pair("b", 1)}) == 2
    assert One("x") == One("x") and One("x") != One("y")
    assert Empty() == Empty() and hash(Empty()) == hash(Empty())


def test_only_instances_of_the_same_class_compare_equal():
    assert Pair("a", 1) != Twin("a", 1)
    assert Pair("a", 1) != Child("a", 1)
    assert Pair("a", 1) != ("a", 1)
    assert Pair("a", 1).__eq__("a") is NotImplemented


def test_inherited_fields_are_compared_and_shown():
    assert Child("a", 1, extra=(1,)) != Child("a", 1, extra=(2,))
    assert repr(Child("a", 1, extra=(1,))) == "Child(name='a', count=1, extra=(1,))"


def test_repr_is_the_dataclass_repr():
    assert repr(Pair("a", 1, note="hidden")) == repr(Reference("a", 1, note="hidden")).replace(
        "Reference", "Pair")
    assert repr(Empty()) == "Empty()"
    assert repr(One("é")) == "One(name='é')"


def test_instances_stay_frozen():
    item = Pair("a", 1)
    with pytest.raises(dataclasses.FrozenInstanceError):
        item.name = "b"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        del item.count  # type: ignore[misc]
    assert dataclasses.replace(item, count=2) == Pair("a", 2)
    assert dataclasses.is_dataclass(item) and [f.name for f in dataclasses.fields(item)] == [
        "name", "count", "note"]


def test_methods_a_class_writes_itself_are_kept():
    @frozen
    class Folded:
        text: str

        def __eq__(self, other: object) -> bool:
            return isinstance(other, Folded) and self.text.lower() == other.text.lower()

        def __hash__(self) -> int:
            return hash(self.text.lower())

    assert Folded("A") == Folded("a") and hash(Folded("A")) == hash(Folded("a"))


def test_the_package_declares_its_frozen_classes_with_frozen():
    """A `dataclass(frozen=True)` costs six compiled methods at every start-up; only
    ordered values (which need the generated `<`) keep it."""
    import ast
    from pathlib import Path

    package = Path(__file__).resolve().parent.parent / "mediatool"
    found = []
    for path in sorted(package.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if not isinstance(node, ast.ClassDef):
                continue
            for decorator in node.decorator_list:
                words = {k.arg: getattr(k.value, "value", None)
                         for k in getattr(decorator, "keywords", [])}
                if words.get("frozen") is True and not words.get("order"):
                    found.append(f"{path.relative_to(package)}:{node.lineno} {node.name}")
    assert found == []


def test_init_is_the_dataclass_init():
    import inspect

    @frozen
    class Defaults:
        name: str
        tags: tuple[str, ...] = ()
        seen: list[int] = dataclasses.field(default_factory=list)

    first, second = Defaults("a"), Defaults("b", ("x",))
    assert first.tags == () and second.tags == ("x",) and first.seen == []
    assert first.seen is not second.seen  # a new list each time, as default_factory means
    assert Defaults(name="c", seen=[1]).seen == [1]
    assert str(inspect.signature(Defaults)) == str(inspect.signature(
        dataclasses.dataclass(frozen=True)(type("Defaults", (), {
            "__annotations__": {"name": "str", "tags": "tuple[str, ...]",
                                "seen": "list[int]"},
            "tags": (), "seen": dataclasses.field(default_factory=list)}))))
    assert Defaults.__doc__ and Defaults.__doc__.startswith("Defaults(name")
    with pytest.raises(TypeError):
        Defaults()  # type: ignore[call-arg]
    with pytest.raises(TypeError):
        Defaults("a", nope=1)  # type: ignore[call-arg]


def test_what_frozen_does_not_build_is_refused_when_the_class_is_made():
    with pytest.raises(TypeError, match="follows"):
        @frozen
        class Order:
            first: int = 0
            second: int  # type: ignore[misc]
    with pytest.raises(TypeError):
        @frozen
        class Hidden:
            shown: int
            hidden: int = dataclasses.field(default=0, init=False)
    with pytest.raises(ValueError):  # dataclasses' own check of a mutable default
        @frozen
        class Shared:
            items: list[int] = []  # noqa: RUF012
