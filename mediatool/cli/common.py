"""What every command shares: settings, the data folder, output formats."""

from __future__ import annotations

import datetime as dt
import functools
import json
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from mediatool.core.errors import InvalidInput

if TYPE_CHECKING:
    from mediatool.core.errors import Problem
    from mediatool.core.period import Month
    from mediatool.store.folder import DataFolder

F = TypeVar("F", bound=Callable[..., Any])


@dataclass
class Settings:
    data: str | None
    debug: bool
    _folder: DataFolder | None = None

    def folder(self) -> DataFolder:
        if self._folder is None:
            from mediatool.services.workspace import open_folder

            self._folder = open_folder(self.data)
        return self._folder


def settings() -> Settings:
    return click.get_current_context().find_object(Settings)  # type: ignore[return-value]


def folder() -> DataFolder:
    """The data folder of this invocation (found once)."""
    return settings().folder()


def format_option(*choices: str) -> Callable[[F], F]:
    """`--format` with the same spelling on every listing command."""
    choices = choices or ("table", "json")
    return click.option("--format", "fmt", type=click.Choice(choices), default=choices[0],
                        show_default=True, help="Format de sortie.")


def _option(*decls: str, **attrs: Any) -> Callable[[F], F]:
    return click.option(*decls, **attrs)


def mediator_option(help_text: str = "Un médiateur (par défaut : toute l'équipe).", *,
                    required: bool = False, envvar: str | None = None) -> Callable[[F], F]:
    """`--mediator ID`: the same spelling and metavar on every command."""
    return _option("--mediator", metavar="ID", required=required, envvar=envvar,
                   help=help_text)


def by_option(default: str = "le médiateur", who: str = "Qui enregistre") -> Callable[[F], F]:
    """`--by ID`: who records the event (the audit trail's author)."""
    return _option("--by", metavar="ID", help=f"{who} (par défaut : {default}).")


def note_option(help_text: str = "Note libre, sans nom ni téléphone.") -> Callable[[F], F]:
    return _option("--note", metavar="TEXTE", help=help_text)


def phone_option(help_text: str = "Téléphone de contact.") -> Callable[[F], F]:
    return _option("--phone", metavar="TÉL", help=help_text)


class FieldBounded(click.ParamType):
    """An integer within the bounds a model field's spec declares.

    The bounds are read when a value is converted, not when the command is
    declared: importing the model costs ~0.1 s, too much for `--help`.
    """

    name = "integer"

    def __init__(self, model: str, field: str) -> None:
        self.model, self.field = model, field

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None
                ) -> int:
        from mediatool.core import model
        from mediatool.core.fields import field_bounds

        low, high = field_bounds(getattr(model, self.model), self.field)
        try:
            number = int(value)
        except (TypeError, ValueError):
            number = None
        if number is None or (low is not None and number < low) or (
                high is not None and number > high):
            self.fail(f"« {value} » : indiquez un nombre entier entre {int(low or 0)} et "
                      f"{int(high) if high is not None else 'plus'}", param, ctx)
        return number


def appointment_duration_option(help_text: str) -> Callable[[F], F]:
    """`--duration MIN` of an appointment, bounded as the stored record is."""
    return _option("--duration", type=FieldBounded("AppointmentBooked", "duration_min"),
                   metavar="MIN", help=help_text)


def call_duration_option(help_text: str) -> Callable[[F], F]:
    """`--duration MIN` of a call, bounded as the stored call is."""
    return _option("--duration", type=FieldBounded("CallRecorded", "duration_min"),
                   metavar="MIN", help=help_text)


def _month(_ctx: click.Context, param: click.Parameter, value: str | None) -> Month | None:
    from mediatool.core.period import Month

    if value is None:
        return None
    try:
        return Month.parse(value)
    except ValueError:
        raise InvalidInput(f"mois invalide pour {param.opts[0]} : « {value} »",
                           "écrivez-le AAAA-MM, par exemple 2026-11") from None


