"""The caller's recap: content per outcome, and the 480-character budget."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from mediatool.core.model import (
    DropinSession,
    Mediator,
    Organisation,
    PhoneLine,
    Procedure,
    Site,
    Team,
    WeeklySlot,
)
from mediatool.core.triage import DropinOccurrence, next_dropins
from mediatool.formats.recap import (
    SMS_LIMIT,
    BookedAppointment,
    RecapInput,
    caller_recap,
    day_label,
    hour,
)
from mediatool.host.environment import default_catalogue
from mediatool.store.catalogue import load_catalogue, read_catalogue_files

PARIS = ZoneInfo("Europe/Paris")
CENTRE = Site("centre", "Espace du Centre", "1 place de l'Exemple")
TEAM = Team(service="Test", mediators=(Mediator(id="camille", name="Camille"),),
            phone_line=PhoneLine("01 99 00 00 00", (
                WeeklySlot("mardi", dt.time(9, 30), dt.time(12)),)),
            sites=(CENTRE,),
            dropins=(DropinSession("centre", "lundi", dt.time(14), dt.time(17)),))
CAF = Organisation(id="caf", name="Caf", phone="32 30", website="https://www.caf.fr",
                   hours="du lundi au vendredi, 9h-16h")
PROC = Procedure(id="caf-prime-activite", title="Demander la prime d'activité",
                 theme="social-sante", organisation="caf", typical_duration_min=45,
                 source="https://example.org", reviewed=dt.date(2026, 11, 1),
                 documents=("RIB", "Avis d'impôt"), prerequisites=("Adresse e-mail",),
                 online_service="https://caf.fr/prime")
NOW = dt.datetime(2026, 12, 7, 10, 0, tzinfo=PARIS)


def dropins():
    return next_dropins(TEAM, NOW)


def test_french_dates_and_hours():
    assert hour(dt.time(9, 30)) == "9h30" and hour(dt.time(14, 0)) == "14h"
    assert day_label(dt.date(2026, 12, 7)) == "lundi 7 déc."
    assert day_label(dt.date(2027, 2, 3), compact=True) == "mer. 3/02"


def test_dropin_recap_says_where_when_and_what_to_bring():
    text = caller_recap(RecapInput("dropin", TEAM, PROC, CAF, dropins()))
    assert "Demander la prime d'activité" in text
    assert "lundi 7 déc. 14h-17h, Espace du Centre, 1 place de l'Exemple" in text
    assert "lundi 14 déc." in text and "RIB ; Avis d'impôt" in text
    assert "Adresse e-mail" in text and "01 99 00 00 00 (mar. 9h30-12h)" in text
    assert len(text) <= SMS_LIMIT


def test_redirect_recap_names_the_organisation_phone_and_website():
    text = caller_recap(RecapInput("redirect", TEAM, PROC, CAF))
    assert text.startswith("Pour « Demander la prime d'activité », contactez Caf")
    assert "tél. 32 30" in text and "https://www.caf.fr" in text and "9h-16h" in text
    assert "RIB ; Avis d'impôt" in text


def test_redirect_to_a_local_structure_without_contact_points_to_the_service():
    local = Organisation(id="point-justice", name="Point-justice", local=True)
    text = caller_recap(RecapInput("redirect", TEAM, PROC, local))
    assert "Point-justice" in text and "01 99 00 00 00" in text


def test_appointment_intent_and_booked_appointment():
    intent = caller_recap(RecapInput("appointment", TEAM, PROC, CAF, short=True))
    assert "rendez-vous court vous sera proposé" in intent and "RIB" in intent
    booked = BookedAppointment("A-7K3QX2", "mardi 8 décembre 2026, 14 h 00", 45, "Camille",
                               CENTRE)
    text = caller_recap(RecapInput("appointment", TEAM, PROC, CAF, appointment=booked))
    assert "Rendez-vous le mardi 8 décembre 2026, 14 h 00 (45 min) avec Camille" in text
    assert "1 place de l'Exemple" in text and "A-7K3QX2" in text and "RIB" in text


def test_resolved_and_other():
    text = caller_recap(RecapInput("resolved", TEAM, PROC, CAF,
                                   usage_skill_titles=["Créer une adresse e-mail"]))
    assert "Réglé au téléphone" in text and "https://caf.fr/prime" in text
    assert "apprendre à : créer une adresse e-mail" in text
    other = caller_recap(RecapInput("other", TEAM, dropins=dropins()))
    assert other.startswith("Permanences sans rendez-vous : lundi 7 déc.")


def test_long_recaps_shed_details_but_never_documents():
    many = [DropinOccurrence(o.start, o.end, o.session,
                             Site("centre", "Espace numérique du Centre-ville historique",
                                  "12 boulevard de la République, 00000 Exempleville"))
            for o in next_dropins(TEAM, NOW, count=3)]
    documents = tuple(f"Justificatif numéro {n} de moins de trois mois" for n in range(6))
    proc = Procedure(**{**PROC.__dict__, "documents": documents})
    text = caller_recap(RecapInput("dropin", TEAM, proc, CAF, many))
    assert len(text) <= SMS_LIMIT
    assert all(doc in text for doc in documents)
    assert "Espace numérique du Centre-ville historique" in text
    too_many = Procedure(**{**PROC.__dict__, "documents": documents * 3})
    longest = caller_recap(RecapInput("dropin", TEAM, too_many, CAF, many))
    assert len(longest) > SMS_LIMIT and longest.count("Justificatif") == 18  # still complete


@pytest.fixture(scope="module")
def shipped():
    catalogue, problems = load_catalogue(read_catalogue_files(default_catalogue().parent),
                                         dt.date(2026, 11, 29))
    assert catalogue is not None, [p.format() for p in problems if p.is_error]
    return catalogue


@pytest.mark.parametrize("outcome", ["dropin", "appointment", "redirect", "resolved"])
def test_shipped_catalogue_recaps_fit_three_sms(shipped, outcome):
    team = shipped.team
    sessions = next_dropins(team, NOW)
    too_long = []
    for proc in shipped.procedures.values():
        org = shipped.organisation_of(proc)
        text = caller_recap(RecapInput(outcome, team, proc, org, sessions))
        if proc.documents and outcome != "resolved":
            assert proc.documents[-1] in text
        if len(text) > SMS_LIMIT:
            too_long.append(proc.id)
    # only procedures whose document list alone nearly fills three SMS may exceed
    for proc_id in too_long:
        documents = shipped.procedures[proc_id].documents
        assert len(" ; ".join(documents)) > SMS_LIMIT / 2, proc_id
