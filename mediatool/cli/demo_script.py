"""The commands `mediatool demo` runs, in order, on a fresh demo folder.

Each feature adds its step here: (what the step shows, the arguments).
"{data}" in an argument stands for the demo folder.
"""

DEMO_STEPS: list[tuple[str, list[str]]] = [
    ("Vérifier le dossier", ["check"]),
    ("Chercher une démarche au téléphone", ["catalogue", "search", "titre sejour"]),
    ("Voir la fiche", ["catalogue", "show", "caf-prime-activite"]),
    ("Statistiques du dernier mois complet", ["report"]),
    ("Rapport HTML imprimable (graphiques compris)",
     ["report", "--format", "html", "--out", "{data}/rapport.html"]),
]
