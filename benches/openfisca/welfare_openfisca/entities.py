"""Entities: the person and the household (famiglia anagrafica) with three roles."""

from openfisca_core.entities import build_entity

Famiglia = build_entity(
    key="famiglia",
    plural="famiglie",
    label="Nucleo familiare",
    roles=[
        # ANPR codes 1, 2, 23, 28: the head, the spouse, the partner, the civil partner.
        {"key": "genitore", "plural": "genitori", "label": "Intestatario o partner"},
        # ANPR codes 3, 14, 80: children, stepchildren, adopted children.
        {"key": "figlio", "plural": "figli", "label": "Figlio"},
        {"key": "altro", "plural": "altri", "label": "Altro componente"},
    ],
)

Persona = build_entity(
    key="persona",
    plural="persone",
    label="Persona",
    is_person=True,
)

entities = [Famiglia, Persona]
