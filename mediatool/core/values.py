"""Immutable value classes: frozen dataclasses whose `==`, hash and repr are written once.

`dataclasses.dataclass(frozen=True)` compiles six methods for every class, one
`exec` each (Python 3.11): for the hundred value classes a command imports, that
was a third of `mediatool report`'s whole run on a month. `value` has it compile
only `__init__` and the frozen guards, and gives the class the comparison, hash
and repr below, which mean what the generated ones mean: fields compared in
order (those with `compare=True`), only between instances of the same class;
the `repr=True` fields shown as `Class(name=value, ...)`.
"""

from __future__ import annotations

import dataclasses
import operator
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[T]) -> type[T]:
    """Make `cls` a frozen dataclass with the shared `__eq__`, `__hash__` and `__repr__`."""
    made = dataclasses.dataclass(frozen=True, eq=False, repr=False)(cls)
    fields = dataclasses.fields(made)  # type: ignore[arg-type]
    # staticmethod: a lambda stored on the class would otherwise be bound to the instance
    made.__value_key__ = staticmethod(  # type: ignore[attr-defined]
        _tuple_of([f.name for f in fields if f.compare]))
    made.__value_shown__ = tuple(f.name for f in fields if f.repr)  # type: ignore[attr-defined]
    for name, method in (("__eq__", _eq), ("__repr__", _repr)):
        if name not in made.__dict__:
            setattr(made, name, method)
    if made.__dict__.get("__hash__") is None:  # what dataclass does for eq=True, frozen=True
        made.__hash__ = _hash  # type: ignore[method-assign,assignment]
    return made


def _tuple_of(names: list[str]) -> Callable[[Any], tuple[Any, ...]]:
    if len(names) >= 2:
        return operator.attrgetter(*names)
    if names:
        only = names[0]
        return lambda item: (getattr(item, only),)
    return lambda item: ()


def _eq(self: Any, other: Any) -> Any:
    if other.__class__ is self.__class__:
        return self.__value_key__(self) == other.__value_key__(other)
    return NotImplemented


def _hash(self: Any) -> int:
    return hash(self.__value_key__(self))


def _repr(self: Any) -> str:
    shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__value_shown__)
    return f"{self.__class__.__qualname__}({shown})"
