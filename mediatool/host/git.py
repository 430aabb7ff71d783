"""Sharing a data folder between machines with git (SPEC §4)."""

from __future__ import annotations

import shlex
import shutil
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from mediatool.core.errors import OperationalError

if TYPE_CHECKING:
    import subprocess

DRIVER = "mediatool"
DRIVER_NAME = "mediatool : fusion des enregistrements, évènement par évènement"


def driver_command() -> str:
    """The command git runs to merge record files (this interpreter, so no PATH issue)."""
    return f"{shlex.quote(sys.executable)} -m mediatool merge-records %O %A %B"


def _git(root: Path, *args: str) -> subprocess.CompletedProcess[str]:
    import subprocess  # imported here: most commands never run git

    return subprocess.run(["git", *args], cwd=root, capture_output=True, text=True,
                          timeout=30, check=False)


def in_git_work_tree(root: Path) -> bool:
    if shutil.which("git") is None:
        return False
    done = _git(root, "rev-parse", "--is-inside-work-tree")
    return done.returncode == 0 and done.stdout.strip() == "true"


def driver_missing(root: Path) -> bool:
    """True when the folder is in a git work tree whose config lacks our merge driver."""
    if not in_git_work_tree(root):
        return False
    return _git(root, "config", "--get", f"merge.{DRIVER}.driver").returncode != 0


def setup_git(root: Path) -> str:
    """Declare the record merge driver in this clone's git config; its command."""
    if shutil.which("git") is None:
        raise OperationalError("git n'est pas installé", "installez git, puis relancez")
    if not in_git_work_tree(root):
        raise OperationalError(f"{root} n'est pas dans un dépôt git",
                               "lancez d'abord « git init » ou « git clone » puis relancez")
    command = driver_command()
    for key, value in (("name", DRIVER_NAME), ("driver", command)):
        done = _git(root, "config", f"merge.{DRIVER}.{key}", value)
        if done.returncode != 0:
            raise OperationalError(f"git config impossible : {done.stderr.strip()}")
    return command


def records_merged_by_union(root: Path) -> bool:
    """True when .gitattributes still merges record files line by line (`merge=union`),
    which mixes two records into one when both sides appended."""
    try:
        text = (root / ".gitattributes").read_text(encoding="utf-8", errors="replace")
    except OSError:
        return False
    return any(line.split()[:1] and line.split()[0].startswith("records/")
               and line.split()[0].endswith(".yaml") and "merge=union" in line.split()[1:]
               for line in text.splitlines())