def month_option(default: str) -> Callable[[F], F]:
    """`--month AAAA-MM`, read into a `Month` once for every command."""
    return _option("--month", metavar="AAAA-MM", callback=_month,
                   help=f"Mois (par défaut : {default}).")


def period_options(func: F) -> F:
    """`--month | --from/--to | --year`: the period of a report or an export."""
    for decorator in reversed((
            month_option("le mois dernier"),
            _option("--from", "first", metavar="AAAA-MM-JJ", callback=iso_date,
                    help="Premier jour d'un intervalle."),
            _option("--to", "last", metavar="AAAA-MM-JJ", callback=iso_date,
                    help="Dernier jour (inclus) de l'intervalle (par défaut : aujourd'hui)."),
            _option("--year", type=int, metavar="AAAA", help="Année entière."))):
        func = decorator(func)
    return func


def print_json(value: Any) -> None:
    click.echo(json.dumps(value, ensure_ascii=False, indent=2, sort_keys=False, default=str))


KEPT_WHOLE = ("#", "id", "Id", "--at")  # copied into the next command: never cut


def print_table(rows: Sequence[Sequence[Any]], headers: Sequence[str]) -> None:
    """A table within the terminal's width (long cells ellipsised, `formats/table`)."""
    from mediatool.formats.table import render_table

    if not rows:
        click.echo("(aucun résultat)")
        return
    click.echo(render_table(rows, headers, output_width(),
                            [i for i, h in enumerate(headers) if h in KEPT_WHOLE]))


def output_width() -> int | None:
    """COLUMNS when set, else the terminal's width; None when the output is a file or a
    pipe (a script gets every character; it should rather use --format json)."""
    import os
    import shutil

    if not os.environ.get("COLUMNS", "").strip().isdigit() and not sys.stdout.isatty():
        return None
    return max(40, shutil.get_terminal_size((80, 24)).columns - 1)


def iso_date(_ctx: click.Context, param: click.Parameter, value: str | None
             ) -> dt.date | None:
    """Click callback for options that take only an unambiguous AAAA-MM-JJ date."""
    if value is None:
        return None
    from mediatool.core.period import refuse_out_of_range

    text = value.strip()
    try:
        if len(text) != 10:  # fromisoformat would also take 20261130
            raise ValueError(text)
        day = dt.date.fromisoformat(text)
    except ValueError:
        raise InvalidInput(f"date invalide pour {param.opts[0]} : « {value} »",
                           "écrivez-la AAAA-MM-JJ, par exemple 2026-11-30") from None
    refuse_out_of_range(day, param.opts[0])
    return day


def stdin_is_terminal() -> bool:
    return sys.stdin.isatty()


def problem_lines(problems: Sequence[Problem], root: Path | None) -> list[str]:
    """Each problem as `file:line: message — fix`, followed by the offending line. On a
    terminal, a message is wrapped on words at its width and a quoted line cut there;
    in a file or a pipe every line is whole (one problem, one line, for grep)."""
    from mediatool.formats.table import ellipsised, wrap_to
    from mediatool.services.workspace import source_lines

    width = output_width()
    quoted = source_lines(root, [(p.source, p.line) for p in problems
                                 if p.line is not None]) if root else {}
    lines = []
    for problem in problems:
        lines.append(wrap_to(problem.format(), width, indent="    "))
        text = quoted.get((problem.source, problem.line)) if problem.line is not None else None
        if text is not None and text.strip():
            shown = f"  {problem.line:>4} | {text[:120]}"
            lines.append(shown if width is None else ellipsised(shown, width))
    return lines


def current_root() -> Path | None:
    """The data folder of this invocation if it was found, for quoting source lines."""
    ctx = click.get_current_context(silent=True)
    found = ctx.find_object(Settings) if ctx else None
    return found._folder.root if found and found._folder else None


# ---- every text typed on the command line: one rule (issue 20 #12, #13, #15) -------------

