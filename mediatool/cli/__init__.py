"""cli/: the `mediatool` command line — click only: options → one service call →
present the result; and the one error boundary (French line, exit code, no traceback).

May import: cli, services, core, formats; never store/ nor host/ (they go through
services/). The only layer that imports click.
"""

from __future__ import annotations

import importlib
import re
import sys
from collections.abc import Iterable

import click

from mediatool import __version__
from mediatool.cli.common import Settings, harden, refuse_undecodable_arguments
from mediatool.core.errors import (
    EXIT_FAILURE,
    EXIT_INVALID,
    MediatoolError,
    french_os_error,
    os_error_hint,
)

HELP_NAMES = ["-h", "--help"]
CONTEXT = {"help_option_names": HELP_NAMES, "max_content_width": 100}


# Each command and the cli/ modules that define it (`catalogue` gets its open-data
# subcommands from opendata_cmds): a command line imports only the module of the command
# it runs; help and completion import them all. A test keeps this table true.
COMMAND_MODULES: dict[str, tuple[str, ...]] = {
    **dict.fromkeys(("init", "check", "demo"), ("setup_cmds",)),
    "catalogue": ("catalogue_cmds", "opendata_cmds"),
    **dict.fromkeys(("call", "calls"), ("call",)),
    **dict.fromkeys(("remind", "reschedule", "slots", "book", "agenda", "cancel", "attended",
                     "no-show", "path"), ("appointments",)),
    **dict.fromkeys(("report", "dropin", "dropins"), ("report",)),
    "export-ics": ("export",), "export": ("export_coop",), "purge": ("privacy_cmds",),
    **dict.fromkeys(("git-setup", "merge-records"), ("sharing_cmds",)),
    "wait": ("waitlist_cmds",),
}


