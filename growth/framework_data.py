"""Frameworks as data: a version of the standard and the attestation targets
read from a checked-in JSON file (``growth/data/framework-N.json``).

``framework_load`` writes one version; the migration that brings a file in
calls it with the historical models, ``manage.py framework_load`` with the
live ones. A version already loaded is left as it is (editing is the
admin's), so loading twice changes nothing.
"""

import json
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"


def framework_read(number: int) -> dict:
    return json.loads((DATA / f"framework-{number}.json").read_text(encoding="utf-8"))


def framework_load(data: dict, *, models=None, current: bool = True):
    """Write the version ``data`` describes (its competencies, targets and
    criteria) unless it is there; ``models`` maps the model names to the
    classes to use (historical ones in a migration). Returns the version."""
    if models is None:
        from growth import models as live

        models = {
            name: getattr(live, name)
            for name in ("FrameworkVersion", "Competency", "Target", "Criterion")
        }
    Version = models["FrameworkVersion"]
    Competency = models["Competency"]
    Target = models["Target"]
    Criterion = models["Criterion"]
    found = Version.objects.filter(number=data["number"]).first()
    if found is not None:
        return found
    if current:
        Version.objects.filter(is_current=True).update(is_current=False)
    version = Version.objects.create(
        number=data["number"],
        title=data["title"],
        note=data.get("note", ""),
        is_current=current,
    )
    competencies = {}
    for order, item in enumerate(data["competencies"], start=1):
        competencies[item["code"]] = Competency.objects.create(
            version=version,
            code=item["code"],
            function=item["function"],
            title=item["title"],
            description=item.get("description", ""),
            evidence_kinds=list(item.get("evidence_kinds", [])),
            suggestion_tags=list(item.get("suggestion_tags", [])),
            order=order,
        )
    for order, item in enumerate(data["targets"], start=1):
        target = Target.objects.create(
            version=version,
            code=item["code"],
            title=item["title"],
            description=item.get("description", ""),
            order=order,
        )
        for position, entry in enumerate(item["criteria"], start=1):
            criterion = Criterion.objects.create(
                target=target,
                code=entry["code"],
                title=entry["title"],
                description=entry.get("description", ""),
                min_evidence=entry.get("min_evidence", 2),
                order=position,
            )
            criterion.competencies.set(
                [competencies[code] for code in entry["competencies"]]
            )
    return version