def _text_fields() -> dict[str, tuple[type, str]]:
    """Which model field bounds each text option: option names → (model, field)."""
    from mediatool.core import model as m

    return {
        "person": (m.AppointmentBooked, "person"), "phone": (m.AppointmentBooked, "phone"),
        "note": (m.AppointmentBooked, "note"), "reason": (m.AppointmentCancelled, "reason"),
        "query": (m.CallRecorded, "query"), "text": (m.CallRecorded, "query"),
        "appointment_id": (m.AppointmentBooked, "id"), "from_call": (m.CallRecorded, "id"),
        "path_id": (m.PathOpened, "id"), "mediator": (m.Mediator, "id"),
        "by": (m.Mediator, "id"), "book_with": (m.Mediator, "id"),
        "procedure": (m.Procedure, "id"), "procedure_id": (m.Procedure, "id"),
        "redirect_to": (m.Organisation, "id"), "site": (m.Site, "id"),
        "send_with": (m.AppointmentReminded, "via"),
    }


class Text(click.ParamType):
    """A text option: control, invisible and non-UTF-8 characters refused, length bounded.

    `harden` gives this type to every plain text option and argument of the command
    line, so no command can forget it; the bound is the model's (`fields.text_bound`),
    or for an option that no field holds (dates, URLs, folders) the largest of them.
    The bound is read at the first conversion, not when the command is declared:
    importing the model costs ~0.1 s, too much for `--help`.
    """

    name = "text"

    def __init__(self, option: str | None, person: bool = False) -> None:
        self.option = option
        self.person = person

    @functools.cached_property
    def max_length(self) -> int:
        from mediatool.core.fields import text_bound

        fields = _text_fields()
        bounds = [b for b in (text_bound(cls, name) for cls, name in fields.values())
                  if b is not None]
        bound = text_bound(*fields[self.option]) if self.option in fields else None
        return bound if bound is not None else max(bounds)

    def convert(self, value: Any, param: click.Parameter | None,
                ctx: click.Context | None) -> Any:
        from mediatool.core.text import clean_text

        if not isinstance(value, str):
            return value
        what = "le texte"
        if param is not None:
            what = (param.opts[0] if param.opts[0].startswith("-")
                    else param.metavar or param.human_readable_name)
        return clean_text(value, f"« {what} »", self.max_length, name=self.person)


def harden(command: click.Command, subcommands: bool = True) -> None:
    """Give every plain text parameter of `command` (and its subcommands) the `Text` type."""
    for param in command.params:
        if isinstance(param.type, click.types.StringParamType) and not isinstance(
                param.type, Text):
            param.type = Text(param.name, person=param.name == "person")
    for sub in getattr(command, "commands", {}).values() if subcommands else ():
        harden(sub)


def refuse_undecodable_arguments(argv: Sequence[str]) -> None:
    """Arguments whose bytes are not UTF-8, on any option (paths and choices included)."""
    from mediatool.core.text import not_utf8, readable

    for index, arg in enumerate(argv):
        if not_utf8(arg):
            option = argv[index - 1] if index and argv[index - 1].startswith("-") else None
            if arg.startswith("--") and "=" in arg:
                option = arg.split("=", 1)[0]
            where = f"la valeur de {option}" if option else f"l'argument « {readable(arg)} »"
            raise InvalidInput(f"{where} n'est pas en UTF-8 (« {readable(arg)} »)",
                               "réglez le terminal en UTF-8 (par exemple LANG=fr_FR.UTF-8) "
                               "et retapez-la")


def standard_output_as_none(out: Path | None) -> Path | None:
    """`--out -` means the standard output: None, as if no file were named."""
    return None if out is not None and str(out) == "-" else out


def joined_words(words: Sequence[str]) -> str:
    """Words typed as several arguments (`catalogue search titre sejour`), joined and
    bounded as one search: each word is already a `Text`, their sum is bounded too."""
    from mediatool.core.fields import text_bound
    from mediatool.core.model import CallRecorded
    from mediatool.core.text import clean_text

    return clean_text(" ".join(words), "« la recherche »", text_bound(CallRecorded, "query"))