class MediatoolGroup(click.Group):
    """A click group whose standalone `main` is the single error boundary, and whose
    commands are imported when first named (COMMAND_MODULES)."""

    @property  # type: ignore[override]
    def commands(self) -> dict[str, click.Command]:
        """Every command, imported (help screens, tests)."""
        for name in COMMAND_MODULES:
            self._loaded(name)
        return self._commands

    @commands.setter
    def commands(self, value: dict[str, click.Command]) -> None:
        self._commands = value

    def add_command(self, cmd: click.Command, name: str | None = None) -> None:
        self._commands[name or cmd.name or ""] = cmd

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        return self._loaded(cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMAND_MODULES)

    def _loaded(self, name: str) -> click.Command | None:
        found = self._commands.get(name)
        if found is None and name in COMMAND_MODULES:
            # All the modules first: opendata_cmds adds subcommands to `catalogue`.
            modules = [importlib.import_module(f"mediatool.cli.{m}")
                       for m in COMMAND_MODULES[name]]
            for command in (c for m in modules for c in m.COMMANDS):
                if command.name not in self._commands:
                    _french_help(command)
                    harden(command)
                    self.add_command(command)
            found = self._commands.get(name)
        return found

    def main(self, args=None, prog_name=None, complete_var=None,  # type: ignore[override]
             standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        argv = list(sys.argv[1:] if args is None else args)

        def run() -> object:
            refuse_undecodable_arguments(argv)
            return super(MediatoolGroup, self).main(argv, prog_name or "mediatool",
                                                     complete_var, False, **extra)

        streams = sys.stdout, sys.stderr
        sys.stdout, sys.stderr = (TerminalSafe(s) if s is not None and s.isatty() else s
                                  for s in streams)
        try:
            _run_with_boundary(run, "--debug" in argv)
        finally:
            sys.stdout, sys.stderr = streams


class TerminalSafe:
    """A terminal's stream on which text read from the records or the catalogue cannot
    act: a control character in it (an escape sequence typed into a file by hand, or
    merged) is written as « ? » (`core/text.terminal_safe`). Files and pipes are not
    wrapped: what is exported stays as it was recorded."""

    def __init__(self, stream: object) -> None:
        from mediatool.core.text import terminal_safe  # only for a terminal

        self._stream = stream
        self._safe = terminal_safe

    def write(self, text: object) -> object:
        shown = self._safe(text) if isinstance(text, str) else text
        return self._stream.write(shown)  # type: ignore[attr-defined]

    def __getattr__(self, name: str) -> object:
        return getattr(self._stream, name)


@click.group(cls=MediatoolGroup, context_settings=CONTEXT)
@click.version_option(__version__, "--version", prog_name="mediatool",
                      message="%(prog)s %(version)s", help="Afficher la version et quitter.")
@click.option("--data", metavar="DOSSIER", envvar="MEDIATOOL_DATA",
              help="Dossier de données (sinon MEDIATOOL_DATA, sinon le dossier courant "
                   "ou le parent le plus proche qui contient catalogue/team.yaml).")
@click.option("--debug", is_flag=True, help="Afficher la trace complète en cas d'erreur.")
@click.pass_context
def cli(ctx: click.Context, data: str | None, debug: bool) -> None:
    """Médiation numérique : ligne téléphonique, rendez-vous, statistiques, calendriers.

    \b
    Pour commencer :  mediatool demo
    Nouveau dossier :  mediatool init DOSSIER
    Complétion shell : eval "$(_MEDIATOOL_COMPLETE=bash_source mediatool)"
    """
    ctx.obj = Settings(data=data, debug=debug)


def _print_traceback() -> None:
    import traceback  # only with --debug

    traceback.print_exc()


# click's own words in help screens: type names shown as metavars, and the extras it adds
# after an option's help (« [default: 14; 1<=x<=366] », « [required] »).
_METAVARS = (("INTEGER RANGE", "ENTIER"), ("FLOAT RANGE", "NOMBRE"), ("INTEGER", "ENTIER"),
             ("FLOAT", "NOMBRE"), ("TEXT", "TEXTE"), ("DIRECTORY", "DOSSIER"),
             ("FILENAME", "FICHIER"), ("FILE", "FICHIER"), ("PATH", "CHEMIN"),
             ("BOOLEAN", "OUI|NON"))
_METAVAR = re.compile(r"\b(" + "|".join(english for english, _ in _METAVARS) + r")\b")
_EXTRA = re.compile(r"\[(?:default|required|-?\d|x[<>])[^\]]*\]$")
_RANGE = re.compile(r"(-?[\d.]+)(<=?)x(<=?)(-?[\d.]+)|x(>=?|<=?)(-?[\d.]+)")


def _french_metavars(text: str) -> str:
    names = dict(_METAVARS)
    return _METAVAR.sub(lambda m: names[m.group(1)], text)


def _french_range(match: re.Match[str]) -> str:
    low, low_op, high_op, high, op, bound = match.groups()
    if low is not None:
        return (f"de {low} à {high}" if low_op == high_op == "<="
                else f"entre {low} et {high}")
    return {">=": f"au moins {bound}", ">": f"plus de {bound}", "<=": f"au plus {bound}",
            "<": f"moins de {bound}"}[op]


def _french_extra(help_text: str) -> str:
    extra = _EXTRA.search(help_text)
    if extra is None:
        return help_text
    parts = []
    for part in extra.group(0)[1:-1].split("; "):
        if part.startswith("default: "):
            part = "par défaut : " + part.removeprefix("default: ")
        elif part == "required":
            part = "obligatoire"
        parts.append(_RANGE.sub(_french_range, part))
    return help_text[:extra.start()] + "[" + " ; ".join(parts) + "]"


class _FrenchFormatter(click.HelpFormatter):
    """click's help in French: headings (« Usage: », « Commands »), type names, defaults."""

    HEADINGS = {"Commands": "Commandes"}  # « Options » and « Arguments » read as French

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = _french_metavars(args.replace("COMMAND [ARGS]...", "COMMANDE [ARGUMENTS]..."))
        super().write_usage(prog, args, "Utilisation : " if prefix is None else prefix)

    def write_heading(self, heading: str) -> None:
        super().write_heading(self.HEADINGS.get(heading, heading))

    def write_dl(self, rows: Iterable[tuple[str, str]], col_max: int = 30,
                 col_spacing: int = 2) -> None:
        super().write_dl([(_french_metavars(term), _french_extra(text)) for term, text in rows],
                         col_max, col_spacing)


class _FrenchContext(click.Context):
    formatter_class = _FrenchFormatter


def _french_help(command: click.Command, subcommands: bool = True) -> None:
    """Give every command a `-h/--help` option and help headings in French.

    click builds its help option lazily with an English text; building it
    here once, in French, keeps every `--help` screen in one language.
    """
    from click.decorators import help_option

    help_option(*HELP_NAMES, help="Afficher cette aide et quitter.")(command)
    command._help_option = command.params.pop()  # type: ignore[assignment]
    command.context_class = _FrenchContext
    for sub in getattr(command, "commands", {}).values() if subcommands else ():
        _french_help(sub)


_french_help(cli, subcommands=False)  # its commands get theirs when imported
harden(cli, subcommands=False)

_CLICK_FRENCH = (
    ("No such option", "option inconnue"),
    ("No such command", "commande inconnue"),
    ("Missing option", "option obligatoire manquante"),
    ("Missing argument", "argument manquant"),
    ("Invalid value for", "valeur invalide pour"),
    ("Got unexpected extra argument", "argument en trop"),
    ("Got unexpected extra arguments", "arguments en trop"),
    ("requires an argument", "demande une valeur"),
    ("is not one of", "n'est pas parmi"),
    ("is not a valid integer range", "n'est pas un nombre entier"),
    ("is not a valid integer", "n'est pas un nombre entier"),
    ("is not a valid float", "n'est pas un nombre"),
    ("is not in the range", "est hors des bornes"),
    ("Did you mean", "Vouliez-vous dire"),
    ("does not exist", "n'existe pas"),
    ("is mutually exclusive with", "ne va pas avec"),
)


def _french(text: str) -> str:
    """A click usage error in French, its bounds and type names (« 'TEXTE...' ») too."""
    for english, french in _CLICK_FRENCH:
        text = text.replace(english, french)
    return _french_metavars(_RANGE.sub(_french_range, text))


def report_error(error: MediatoolError) -> None:
    """One French line saying what is wrong and what to do, then the problems."""
    line = f"Erreur : {error.message}"
    if error.hint:
        line += f" — {error.hint}"
    from mediatool.cli.common import current_root, problem_lines

    for text in problem_lines(error.problems[:50], current_root()):
        click.echo(text, err=True)
    if len(error.problems) > 50:
        click.echo(f"… et {len(error.problems) - 50} autres problèmes", err=True)
    click.echo(line, err=True)


def main(argv: list[str] | None = None) -> None:
    """Console entry point."""
    cli.main(args=argv, prog_name="mediatool")


def _run_with_boundary(run, debug: bool) -> None:  # type: ignore[no-untyped-def]
    """Run the command; turn every failure into one French line and an exit code."""
    try:
        code = run()  # with standalone_mode=False, click returns ctx.exit()'s code
    except click.exceptions.Exit as done:
        sys.exit(done.exit_code)
    except click.exceptions.Abort:
        click.echo("\nInterrompu : rien n'a été enregistré.", err=True)
        sys.exit(EXIT_FAILURE)
    except click.ClickException as exc:
        no_args = getattr(click.exceptions, "NoArgsIsHelpError", ())
        if no_args and isinstance(exc, no_args) and exc.ctx is not None:
            # `mediatool` or `mediatool catalogue` alone: the help is the answer
            click.echo(exc.ctx.get_help())
            sys.exit(0)
        if isinstance(exc, click.UsageError) and exc.ctx is not None:
            command = exc.ctx.command_path
            click.echo(f"Erreur : {_french(exc.format_message())} — voir « {command} --help »",
                       err=True)
        else:
            click.echo(f"Erreur : {_french(exc.format_message())}", err=True)
        sys.exit(exc.exit_code if exc.exit_code else EXIT_INVALID)
    except MediatoolError as exc:
        if debug:
            _print_traceback()
        report_error(exc)
        sys.exit(exc.exit_code)
    except KeyboardInterrupt:
        click.echo("\nInterrompu : rien n'a été enregistré.", err=True)
        sys.exit(EXIT_FAILURE)
    except OSError as exc:
        if debug:
            raise
        where = f" ({exc.filename})" if exc.filename else ""
        hint = os_error_hint(exc)
        click.echo(f"Erreur : opération sur fichier impossible{where} : "
                   f"{french_os_error(exc)}" + (f" — {hint}" if hint else ""), err=True)
        sys.exit(EXIT_FAILURE)
    except Exception as exc:  # the boundary: never a traceback without --debug
        if debug:
            raise
        click.echo(f"Erreur inattendue : {type(exc).__name__}: {exc} — relancez avec --debug "
                   "et signalez-la", err=True)
        sys.exit(EXIT_FAILURE)
    sys.exit(code if isinstance(code, int) else 0)
