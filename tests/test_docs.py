"""The README is the front door: short, the two set-up commands first, links that work."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_readme_is_short():
    assert len(README.encode("utf-8")) < 12 * 1024


def test_readme_starts_with_the_two_setup_commands():
    first_block = re.search(r"```sh\n(.*?)```", README, re.S)
    assert first_block is not None
    assert first_block.group(1).splitlines() == [
        "python3 -m pip install . && mediatool demo",
        "python3 -m pip install -e '.[test]' && python3 -m pytest",
    ]
    assert README.index("```sh") < README.index("## ")


def test_every_linked_page_exists():
    links = re.findall(r"\]\(((?:docs|catalogue)/[^)#]+)\)", README)
    assert len(links) >= 8
    assert [link for link in links if not (ROOT / link).is_file()] == []
    guide = (ROOT / "docs" / "guide" / "README.md").read_text(encoding="utf-8")
    pages = re.findall(r"\]\(([^)#]+\.md)\)", guide)
    assert pages and [p for p in pages if not (ROOT / "docs" / "guide" / p).is_file()] == []


def test_the_licence_is_the_eupl():
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith(
        "EUROPEAN UNION PUBLIC LICENCE v. 1.2")
    assert 'license = "EUPL-1.2"' in (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert "Licence Ouverte 2.0" in README
