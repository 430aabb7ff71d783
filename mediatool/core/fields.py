"""Model definitions are the single source of validation rules.

Each model is a frozen dataclass whose fields carry a `spec(...)`. From it
we derive both the JSON Schema (`schema_for`) shown to editors and the
builder (`build`) that turns loaded YAML into instances while collecting
every problem with its position. One list of rules, two uses.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import difflib
import functools
import re
import types
import typing
from collections.abc import Callable
from dataclasses import MISSING, dataclass
from typing import Any, Literal, Union, get_args, get_origin

from mediatool.core.errors import Problem
from mediatool.core.period import DATE_RANGE_HINT, year_in_range

# Where a value sits in a loaded document: its keys and list indexes from the root.
Pointer = tuple[Any, ...]
TIME_PATTERN = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"
SLUG_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
_TIME_RE = re.compile(TIME_PATTERN)


def spec(description: str = "", *, default: Any = MISSING, default_factory: Any = MISSING,
         pattern: str | None = None, minimum: float | None = None,
         maximum: float | None = None, fmt: str | None = None,
         pattern_hint: str | None = None, max_length: int | None = None) -> Any:
    """A dataclass field with the rules the schema and the builder share.

    `max_length`: the most characters a person may type for this text (the command
    line reads it through `text_bound`). Files are not refused for it: records
    written by earlier versions, which had no bound, stay readable.
    """
    metadata = {"description": description, "pattern": pattern, "minimum": minimum,
                "maximum": maximum, "format": fmt, "pattern_hint": pattern_hint,
                "max_length": max_length}
    if default_factory is not MISSING:
        return dataclasses.field(default_factory=default_factory, metadata=metadata)
    return dataclasses.field(default=default, metadata=metadata)


def field_bounds(cls: Any, name: str) -> tuple[float | None, float | None]:
    """(minimum, maximum) declared by `spec` for one field: bounds are never re-typed."""
    meta = next(f.metadata for f in dataclasses.fields(cls) if f.name == name)
    return meta.get("minimum"), meta.get("maximum")


def text_bound(cls: Any, name: str) -> int | None:
    """The `max_length` declared by `spec` for one text field (None: no bound)."""
    meta = next(f.metadata for f in dataclasses.fields(cls) if f.name == name)
    return meta.get("max_length")


@dataclass
class Positioned:
    """A loaded value and the (line, column) of every path inside it."""

    value: Any
    positions: dict[Pointer, tuple[int, int]]
    plain_scalars: set[Pointer]  # paths whose scalar was written without quotes

    def position(self, path: Pointer) -> tuple[int | None, int | None]:
        """Position of `path`, or of its nearest ancestor that has one."""
        path = tuple(path)
        while True:
            if path in self.positions:
                return self.positions[path]
            if not path:
                return (None, None)
            path = path[:-1]


@dataclass
class Context:
    """Where built values come from, and where problems go."""

    source: str
    locate: Callable[[Pointer], tuple[int | None, int | None]]
    plain_scalars: set[Pointer] = dataclasses.field(default_factory=set)
    problems: list[Problem] = dataclasses.field(default_factory=list)

    def problem(self, path: Pointer, message: str, hint: str | None = None,
                severity: str = "error") -> None:
        line, column = self.locate(path)
        self.problems.append(Problem(self.source, line, message, hint, column, severity))


class _Invalid:
    """Marker for a value that failed to build (its problem is already recorded)."""


INVALID: Any = _Invalid()


def _label(path: Pointer) -> str:
    names = [str(p) for p in path if not isinstance(p, int)]
    return names[-1] if names else "document"


# ---- type descriptions (for messages and schema) -------------------------

def _unwrap_optional(tp: Any) -> tuple[Any, bool]:
    origin = get_origin(tp)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(tp) if a is not type(None)]
        if len(args) == 1 and len(get_args(tp)) == 2:
            return args[0], True
    return tp, False


def _describe(tp: Any) -> str:
    tp, _ = _unwrap_optional(tp)
    if tp is bool:
        return "vrai ou faux (true/false)"
    if tp is int:
        return "un nombre entier"
    if tp is float:
        return "un nombre"
    if tp is str:
        return "un texte"
    if tp is dt.date:
        return "une date AAAA-MM-JJ"
    if tp is dt.datetime:
        return "une date et heure ISO (2026-12-08T14:00:00+01:00)"
    if tp is dt.time:
        return "une heure « HH:MM » entre guillemets"
    if get_origin(tp) is tuple:
        return "une liste"
    if get_origin(tp) is Literal:
        return "l'une des valeurs " + ", ".join(str(a) for a in get_args(tp))
    if dataclasses.is_dataclass(tp):
        return "une liste de champs (clé: valeur)"
    return str(tp)


# ---- building ------------------------------------------------------------

Converter = Callable[[Any, Pointer, Context], Any]


def build(cls: type, value: Any, path: Pointer, ctx: Context) -> Any:
    """Build `cls` from a loaded value; INVALID (with problems recorded) when wrong."""
    return _converter(cls)(value, path, ctx)


@functools.cache
def _converter(tp: Any) -> Converter:
    tp, optional = _unwrap_optional(tp)
    inner = _plain_converter(tp)
    if not optional:
        return inner

    def convert_optional(value: Any, path: Pointer, ctx: Context) -> Any:
        return None if value is None else inner(value, path, ctx)

    return convert_optional


def _type_error(value: Any, path: Pointer, ctx: Context, tp: Any) -> Any:
    ctx.problem(path, f"« {_label(path)} » doit être {_describe(tp)}, pas {show_value(value)}")
    return INVALID


def show_value(value: Any) -> str:
    """A value as quoted in a message: short, and never the text of a whole structure."""
    if value is None:
        return "vide"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "une liste de champs"
    if isinstance(value, list):
        return "une liste"
    text = str(value)
    return f"« {text[:40]}{'…' if len(text) > 40 else ''} »"


def _plain_converter(tp: Any) -> Converter:
    if dataclasses.is_dataclass(tp):
        return _dataclass_converter(tp)
    origin = get_origin(tp)
    if origin is tuple:
        item = _converter(get_args(tp)[0])

        def convert_tuple(value: Any, path: Pointer, ctx: Context) -> Any:
            if value is None:
                return ()
            if not isinstance(value, list):
                return _type_error(value, path, ctx, tp)
            items = tuple(item(v, (*path, i), ctx) for i, v in enumerate(value))
            return INVALID if any(v is INVALID for v in items) else items

        return convert_tuple
    if origin is Literal:
        allowed = get_args(tp)

        def convert_literal(value: Any, path: Pointer, ctx: Context) -> Any:
            if value in allowed and type(value) is type(allowed[0]):
                return value
            # Only a scalar can be a typo; str() of a hostile nested value could be huge.
            close = (difflib.get_close_matches(str(value), [str(a) for a in allowed], n=1)
                     if isinstance(value, (str, int, float)) else [])
            ctx.problem(path, f"{show_value(value)} n'est pas permis pour « {_label(path)} »",
                        f"valeurs permises : {', '.join(map(str, allowed))}"
                        + (f" (vouliez-vous « {close[0]} » ?)" if close else ""))
            return INVALID

        return convert_literal
    if tp is dt.time:
        return _convert_time
    if tp is dt.date:
        return _convert_date
    if tp is dt.datetime:
        return _convert_datetime
    if tp in (str, int, float, bool):
        return _scalar_converter(tp)
    raise TypeError(f"unsupported field type {tp!r}")


def _scalar_converter(tp: type) -> Converter:
    def convert(value: Any, path: Pointer, ctx: Context) -> Any:
        if type(value) is tp:
            return value
        if tp is float and type(value) is int:
            return float(value)
        if tp is str and isinstance(value, (int, float, dt.date)) and not isinstance(value, bool):
            ctx.problem(path, f"« {_label(path)} » doit être un texte, pas {show_value(value)}",
                        "mettez la valeur entre guillemets")
            return INVALID
        return _type_error(value, path, ctx, tp)

    return convert


def _convert_time(value: Any, path: Pointer, ctx: Context) -> Any:
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        # YAML 1.1 reads an unquoted 14:00 as the sexagesimal number 840.
        shown = f"{value // 60:02d}:{value % 60:02d}"
        ctx.problem(path, f"heure écrite sans guillemets : « {_label(path)} » a été lu comme "
                          f"le nombre {value}", f'écrivez "{shown}" entre guillemets')
        return INVALID
    if not isinstance(value, str) or not _TIME_RE.match(value):
        return _type_error(value, path, ctx, dt.time)
    return dt.time(int(value[:2]), int(value[3:]))


def _convert_date(value: Any, path: Pointer, ctx: Context) -> Any:
    if isinstance(value, dt.datetime):
        return _type_error(value, path, ctx, dt.date)
    if isinstance(value, dt.date):
        return _in_range(value, value, path, ctx)
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            day = dt.date.fromisoformat(value)
            return _in_range(day, day, path, ctx)
        except ValueError:
            pass
    return _type_error(value, path, ctx, dt.date)


def _in_range(day: dt.date, value: Any, path: Pointer, ctx: Context) -> Any:
    """`value` when `day` lies in the years every command can compute with."""
    if year_in_range(day.year):
        return value
    ctx.problem(path, f"« {_label(path)} » hors des dates permises ({day.isoformat()})",
                DATE_RANGE_HINT)
    return INVALID


def _convert_datetime(value: Any, path: Pointer, ctx: Context) -> Any:
    if isinstance(value, dt.datetime):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = dt.datetime.fromisoformat(value)
        except ValueError:
            return _type_error(value, path, ctx, dt.datetime)
    else:
        return _type_error(value, path, ctx, dt.datetime)
    if parsed.tzinfo is None:
        ctx.problem(path, f"« {_label(path)} » n'a pas de décalage horaire",
                    "ajoutez-le, par exemple 2026-12-08T14:00:00+01:00")
        return INVALID
    return _in_range(parsed.date(), parsed, path, ctx)


def _accepted_as_is(tp: Any) -> tuple[type | None, frozenset[Any] | None]:
    """(class, allowed values or None) of what a field's converter returns unchanged.

    Lets the builder skip the converter call for the common case (a string
    where a string is expected). Must agree with `_plain_converter`: scalars
    whose exact type matches, Literal strings among the allowed ones.
    """
    tp, _ = _unwrap_optional(tp)
    if tp in (str, int, bool):
        return tp, None
    if get_origin(tp) is Literal and all(type(a) is str for a in get_args(tp)):
        return str, frozenset(get_args(tp))
    return None, None


def _dataclass_converter(cls: Any) -> Converter:
    hints = typing.get_type_hints(cls)
    plan = []
    for f in dataclasses.fields(cls):
        required = f.default is MISSING and f.default_factory is MISSING
        constrained = any(f.metadata.get(k) is not None
                          for k in ("pattern", "minimum", "maximum"))
        plan.append((f.name, _converter(hints[f.name]), required, f.metadata, constrained,
                     _accepted_as_is(hints[f.name])))
    names = [f.name for f in dataclasses.fields(cls)]
    name_set = set(names)

    def convert(value: Any, path: Pointer, ctx: Context) -> Any:
        if not isinstance(value, dict):
            return _type_error(value, path, ctx, cls)
        kwargs = {}
        ok = True
        for key in () if name_set.issuperset(value) else value:
            if key not in name_set:
                close = difflib.get_close_matches(str(key), names, n=1)
                ctx.problem((*path, key), f"champ inconnu « {key} »",
                            f"vouliez-vous « {close[0]} » ?" if close
                            else f"champs permis : {', '.join(names)}")
                ok = False
        for name, conv, required, meta, constrained, (as_is, allowed) in plan:
            if name not in value:
                if required:
                    ctx.problem(path, f"champ obligatoire « {name} » manquant")
                    ok = False
                continue
            raw = value[name]
            if raw.__class__ is as_is and (allowed is None or raw in allowed):
                built = raw  # what `conv` would return; constraints are checked below
            else:
                built = conv(raw, (*path, name), ctx)
                if built is INVALID:
                    ok = False
                    continue
            if (constrained and built is not None
                    and not _check_constraints(built, (*path, name), meta, ctx)):
                ok = False
                continue
            kwargs[name] = built
        if not ok:
            return INVALID
        return cls(**kwargs)

    return convert


def rebuild(cls: type, plain: dict[str, Any]) -> Any:
    """An instance again from `to_plain` of one that `build` made (a cache entry): dates
    parsed, lists made tuples, nothing validated again. TypeError or ValueError for a
    value not shaped so; models holding other models are not for this."""
    for name, convert in _rebuild_plan(cls):
        value = plain.get(name)
        if value is not None:
            plain[name] = convert(value)
    return cls(**plain)


@functools.cache
def _rebuild_plan(cls: type) -> list[tuple[str, Callable[[Any], Any]]]:
    hints = typing.get_type_hints(cls)
    plan: list[tuple[str, Callable[[Any], Any]]] = []
    for f in dataclasses.fields(cls):  # type: ignore[arg-type]
        tp, _ = _unwrap_optional(hints[f.name])
        if tp is dt.datetime:
            plan.append((f.name, _datetime_text))
        elif tp is dt.date:
            plan.append((f.name, _date_text))
        elif tp is dt.time:
            plan.append((f.name, dt.time.fromisoformat))
        elif get_origin(tp) is tuple:
            plan.append((f.name, tuple))
        elif dataclasses.is_dataclass(tp):
            raise TypeError(f"{cls.__name__}.{f.name}: a model inside a model")
    return plan


def _datetime_text(value: str) -> dt.datetime:
    if type(value) is not str:
        raise TypeError(value)
    return dt.datetime.fromisoformat(value)


def _date_text(value: str) -> dt.date:
    if type(value) is not str:
        raise TypeError(value)
    return dt.date.fromisoformat(value)


@functools.cache
def _compiled(pattern: str) -> re.Pattern[str]:
    # Used with fullmatch: a trailing newline (which `$` lets through) is refused.
    return re.compile(pattern)


def _check_constraints(value: Any, path: Pointer, meta: typing.Mapping[str, Any],
                       ctx: Context) -> bool:
    pattern = meta.get("pattern")
    if pattern and isinstance(value, str) and not _compiled(pattern).fullmatch(value):
        ctx.problem(path, f"valeur {show_value(value)} invalide pour « {_label(path)} »",
                    meta.get("pattern_hint") or meta.get("description") or None)
        return False
    if pattern and isinstance(value, tuple):
        for i, item in enumerate(value):
            if isinstance(item, str) and not _compiled(pattern).fullmatch(item):
                ctx.problem((*path, i), f"valeur {show_value(item)} invalide dans « {_label(path)} »",
                            meta.get("pattern_hint") or None)
                return False
    low, high = meta.get("minimum"), meta.get("maximum")
    if isinstance(value, (int, float)) and not isinstance(value, bool) and (
            (low is not None and value < low) or (high is not None and value > high)):
        ctx.problem(path, f"« {_label(path)} » vaut {value}, hors des bornes permises",
                    f"entre {low} et {high}" if high is not None else f"au moins {low}")
        return False
    return True


# ---- JSON Schema ---------------------------------------------------------

def schema_for(cls: Any, title: str | None = None) -> dict[str, Any]:
    """The JSON Schema (draft 2020-12) of a model, for editors and `catalogue schema`."""
    schema = _schema(cls)
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    if title:
        schema["title"] = title
    return schema


def _schema(tp: Any, meta: typing.Mapping[str, Any] | None = None) -> dict[str, Any]:
    meta = meta or {}
    tp, optional = _unwrap_optional(tp)
    out: dict[str, Any]
    if dataclasses.is_dataclass(tp):
        hints = typing.get_type_hints(tp)
        props = {}
        required = []
        for f in dataclasses.fields(tp):
            props[f.name] = _schema(hints[f.name], f.metadata)
            if f.default is MISSING and f.default_factory is MISSING:
                required.append(f.name)
        out = {"type": "object", "properties": props, "additionalProperties": False}
        if required:
            out["required"] = required
        if tp.__doc__:
            out["description"] = tp.__doc__.strip().splitlines()[0]
    elif get_origin(tp) is tuple:
        item_meta = {"pattern": meta.get("pattern")} if meta.get("pattern") else None
        out = {"type": "array", "items": _schema(get_args(tp)[0], item_meta)}
    elif get_origin(tp) is Literal:
        out = {"enum": list(get_args(tp))}
    elif tp is dt.time:
        out = {"type": "string", "pattern": TIME_PATTERN}
    elif tp is dt.date:
        out = {"type": "string", "format": "date"}
    elif tp is dt.datetime:
        out = {"type": "string", "format": "date-time"}
    else:
        out = {"type": {str: "string", int: "integer", float: "number", bool: "boolean"}[tp]}
        if meta.get("pattern") and tp is str:
            out["pattern"] = meta["pattern"]
        if meta.get("format"):
            out["format"] = meta["format"]
        if meta.get("minimum") is not None:
            out["minimum"] = meta["minimum"]
        if meta.get("maximum") is not None:
            out["maximum"] = meta["maximum"]
    if meta.get("description") and "description" not in out:
        out["description"] = meta["description"]
    if optional:
        out = {"anyOf": [out, {"type": "null"}],
               **({"description": out["description"]} if "description" in out else {})}
    return out


def to_plain(value: Any) -> Any:
    """Model instance → JSON-ready plain value (dates and times as ISO text)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: to_plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, (list, tuple)):
        return [to_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): to_plain(v) for k, v in value.items()}
    if isinstance(value, dt.time):
        return value.strftime("%H:%M")
    if isinstance(value, (dt.date, dt.datetime)):
        return value.isoformat()
    return value
