"""The report of `catalogue import-places`: what was added, updated, kept (pure)."""

from __future__ import annotations

import textwrap
from typing import Any

from mediatool.core.labels import PLACE_FIELD_LABELS
from mediatool.core.model import Organisation
from mediatool.core.places import DATASET_LABELS, DATASET_SOURCES, Plan

WIDTH = 80


def _value(value: Any) -> str:
    return "(vide)" if value in (None, "") else f"« {value} »"


def _line(text: str, indent: str = "  ") -> list[str]:
    return textwrap.wrap(text, WIDTH, initial_indent=indent,
                         subsequent_indent=indent + "    ", break_long_words=False) or [indent]


def _place(mark: str, organisation: Organisation) -> list[str]:
    lines = _line(f"{mark} {organisation.id} : {organisation.name}")
    details = " ; ".join(p for p in (organisation.address, organisation.phone and
                                     f"tél. {organisation.phone}", organisation.hours) if p)
    return lines + (_line(details, "      ") if details else [])


def report(plan: Plan, source: str, written: bool, dry_run: bool) -> str:
    lines = _line(f"Lieux lus dans {source} : {DATASET_LABELS[plan.dataset]}, "
                  f"{plan.area.label()}.", "")
    lines += _line(f"{len(plan.added)} ajouté(s), {len(plan.updated)} mis à jour, "
                   f"{len(plan.unchanged)} inchangé(s), {len(plan.edited)} modifié(s) à la "
                   f"main (gardé(s) tel(s) quel(s)), {len(plan.gone)} absent(s) du fichier.",
                   "")
    for title, items, mark in (("Ajoutés", plan.added, "+"), ("Mis à jour", plan.updated, "~")):
        if items:
            lines += ["", f"{title} :"]
            for organisation in items:
                lines += _place(mark, organisation)
    if plan.edited:
        lines += ["", "Modifiés à la main, jamais écrasés (la source dit autre chose) :"]
        for organisation, differences in plan.edited:
            lines += _line(f"! {organisation.id} : {organisation.name}")
            for d in differences:
                lines += _line(f"{PLACE_FIELD_LABELS.get(d.field, d.field)} : catalogue "
                               f"{_value(d.in_catalogue)}, source {_value(d.in_source)}",
                               "      ")
    if plan.gone:
        lines += ["", "Absents du fichier, gardés (à vérifier : fermés ou déplacés ?) :"]
        for organisation in plan.gone:
            lines += _line(f"? {organisation.id} : {organisation.name}")
    if plan.skipped:
        lines += ["", "Ignorés (aucune organisation de ce type dans le catalogue) :"]
        lines += _line(", ".join(f"{kind} ({count})"
                                 for kind, count in sorted(plan.skipped.items())))
    lines.append("")
    if dry_run:
        lines.append("Essai (--dry-run) : rien n'a été écrit.")
    elif written:
        lines.append("Écrit dans catalogue/organisations.yaml.")
    else:
        lines.append("Rien à changer dans catalogue/organisations.yaml.")
    lines += _line(f"Source : {DATASET_LABELS[plan.dataset]}, {DATASET_SOURCES[plan.dataset]} "
                   "(Licence Ouverte 2.0).", "")
    return "\n".join(lines) + "\n"
