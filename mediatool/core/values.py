"""Immutable value classes: dataclasses that compile one method, not six.

`dataclasses.dataclass(frozen=True)` compiles six methods for every class, one
`exec` each (Python 3.11): for the hundred value classes a command imports, that
was a third of `mediatool report`'s whole run on a month. `frozen` keeps
dataclasses' fields (`dataclasses.fields`, `replace`, `asdict` work as before)
and compiles only `__init__`; comparison, hash, repr and the guards against
assignment are written once, below, with the generated ones' meaning: fields
compared in order (those with `compare=True`), only between instances of the
same class; the `repr=True` fields shown as `Class(name=value, ...)`;
assigning or deleting an attribute raises `dataclasses.FrozenInstanceError`.
"""

from __future__ import annotations

import dataclasses
import inspect
import operator
from collections.abc import Callable
from typing import Any, TypeVar, dataclass_transform

T = TypeVar("T")
_MISSING = dataclasses.MISSING


class _Factory:
    """The default of a field with a default factory: shown as dataclasses show it."""

    def __repr__(self) -> str:
        return "<factory>"


_FACTORY = _Factory()


@dataclass_transform(frozen_default=True, field_specifiers=(dataclasses.field,))
def frozen(cls: type[T]) -> type[T]:
    """Make `cls` an immutable dataclass, as `dataclass(frozen=True)` would."""
    for name in ("__setattr__", "__delattr__"):
        if name in cls.__dict__:
            raise TypeError(f"{cls.__name__} is frozen: it cannot define {name}")
    # Fields, defaults and their checks from dataclasses; every method from here.
    documented = bool(cls.__dict__.get("__doc__"))
    made: Any = dataclasses.dataclass(init=False, repr=False, eq=False)(cls)
    fields = dataclasses.fields(made)
    made.__init__ = _init(made, fields)
    if not documented:  # dataclass wrote "Name(signature)" before there was an __init__
        made.__doc__ = made.__name__ + str(inspect.signature(made)).replace(" -> None", "")
    # staticmethod: a lambda stored on the class would otherwise be bound to the instance
    made.__value_key__ = staticmethod(_tuple_of([f.name for f in fields if f.compare]))
    made.__value_shown__ = tuple(f.name for f in fields if f.repr)
    made.__setattr__ = _refuse_assignment
    made.__delattr__ = _refuse_deletion
    for name, method in (("__eq__", _eq), ("__repr__", _repr)):
        if name not in made.__dict__:
            setattr(made, name, method)
    if made.__dict__.get("__hash__") is None:  # what dataclass does for eq=True, frozen=True
        made.__hash__ = _hash
    return made  # type: ignore[no-any-return]


def _init(cls: type, fields: tuple[dataclasses.Field[Any], ...]) -> Callable[..., None]:
    """`__init__` as `dataclass(frozen=True)` writes it, for the fields this package uses:
    plain, with a default, or with a default factory."""
    scope: dict[str, Any] = {"_set": object.__setattr__, "_FACTORY": _FACTORY}
    params: list[str] = []
    body: list[str] = []
    for f in fields:
        if f.name == "self" or not f.init or f.kw_only is True:
            raise TypeError(f"{cls.__name__}.{f.name}: a field `frozen` does not build")
        value = f.name
        if f.default is not _MISSING:
            scope[f"_default_{f.name}"] = f.default
            params.append(f"{f.name}=_default_{f.name}")
        elif f.default_factory is not _MISSING:
            scope[f"_factory_{f.name}"] = f.default_factory
            params.append(f"{f.name}=_FACTORY")
            value = f"_factory_{f.name}() if {f.name} is _FACTORY else {f.name}"
        elif params and "=" in params[-1]:
            raise TypeError(f"{cls.__name__}.{f.name}: a field without a default follows one "
                            "with a default")
        else:
            params.append(f.name)
        body.append(f"    _set(self, {f.name!r}, {value})")
    if hasattr(cls, "__post_init__"):
        body.append("    self.__post_init__()")
    exec(f"def __init__(self, {', '.join(params)}):\n" + ("\n".join(body) or "    pass"), scope)
    init: Callable[..., None] = scope["__init__"]
    init.__qualname__ = f"{cls.__qualname__}.__init__"
    init.__module__ = cls.__module__
    init.__annotations__ = {**{f.name: f.type for f in fields}, "return": None}
    return init


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


def _refuse_assignment(self: Any, name: str, value: Any) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot assign to field {name!r}")


def _refuse_deletion(self: Any, name: str) -> None:
    raise dataclasses.FrozenInstanceError(f"cannot delete field {name!r}")
