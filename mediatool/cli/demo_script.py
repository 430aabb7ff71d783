"""The commands `mediatool demo` runs, in order, on a fresh demo folder.

Each feature adds its step here: (what the step shows, the arguments).
"{data}" in an argument stands for the demo folder, "{today}" for today's date.
"""

DEMO_STEPS: list[tuple[str, list[str]]] = [
    ("Vérifier le dossier (erreurs seulement ; « mediatool check » montre aussi les "
     "avertissements)", ["check", "--quiet"]),
    ("Chercher une démarche au téléphone", ["catalogue", "search", "titre sejour"]),
    ("Voir la fiche", ["catalogue", "show", "caf-prime-activite"]),
    ("Prendre un appel (mode scripté) : recommandation, enregistrement, récapitulatif",
     ["call", "--procedure", "caf-declaration-trimestrielle", "--outcome", "dropin",
      "--mediator", "camille", "--duration", "6"]),
    ("Les appels du jour", ["calls", "--day", "{today}"]),
    ("Prendre le premier rendez-vous libre pour cette démarche",
     ["book", "--mediator", "camille", "--procedure", "caf-prime-activite", "--first-free",
      "--person", "Nadia B. (fictif)", "--phone", "06 39 98 00 42"]),
    ("Voir l'agenda de la semaine de Camille", ["agenda", "--mediator", "camille"]),
    ("Exporter les calendriers (.ics, pour cron)",
     ["export-ics", "--out", "{data}/calendriers", "--verbose"]),
    ("Statistiques du dernier mois complet", ["report"]),
    ("L'expérimentation a-t-elle soulagé les permanences ? Avant / depuis l'ouverture",
     ["report", "--experiment"]),
    ("Rapport HTML imprimable (graphiques compris)",
     ["report", "--format", "html", "--out", "{data}/rapport.html"]),
    ("Données personnelles : ce que la durée de conservation ferait anonymiser",
     ["purge", "--retention", "--dry-run"]),
]
