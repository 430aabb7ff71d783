"""The caller's recap: content per outcome, GSM-7 text, and the two-SMS budget."""

import datetime as dt

import pytest
from conftest import CLOCK, PARIS

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
    LEVELS,
    SMS_SEGMENTS,
    BookedAppointment,
    RecapInput,
    caller_recap,
    day_label,
    hour,
    short_document,
    short_url,
)
from mediatool.formats.sms import sms_segments, to_gsm
from mediatool.host.environment import default_catalogue
from mediatool.store.catalogue import load_catalogue, read_catalogue_files

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


def dropins():
    return next_dropins(TEAM, CLOCK)


def test_french_dates_and_hours():
    assert hour(dt.time(9, 30)) == "9h30" and hour(dt.time(14, 0)) == "14h"
    assert day_label(dt.date(2026, 12, 7)) == "lundi 7 déc."
    assert day_label(dt.date(2027, 2, 3), compact=True) == "mer. 3/02"


def fits(text):
    return sms_segments(text).segments <= SMS_SEGMENTS


def listed(document, text):
    """The document is in the recap, in one of the forms a level gives it."""
    return any(to_gsm(short_document(document, level)) in text for level in LEVELS)


def test_dropin_recap_says_what_when_where_and_what_to_bring_in_gsm():
    text = caller_recap(RecapInput("dropin", TEAM, PROC, CAF, dropins(),
                                   missing=("Adresse e-mail",)))
    assert text.startswith("Demander la prime d'activité : venez sans rendez-vous")
    assert "lundi 7 déc. 14h-17h, Espace du Centre, 1 place de l'Exemple" in text
    assert "RIB ; Avis d'impot" in text
    assert "Nous créerons ensemble : adresse e-mail." in text
    assert "01 99 00 00 00" in text
    assert text == to_gsm(text) and sms_segments(text).encoding == "GSM-7" and fits(text)


def test_prerequisites_the_caller_has_are_not_mentioned():
    text = caller_recap(RecapInput("dropin", TEAM, PROC, CAF, dropins()))
    assert "e-mail" not in text and "prévoir" not in text


def test_redirect_recap_names_the_organisation_phone_and_website():
    text = caller_recap(RecapInput("redirect", TEAM, PROC, CAF))
    assert text.startswith('Pour "Demander la prime d\'activité", contactez Caf')
    assert "tél. 32 30" in text and "https://www.caf.fr" in text and "9h-16h" in text
    assert "RIB ; Avis d'impot" in text


def test_redirect_to_a_local_structure_without_contact_points_to_the_service():
    local = Organisation(id="point-justice", name="Point-justice", local=True)
    text = caller_recap(RecapInput("redirect", TEAM, PROC, local))
    assert "Point-justice" in text and "01 99 00 00 00" in text
    typed = caller_recap(RecapInput("redirect", TEAM, PROC, local, contact="05 55 00 11 22"))
    assert "contactez Point-justice : 05 55 00 11 22." in typed


def test_appointment_intent_and_booked_appointment():
    intent = caller_recap(RecapInput("appointment", TEAM, PROC, CAF, short=True))
    assert "rendez-vous court vous sera proposé" in intent and "RIB" in intent
    start = dt.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS)
    booked = BookedAppointment("A-7K3QX2", "mardi 8 décembre 2026, 14 h 00", 45, "Camille",
                               CENTRE, start)
    text = caller_recap(RecapInput("appointment", TEAM, PROC, CAF, appointment=booked))
    assert text.startswith("Demander la prime d'activité : rendez-vous le mardi 8 décembre "
                           "2026, 14 h 00 (45 min) avec Camille, Espace du Centre, 1 place")
    assert "A-7K3QX2" in text and "RIB" in text


def test_resolved_and_other():
    text = caller_recap(RecapInput("resolved", TEAM, PROC, CAF,
                                   usage_skill_titles=["Créer une adresse e-mail"]))
    assert "réglé au téléphone" in text and "https://caf.fr/prime" in text
    assert "apprendre à : créer une adresse e-mail" in text
    other = caller_recap(RecapInput("other", TEAM, dropins=dropins()))
    assert other.startswith("Permanences sans rendez-vous : lundi 7 déc.")


def test_long_recaps_shed_details_but_never_documents_nor_address():
    many = [DropinOccurrence(o.start, o.end, o.session,
                             Site("centre", "Espace numérique du Centre-ville historique",
                                  "12 boulevard de la République, 00000 Exempleville"))
            for o in next_dropins(TEAM, CLOCK, count=3)]
    documents = tuple(f"Justificatif n°{n} de moins de 3 mois" for n in range(2))
    proc = Procedure(**{**PROC.__dict__, "documents": documents})
    text = caller_recap(RecapInput("dropin", TEAM, proc, CAF, many))
    assert fits(text), sms_segments(text)
    assert all(listed(doc, text) for doc in documents)
    assert "12 boulevard de la République" in text
    too_many = Procedure(**{**PROC.__dict__, "documents": documents * 4})
    longest = caller_recap(RecapInput("dropin", TEAM, too_many, CAF, many))
    assert not fits(longest) and longest.count("Justif") == 8  # still complete
    assert all(listed(doc, longest) for doc in too_many.documents)


