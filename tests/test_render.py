"""Each format of the hand-built November report against a reviewed golden file.

After a deliberate change of output: MEDIATOOL_UPDATE_GOLDEN=1 pytest tests/test_render.py,
then review the diff of tests/golden/ before committing.
"""

import csv
import io
import json
import os
import re
import shutil
import struct
import subprocess
from pathlib import Path

import pytest
from conftest import HISTORY, NOVEMBER, REPORT_NOW, november, report_catalogue

from mediatool.core.report import build_report, detail_rows
from mediatool.formats import report as render

GOLDEN = Path(__file__).parent / "golden"


@pytest.fixture(scope="module")
def report():
    return build_report(report_catalogue(), november(), NOVEMBER, REPORT_NOW, HISTORY)


def check_golden(name, text):
    """Compare with tests/golden/NAME; with MEDIATOOL_UPDATE_GOLDEN set, only write it.

    Updating and checking are two runs, so a golden file is never compared with the
    text just written into it.
    """
    path = GOLDEN / name
    if os.environ.get("MEDIATOOL_UPDATE_GOLDEN"):
        path.write_bytes(text.encode("utf-8"))
        pytest.skip(f"{name} rewritten: review its diff, then run again without "
                    "MEDIATOOL_UPDATE_GOLDEN")
    assert text == path.read_bytes().decode("utf-8"), f"{name} changed: review, then update"


@pytest.mark.parametrize("fmt, name", [
    ("table", "report.txt"), ("markdown", "report.md"), ("csv", "report.csv"),
    ("json", "report.json"), ("html", "report.html")])
def test_golden(report, fmt, name):
    check_golden(name, render.render(report, fmt))


def test_golden_excel_fr(report):
    text = render.render(report, "csv", "excel-fr")
    check_golden("report-excel-fr.csv", text)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter=";"))
    assert rows[0] == ["Rubrique", "Indicateur", "Précision", "Valeur"]
    assert ["Permanences sans rendez-vous", "Taux de refus", "", "22,58 %"] in rows
    assert ["Ligne téléphonique", "Suites données", "réorientation", "2"] in rows
    assert not any(key in text for key in ("by_site", "lt_30", "dropin;"))
    keyed = list(csv.reader(io.StringIO(render.render(report, "csv", "excel-fr", keys=True)
                                        .lstrip("\ufeff")), delimiter=";"))
    assert keyed[0] == ["Rubrique", "Indicateur", "Précision", "Valeur", "section", "metric",
                        "dimension"]
    assert ["Permanences sans rendez-vous", "Par lieu — taux de refus", "Centre", "28,00 %",
            "dropins", "by_site.refusal_rate", "centre"] in keyed


def test_golden_detail(report):
    text = render.render_detail(detail_rows(report_catalogue(), november(), NOVEMBER, REPORT_NOW, HISTORY))
    check_golden("detail.csv", text)
    assert "fictif" not in text and "06 39" not in text


def test_csv_rows_match_the_json(report):
    data = json.loads(render.render_json(report))
    rows = {(s, m, d): v for s, m, d, v in render.rows(report)}
    assert data["format_version"] == 1
    assert rows[("phone", "calls", "")] == data["phone"]["calls"] == 7
    assert rows[("appointments", "half_days_used", "samir/2026-S46")] == 3
    assert rows[("appointments", "by_mediator.attended", "camille")] == 1
    assert rows[("dropins", "trend.refused", "2026-08")] == 15


def test_html_is_self_contained(report):
    page = render.render_html(report)
    assert page.count("<svg") == 3
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:|//)""", page)
    assert "<script" not in page and "@media print" in page
    assert "Taux de refus" in page and "22,6 %" in page


@pytest.mark.skipif(not shutil.which("chromium"), reason="chromium absent "
                    "(scripts/screenshot_report.sh documents the manual check)")
def test_html_renders_in_headless_chromium(report, tmp_path):
    page = tmp_path / "rapport.html"
    page.write_text(render.render_html(report), encoding="utf-8")
    shot = tmp_path / "rapport.png"
    subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--hide-scrollbars",
                    "--window-size=1100,1500", f"--screenshot={shot}", page.as_uri()],
                   capture_output=True, timeout=120, check=False)
    data = shot.read_bytes()
    assert data.startswith(b"\x89PNG")
    width, height = struct.unpack(">II", data[16:24])
    assert (width, height) == (1100, 1500)
    assert len(data) > 30_000  # a drawn page (a blank one is a few kilobytes)


def test_html_says_what_it_means(report):
    page = render.render_html(report)
    assert "novembre 2026" in page and "statistiques de 2026-11" not in page
    assert "semaine du 9 novembre" in page and "2026-S46" not in page
    situations = {c.key: c.value for c in report.appointments.situations}
    cancelled = situations["excused"] + situations["revoked"]
    expected = f"{situations['attended']} / {report.appointments.booked - cancelled}"
    assert f'<div class="value">{expected}</div><div class="label">Rendez-vous (venus / ' \
           "prévus, hors annulés)" in page
    assert f'<div class="value">{cancelled}</div><div class="label">Rendez-vous annulés' in page
    assert "… dont encore à venir" in page and "<h2>Définitions</h2>" in page
    assert "refusées / (personnes reçues + personnes refusées)" in page
    chart = page[page.index("Taux de refus par mois"):]
    chart = chart[:chart.index("</svg>")]
    assert ">100 %</text>" in chart and ">Taux de refus</text>" in chart  # a labelled axis
    assert ">75 %</text>" in chart and "sans bilan" in chart  # September has no tally
    assert "15 refusée(s), 5 reçue(s)" in chart  # counts stay in the tooltip


def test_experiment_html_has_the_before_after_chart():
    from mediatool.core.experiment import (
        Estimate,
        ExperimentSection,
        MonthFigures,
        PhoneContribution,
        Side,
    )
    from mediatool.formats import experiment as render_experiment

    nothing = Estimate(None, None, None)

    def side(key, months):
        return Side(key, key, NOVEMBER.first, NOVEMBER.last, len(months), len(months), (),
                    1, 1, 1, nothing, nothing, nothing,
                    tuple(MonthFigures(m, 1, 1, 1, 0.5) for m in months))

    exp = ExperimentSection(
        NOVEMBER.first, ("phone_line",), side("before", ["2026-09"]),
        side("since", ["2026-11"]), nothing, "méthode", "Trop peu de données.", None,
        PhoneContribution(0, 0, nothing, 0, nothing, 0, 0, 0), 0, 0, nothing)
    page = render_experiment.render("Service", exp, "html", REPORT_NOW)
    assert "ouverture" in page and "Taux de refus par mois, avant et depuis" in page
    assert "Trop peu de données." in page and "<h2>Définitions</h2>" in page
