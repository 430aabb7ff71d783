"""`catalogue vdd-check` on genuine DILA fiches (tests/data/vdd, see tests/data/README.md)."""

from __future__ import annotations

import http.server
import json
import threading
import zipfile
from pathlib import Path

import pytest
from conftest import PROCEDURES, write_folder

from mediatool.core import vdd
from mediatool.host import opendata

FICHES = Path(__file__).parent / "data" / "vdd"
CNI = """\
  - id: ants-carte-identite
    title: Demander une carte d'identité
    keywords: [carte d'identité]
    theme: papiers-elections-citoyennete
    organisation: ants
    typical_duration_min: 30
    documents: [Photo d'identité]
    source: https://www.service-public.fr/particuliers/vosdroits/F1341
    reviewed: 2026-11-01
"""


def make_zip(path: Path, changed: str | None = None, extra: dict[str, bytes] | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as archive:
        for fiche in sorted(FICHES.glob("*.xml")):
            data = fiche.read_bytes()
            if fiche.stem == changed:
                data = data.replace(b'dateDerniereModificationImportante="2018-01-04T00:00:00"',
                                    b'dateDerniereModificationImportante="2026-11-20T00:00:00"')
            archive.writestr(f"vosdroits/{fiche.name}", data)
        for name, data in (extra or {}).items():
            archive.writestr(name, data)
    return path


@pytest.fixture
def cni_folder(tmp_path):
    return write_folder(tmp_path / "data", procedures=PROCEDURES + CNI)


def test_genuine_fiche_is_read_with_its_documents_services_and_places():
    fiche = vdd.parse_fiche((FICHES / "F1341.xml").read_bytes(), "F1341.xml")
    assert fiche.title == "Carte d'identité d'un majeur : première demande"
    assert fiche.url == "https://www.service-public.fr/particuliers/vosdroits/F1341"
    assert str(fiche.important_change) == "2018-01-04" and str(fiche.modified) == "2019-08-28"
    assert fiche.documents and all(c.case for c in fiche.documents)
    assert any("photo" in c.text.lower() for c in fiche.documents)
    assert any("passeport.ants.gouv.fr" in c.text for c in fiche.online_services)
    assert any("Mairie" in c.text for c in fiche.where)
    assert any("pivot local : ambassade_france_etranger" in c.text for c in fiche.where)


def test_one_changed_fiche_exits_1_and_names_it_beside_the_catalogue(run, cni_folder, tmp_path):
    source = make_zip(tmp_path / "vosdroits.zip", changed="F1341")
    result = run("catalogue", "vdd-check", str(source), data=cni_folder)
    assert result.exit_code == 1, result.output
    out = result.output
    assert "## ants-carte-identite (F1341) — fiche modifiée depuis la relecture" in out
    assert "Dans le catalogue :\n\n- Photo d'identité" in out
    assert "*à valider*" in out and "(cas :" in out
    assert "Licence Ouverte 2.0" in out and "vosdroits.zip" in out
    # F2882 (prime d'activité) is older than its review: up to date; F1050 is absent.
    assert "caf-prime-activite (F2882)" in out.split("## À jour")[1]
    assert "## ants-carte-grise (F1050) — fiche absente" in out


def test_nothing_changed_exits_0_and_json_lists_every_finding(run, tmp_path):
    procedures = PROCEDURES.split("  - id: ants-carte-grise")[0]  # only F2882 has a source id
    folder = write_folder(tmp_path / "only", procedures=procedures)
    source = make_zip(tmp_path / "v.zip")
    result = run("catalogue", "vdd-check", str(source), "--format", "json", data=folder)
    assert result.exit_code == 0, result.output
    review = json.loads(result.output)
    assert review["needs_review"] is False
    assert [(f["procedure"], f["status"]) for f in review["findings"]] == [
        ("caf-prime-activite", "up-to-date")]


def test_out_writes_the_review_file(run, cni_folder, tmp_path):
    source = make_zip(tmp_path / "v.zip", changed="F1341")
    target = tmp_path / "relecture.md"
    result = run("catalogue", "vdd-check", str(source), "--out", str(target), data=cni_folder)
    assert result.exit_code == 1
    assert target.read_text(encoding="utf-8").startswith("# Relecture du catalogue")


BOMB = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
        b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
        b'<Publication ID="F2882">&lol2;</Publication>')
EXTERNAL = (b'<?xml version="1.0"?><!DOCTYPE p [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
            b'<Publication ID="F2882">&x;</Publication>')


@pytest.mark.parametrize(("member", "words"), [
    (BOMB, "XML refusé"), (EXTERNAL, "XML refusé"),
    (b"<Publication ID='F2882'><dc:title>", "F2882.xml:1:"),
    (b"<html><body>pas une fiche</body></html>", "ce n'est pas une fiche"),
])
def test_hostile_or_broken_fiches_exit_2_in_french_and_write_nothing(run, folder, tmp_path,
                                                                     member, words):
    source = tmp_path / "v.zip"
    with zipfile.ZipFile(source, "w") as archive:
        archive.writestr("F2882.xml", member)
    target = tmp_path / "relecture.md"
    result = run("catalogue", "vdd-check", str(source), "--out", str(target))
    assert result.exit_code == 2, result.output
    assert words in result.output and "Traceback" not in result.output
    assert "/etc/passwd" not in result.output and "root:" not in result.output
    assert not target.exists()


@pytest.mark.parametrize(("make", "words"), [
    (lambda p: p.write_bytes(b"not a zip at all"), "pas une archive zip"),
    (lambda p: zipfile.ZipFile(p, "w").writestr("notes.txt", "bonjour"), "aucune fiche"),
])
def test_a_file_that_is_not_the_data_set_exits_2(run, tmp_path, make, words):
    source = tmp_path / "x.zip"
    make(source)
    result = run("catalogue", "vdd-check", str(source))
    assert result.exit_code == 2 and words in result.output


def test_missing_source_and_plain_http_url_are_refused(run):
    assert "introuvable" in run("catalogue", "vdd-check", "/nulle/part.zip").output
    refused = run("catalogue", "vdd-check", "http://example.org/vosdroits.zip")
    assert refused.exit_code == 2 and "https://" in refused.output


def test_an_oversized_member_is_refused_without_reading_it_whole(run, folder, tmp_path,
                                                                 monkeypatch):
    monkeypatch.setattr(opendata, "MAX_MEMBER_BYTES", 1000)
    source = tmp_path / "v.zip"
    with zipfile.ZipFile(source, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("F2882.xml", b"<Publication>" + b" " * 100_000 + b"</Publication>")
    result = run("catalogue", "vdd-check", str(source))
    assert result.exit_code == 2 and "trop gros" in result.output


def test_a_url_is_downloaded_only_when_given(run, cni_folder, tmp_path):
    payload = make_zip(tmp_path / "served.zip", changed="F1341").read_bytes()

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - http.server's name
            self.send_response(200)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, *args):
            pass

    server = http.server.HTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.handle_request, daemon=True)
    thread.start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/vosdroits-latest.zip"
        result = run("catalogue", "vdd-check", url, data=cni_folder)
    finally:
        thread.join(5)
        server.server_close()
    assert result.exit_code == 1, result.output
    assert "Téléchargement" in result.stderr
    assert "ants-carte-identite (F1341) — fiche modifiée" in result.stdout