def test_the_compact_forms_keep_every_document_and_its_conditions():
    assert short_document("Justificatif de domicile de moins de 3 mois") == \
        "Justif. de domicile < 3 mois"
    # the conditions in parentheses are facts about what to bring: never cut (issue 16)
    assert short_document("Identifiants Caf (numéro de sécurité sociale et mot de passe) "
                          "ou FranceConnect") == \
        "Identifiants Caf (num. de Sécu et mot de passe) ou FranceConnect"
    assert short_document("Demande papier : formulaire cerfa n°15481 (liste des pièces)") == \
        "Demande papier : cerfa 15481 (liste des pièces)"
    assert short_document("Relevé d'identité bancaire") == "RIB"
    assert short_url("https://www.caf.fr/") == "caf.fr"
    assert short_url("https://ants.gouv.fr") == "ants.gouv.fr"


def test_shortening_is_not_spent_on_a_recap_that_goes_over_anyway(monkeypatch):
    from mediatool.formats import recap

    documents = ("Justificatif de domicile de moins de 3 mois",) + tuple(
        f"Document exemplaire numero {n} signe" for n in range(14))
    proc = Procedure(**{**PROC.__dict__, "documents": documents})
    data = RecapInput("dropin", TEAM, proc, CAF, dropins())
    text = caller_recap(data)
    monkeypatch.setattr(recap, "LEVELS", LEVELS[-1:])
    most_compact = caller_recap(data)
    assert not fits(text) and not fits(most_compact)
    # the same count as the most compact, but with the document said in full
    assert sms_segments(text).segments == sms_segments(most_compact).segments
    assert "Justificatif de domicile de moins de 3 mois" in text
    assert "Justif. de domicile < 3 mois" in most_compact


@pytest.fixture(scope="module")
def shipped():
    catalogue, problems = load_catalogue(read_catalogue_files(default_catalogue().parent),
                                         dt.date(2026, 11, 29))
    assert catalogue is not None, [p.format() for p in problems if p.is_error]
    return catalogue


def essentials(proc, outcome, team, sessions):
    """The shortest text that must go: title, first session or slot with address, documents."""
    site = sessions[0].site.label(True) if sessions and sessions[0].site else ""
    when = "mar. 8/12 14h (45 min)" if outcome == "appointment" else "lun. 7/12 14h-17h"
    return to_gsm(f"{proc.title} : {when}, {site}. À apporter : " + " ; ".join(proc.documents))


@pytest.mark.parametrize("outcome", ["dropin", "appointment"])
def test_shipped_catalogue_recaps_fit_two_sms_where_possible(shipped, outcome, capsys):
    team = shipped.team
    sessions = next_dropins(team, CLOCK)
    mediator = team.mediators[0]
    start = dt.datetime(2026, 12, 8, 14, 0, tzinfo=PARIS)
    booked = BookedAppointment("A-7K3QX2", "mardi 8 décembre 2026, 14 h 00", 45,
                               mediator.name, team.site(mediator.site), start)
    worst = (0, "")
    impossible = []
    counts: dict[int, int] = {}
    for proc in shipped.procedures.values():
        if not proc.in_scope:
            continue
        org = shipped.organisation_of(proc)
        text = caller_recap(RecapInput(
            outcome, team, proc, org, sessions, booked if outcome == "appointment" else None))
        count = sms_segments(text)
        assert count.encoding == "GSM-7", (proc.id, text)
        assert all(listed(doc, text) for doc in proc.documents), proc.id
        assert to_gsm(proc.title.split(" (")[0])[:20] in text, proc.id
        worst = max(worst, (count.segments, proc.id))
        counts[count.segments] = counts.get(count.segments, 0) + 1
        if count.segments > SMS_SEGMENTS:
            # over budget: every detail was shed, at most one SMS above the bare essentials
            bare = sms_segments(essentials(proc, outcome, team, sessions)).segments
            assert count.segments <= bare + 1, (proc.id, text)
            impossible.append(proc.id)
    with capsys.disabled():
        spread = ", ".join(f"{n} SMS : {k}" for n, k in sorted(counts.items()))
        print(f"\n[{outcome}] pire récapitulatif : {worst[0]} SMS ({worst[1]}) ; "
              f"répartition : {spread} ; au-delà de {SMS_SEGMENTS} : {len(impossible)}")


def test_redirect_with_a_local_place_gives_its_address_phone_and_todays_hours():
    national = Organisation(id="point-justice", name="Point-justice", phone="30 39")
    place = Organisation(id="point-justice-rennes-7c66cc", name="Maison de justice Exemple",
                         address="7 boulevard de l'Exemple, 35200 Rennes",
                         phone="02 61 91 00 11", hours="lun.–ven. 9h–12h, 13h30–17h",
                         place_of="point-justice", local=True)
    text = caller_recap(RecapInput("redirect", TEAM, PROC, national, place=place,
                                   place_today="9h–12h, 13h30–17h"))
    assert text.startswith('Pour "Demander la prime d\'activité", adressez-vous à Maison de '
                           "justice Exemple : 7 boulevard de l'Exemple, 35200 Rennes, "
                           "tél. 02 61 91 00 11, aujourd'hui 9h-12h, 13h30-17h.")
    assert "Horaires : lun.-ven. 9h-12h, 13h30-17h." in text
    assert "Ou Point-justice : tél. 30 39." in text
    assert "peut vous donner ses coordonnées" not in text
    closed = caller_recap(RecapInput("redirect", TEAM, None, national, place=place,
                                     place_today="fermé"))
    assert "aujourd'hui fermé" in closed
