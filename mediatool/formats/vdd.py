"""A catalogue review against service-public.fr's fiches, as markdown or JSON."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from mediatool.core.frenchdates import format_date
from mediatool.core.vdd import Candidate, Finding, Review

STATUS_LABELS = {"changed": "fiche modifiée depuis la relecture",
                 "gone": "fiche absente du jeu de données (supprimée ou identifiant inconnu)",
                 "up-to-date": "à jour"}
TO_CHECK = "*à valider*"


def attribution(review: Review) -> str:
    dated = f", fichiers datés du {format_date(review.source_date)}" if review.source_date else ""
    return ("Source : Direction de l'information légale et administrative (DILA), "
            "service-public.fr, jeu de données « Vos droits et démarches » (Licence Ouverte "
            f"2.0) ; lu dans {review.source}{dated}.")


def _candidates(items: tuple[Candidate, ...]) -> list[str]:
    return [f"- {TO_CHECK} {c.text}" + (f" (cas : {c.case})" if c.case else "") for c in items]


def _day(value: dt.date | None) -> str:
    return format_date(value) if value else "inconnue"


def markdown(review: Review) -> str:
    counts = {s: sum(1 for f in review.findings if f.status == s) for s in STATUS_LABELS}
    lines = ["# Relecture du catalogue : fiches service-public.fr", "", attribution(review), "",
             f"{counts['changed']} fiche(s) modifiée(s), {counts['gone']} absente(s), "
             f"{counts['up-to-date']} à jour. Rien n'a été modifié dans le catalogue : "
             "relisez, puis mettez à jour `catalogue/procedures.yaml` et la date `reviewed`.", ""]
    for finding in review.findings:
        if finding.status == "up-to-date":
            continue
        lines += [f"## {finding.procedure} ({finding.vdd_id}) — {STATUS_LABELS[finding.status]}",
                  ""]
        fiche = finding.fiche
        lines.append(f"- relu dans le catalogue le {_day(finding.reviewed)}")
        if fiche is not None:
            lines += [f"- fiche : {fiche.title} — {fiche.url or ''}".rstrip(" —"),
                      f"- modification importante : {_day(fiche.important_change)} ; "
                      f"mise à jour : {_day(fiche.modified)}", "",
                      "### Pièces", "", "Dans le catalogue :", ""]
            lines += [f"- {d}" for d in finding.catalogue_documents] or ["- (aucune)"]
            lines += ["", "Dans la fiche :", ""]
            lines += _candidates(fiche.documents) or ["- (la fiche n'en liste pas)"]
            lines += ["", "### Services en ligne", "",
                      f"Dans le catalogue : {finding.catalogue_online_service or '(aucun)'}", ""]
            lines += _candidates(fiche.online_services) or ["- (aucun dans la fiche)"]
            lines += ["", "### Où s'adresser", ""]
            lines += _candidates(fiche.where) or ["- (rien dans la fiche)"]
        lines.append("")
    fresh = [f"{f.procedure} ({f.vdd_id})" for f in review.findings if f.status == "up-to-date"]
    if fresh:
        lines += ["## À jour", "", ", ".join(fresh), ""]
    return "\n".join(lines)


def _plain(finding: Finding) -> dict[str, Any]:
    fiche = finding.fiche
    out: dict[str, Any] = {"procedure": finding.procedure, "vdd_id": finding.vdd_id,
                           "status": finding.status, "reviewed": finding.reviewed.isoformat(),
                           "catalogue_documents": list(finding.catalogue_documents),
                           "catalogue_online_service": finding.catalogue_online_service}
    if fiche is not None:
        out["fiche"] = {
            "title": fiche.title, "url": fiche.url,
            "important_change": fiche.important_change.isoformat()
            if fiche.important_change else None,
            "modified": fiche.modified.isoformat() if fiche.modified else None,
            "documents": [{"text": c.text, "case": c.case} for c in fiche.documents],
            "online_services": [c.text for c in fiche.online_services],
            "where": [c.text for c in fiche.where]}
    return out


def as_json(review: Review) -> str:
    return json.dumps({"source": attribution(review), "needs_review": review.needs_review,
                       "findings": [_plain(f) for f in review.findings]},
                      ensure_ascii=False, indent=2) + "\n"
