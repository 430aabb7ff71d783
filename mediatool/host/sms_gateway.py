"""Hand an SMS to the team's own sending program (`remind --send-with COMMAND`).

The command line is split into a program and its arguments and run without a
shell; the number and the text reach it only through the environment
(MEDIATOOL_SMS_TO, MEDIATOOL_SMS_TEXT), so a person's name or a text can never
become part of a command.
"""

from __future__ import annotations

import contextlib
import os
import shlex
import shutil
import signal
import subprocess

from mediatool.core.errors import InvalidInput, french_os_error
from mediatool.core.values import frozen

DEFAULT_TIMEOUT_S = 10.0


@frozen
class SendResult:
    ok: bool
    detail: str


def parse_command(command: str) -> list[str]:
    """The program and arguments of COMMAND; InvalidInput when the program is not found."""
    try:
        argv = shlex.split(command)
    except ValueError as exc:
        raise InvalidInput(f"commande d'envoi illisible : « {command} » ({exc})",
                           "exemple : --send-with \"mon-envoi-sms --profil equipe\"") from None
    if not argv:
        raise InvalidInput("commande d'envoi vide", "exemple : --send-with mon-envoi-sms")
    program = argv[0]
    found = shutil.which(program)
    if found is None:
        raise InvalidInput(f"programme d'envoi introuvable : « {program} »",
                           "indiquez son chemin complet, ou installez-le ; rien n'a été envoyé")
    return [found, *argv[1:]]


def send(argv: list[str], to: str, text: str, timeout_s: float = DEFAULT_TIMEOUT_S
         ) -> SendResult:
    """Run the program once for one message; ok only when it exits 0 within `timeout_s`."""
    env = {**os.environ, "MEDIATOOL_SMS_TO": to, "MEDIATOOL_SMS_TEXT": text}
    try:
        # A session of its own, so that a hanging program is stopped with whatever it
        # started (a shell script's children would otherwise keep the pipes open).
        process = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                   start_new_session=True)
    except OSError as exc:
        return SendResult(False, f"lancement impossible : {french_os_error(exc)}")
    try:
        out, err = process.communicate(timeout=timeout_s)
    except subprocess.TimeoutExpired:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return SendResult(False, f"pas de réponse après {timeout_s:g} s")
    if process.returncode != 0:
        said = (err or out).decode("utf-8", "replace").strip().splitlines()
        last = f" : {said[-1][:120]}" if said else ""
        return SendResult(False, f"code de sortie {process.returncode}{last}")
    return SendResult(True, "envoyé")
