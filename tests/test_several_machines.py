"""Several machines sharing a folder through git (SPEC §4).

Two clones book for the same mediator in the same week, each within the
rules on its own; once merged (record files merge by union, as `init`
sets up), `check` finds the third half-day and the overlap, with both ids.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import NOW

from mediatool.cli import cli

REPO = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(where: Path, *args: str) -> str:
    # The merge driver runs `python -m mediatool`: it must import this checkout.
    env = {**os.environ, "PYTHONPATH": str(REPO), "GIT_AUTHOR_NAME": "Poste", "GIT_AUTHOR_EMAIL": "poste@example.org",
           "GIT_COMMITTER_NAME": "Poste", "GIT_COMMITTER_EMAIL": "poste@example.org",
           "GIT_CONFIG_NOSYSTEM": "1", "HOME": str(where.parent)}
    done = subprocess.run(["git", *args], cwd=where, env=env, capture_output=True, text=True,
                          timeout=60)
    assert done.returncode == 0, f"git {' '.join(args)}:\n{done.stdout}{done.stderr}"
    return done.stdout


def mediatool(folder: Path, *args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["--data", str(folder), *args])
    return result.exit_code, result.output


def book(folder: Path, at: str, person: str) -> str:
    code, output = mediatool(folder, "book", "--mediator", "camille", "--procedure",
                             "caf-prime-activite", "--at", at, "--person", person,
                             "--format", "json")
    assert code == 0, output
    return re.search(r'"id": "(A-[0-9A-Z]{6,9})"', output).group(1)  # type: ignore[union-attr]


def two_sites(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
              fill: Callable[[Path], object] | None = None) -> tuple[Path, Path]:
    """A folder made by `init` (and `fill`), pushed to a shared bare repository, and
    two clones of it (centre, nord) prepared with `git-setup`, as the README says."""
    monkeypatch.setenv("MEDIATOOL_NOW", NOW)
    monkeypatch.delenv("MEDIATOOL_DATA", raising=False)
    origin = tmp_path / "origine"
    assert mediatool(tmp_path, "init", str(origin))[0] == 0
    if fill is not None:
        fill(origin)
    git(origin, "init", "-q", "-b", "main")
    git(origin, "add", "-A")
    git(origin, "commit", "-q", "-m", "Dossier de l'équipe")
    shared = tmp_path / "partage.git"  # the server, a NAS…
    git(tmp_path, "clone", "-q", "--bare", str(origin), str(shared))
    sites = tmp_path / "centre", tmp_path / "nord"
    for clone in sites:
        git(tmp_path, "clone", "-q", str(shared), str(clone))
        code, output = mediatool(clone, "git-setup")
        assert code == 0, output
    return sites


def test_merged_clones_show_the_cap_breach_and_the_overlap(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    centre, nord = two_sites(tmp_path, monkeypatch)

    # Each site keeps Camille within the rules on its own copy (two half-days).
    first = book(centre, "2026-12-08T14:00", "Personne A (fictive)")   # mardi après-midi
    book(centre, "2026-12-10T09:00", "Personne B (fictive)")           # jeudi matin
    second = book(nord, "2026-12-08T14:30", "Personne C (fictive)")    # mardi, chevauche
    book(nord, "2026-12-09T14:00", "Personne D (fictive)")             # mercredi après-midi
    for clone in (centre, nord):
        assert mediatool(clone, "check")[0] == 0
        git(clone, "add", "-A")
        git(clone, "commit", "-q", "-m", f"Rendez-vous pris à {clone.name}")

    git(nord, "push", "-q", "origin", "main")
    git(centre, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")
    merged = (centre / "records" / "appointments" / "2026-12.yaml").read_text()
    assert "<<<<<<<" not in merged and merged.count("event: booked") == 4

    code, output = mediatool(centre, "check")
    assert code == 1, output
    assert "plafond dépassé" in output and "3 demi-journées" in output
    overlap = next(line for line in output.splitlines() if "se chevauchent" in line)
    assert first in overlap and second in overlap
    assert re.search(r"records/appointments/2026-12\.yaml:\d+: ", overlap)
    assert "Traceback" not in output


def test_a_purge_on_one_clone_merges_with_new_events_from_the_other(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from conftest import OCT_2025, write_history

    from mediatool.core.model import AppointmentNoShow
    from mediatool.store.records import Store

    centre, nord = two_sites(tmp_path, monkeypatch, write_history)

    assert mediatool(centre, "purge", "--before", "2025-11-01")[0] == 0
    git(centre, "commit", "-q", "-am", "Purge")
    git(centre, "push", "-q", "origin", "main")
    # Meanwhile the other site records a late outcome in the same old month.
    late = AppointmentNoShow(id="A-LATE01", event="no_show", at=dt.datetime.fromisoformat(NOW),
                             by="camille")
    Store(nord).append("appointments", OCT_2025, late)
    git(nord, "commit", "-q", "-am", "Absence notée")
    git(nord, "pull", "-q", "--no-rebase", "--no-edit", "origin", "main")

    merged = (nord / "records" / "appointments" / "2025-10.yaml").read_text()
    assert "Jeanne Martin" not in merged and "06 12 34 56 78" not in merged
    assert merged.count("event: no_show") == 2 and merged.count("event: anonymised") == 4
    code, output = mediatool(nord, "check")
    assert code == 0, output
    assert "anonymisé mais" not in output
