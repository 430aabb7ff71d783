"""Start-up: commands a mediator runs mid-call load only what they use."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SLOW_LIBRARIES = ("holidays", "icalendar", "rapidfuzz")


def imported_by(args: list[str], cwd: Path | None = None, env: dict[str, str] | None = None,
                full: bool = False) -> set[str]:
    """The packages (`full`: the modules) a real process has loaded after running
    `mediatool ARGS`."""
    probe = (
        "import json, sys\n"
        "from mediatool.cli import cli\n"
        "try:\n"
        f"    cli({args!r}, standalone_mode=False)\n"
        "except SystemExit:\n"
        "    pass\n"
        "sys.stderr.write('\\nMODULES ' + json.dumps(sorted(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                          cwd=cwd, env=env, check=False, timeout=120)
    marker = done.stderr.rindex("MODULES ")
    found = json.loads(done.stderr[marker + len("MODULES "):])
    return set(found) if full else {m.split(".")[0] for m in found}


@pytest.mark.parametrize("args", [["--help"], ["call", "--help"], ["slots", "--help"]])
def test_help_loads_no_slow_library(args: list[str]) -> None:
    loaded = imported_by(args)
    assert "click" in loaded
    assert not loaded & set(SLOW_LIBRARIES), loaded & set(SLOW_LIBRARIES)


def test_slots_loads_holidays_once_then_reads_them_from_the_cache(
        folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import os

    env = {**os.environ, "MEDIATOOL_NOW": "2026-12-07T10:00:00+01:00"}
    env.pop("MEDIATOOL_NO_CACHE", None)
    first = imported_by(["--data", str(folder), "slots"], env=env)
    assert "holidays" in first  # nothing cached yet: computed once…
    assert (folder / ".mediatool" / "cache" / "holidays.json").is_file()
    again = imported_by(["--data", str(folder), "slots"], env=env)
    assert "holidays" not in again  # …then read back
    assert "icalendar" not in again
    # A command that only shows takes no lock and writes nothing: none of what writers use.
    assert not again & {"filelock", "secrets", "subprocess", "rapidfuzz"}, again


def test_a_search_answered_from_the_saved_index_reads_no_yaml(folder: Path) -> None:
    import os

    env = {**os.environ, "MEDIATOOL_NOW": "2026-12-07T10:00:00+01:00"}
    env.pop("MEDIATOOL_NO_CACHE", None)
    search = ["--data", str(folder), "catalogue", "search", "prime d'activité"]
    assert "yaml" in imported_by(search, env=env)  # first: the catalogue is parsed…
    again = imported_by(search, env=env)
    assert not again & {"yaml", "holidays", "filelock", "subprocess"}, again  # …then not
    (folder / "catalogue" / "procedures.yaml").write_bytes(
        (folder / "catalogue" / "procedures.yaml").read_bytes() + b"\n")
    assert "yaml" in imported_by(search, env=env)  # an edited catalogue is read again
    commands = {m for m in imported_by(search, env=env, full=True)
                if m.startswith("mediatool.cli.")}
    assert commands <= {"mediatool.cli.common", "mediatool.cli.catalogue_cmds",
                        "mediatool.cli.opendata_cmds"}, commands  # not the other commands
