"""The runtime dependencies of pyproject.toml pinned at their declared lower bounds.

`python3 scripts/lower_bounds.py` prints a pip constraints file (`click==8.1.8`…),
so CI can check that every lower bound is a true claim. With `--resolved`, prints
instead the version of each runtime dependency installed in this interpreter.
"""

from __future__ import annotations

import re
import sys
import tomllib
from importlib import metadata
from pathlib import Path

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
REQUIREMENT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9._-]*)\s*(?:\[[^\]]*\])?\s*>=\s*([^,;\s]+)")


def runtime_requirements() -> list[tuple[str, str]]:
    """(name, lower bound) of each runtime dependency; every one must declare `>=`."""
    project = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["project"]
    pairs = []
    for requirement in project["dependencies"]:
        match = REQUIREMENT.match(requirement)
        if match is None:
            raise SystemExit(f"{PYPROJECT.name}: « {requirement} » n'a pas de borne basse (>=)")
        pairs.append((match.group(1), match.group(2)))
    return pairs


def main(argv: list[str]) -> int:
    for name, lower in runtime_requirements():
        if "--resolved" in argv:
            try:
                print(f"{name}=={metadata.version(name)}")
            except metadata.PackageNotFoundError:
                print(f"{name}: absent")
        else:
            print(f"{name}=={lower}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
