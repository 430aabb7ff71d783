"""The commands a shift cannot do without (`call`, `slots`, `book`, `agenda`) keep
working on the last good catalogue while today's files have an error, and say so."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar

import click

from mediatool.cli.common import folder, output_width

F = TypeVar("F", bound=Callable[..., Any])


def survives_catalogue_errors(command: F) -> F:
    """Put under `@click.command`: the warning goes to stderr before anything else."""
    @functools.wraps(command)
    def run(*args: Any, **kwargs: Any) -> Any:
        from mediatool.formats.table import wrap_to
        from mediatool.services.workspace import keep_phone_line

        keep_phone_line(folder(), lambda text: click.secho(wrap_to(text, output_width()),
                                                           err=True, bold=True))
        return command(*args, **kwargs)

    return run  # type: ignore[return-value]
