"""The tax-benefit system: entities, variables and parameters.

The parameters of the Assegno Unico and of the assegno di maternità are converted at load time
from welfare-kit's rulebooks (crates/welfare-benefits/rulebooks), money in cents; the scala ISEE
parameters are an ordinary OpenFisca YAML file."""

import datetime
from pathlib import Path

import yaml
from openfisca_core.parameters import ParameterNode
from openfisca_core.taxbenefitsystems import TaxBenefitSystem

from welfare_openfisca import variables
from welfare_openfisca.entities import entities

HERE = Path(__file__).resolve().parent
RULEBOOKS = HERE.parents[2] / "crates" / "welfare-benefits" / "rulebooks"
# libyaml when present, as OpenFisca itself does for its parameter files.
LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
COLUMNS = ("minore", "eta_18_20", "terzo_figlio", "genitori_lavoratori")


def cents(text):
    """An amount such as "203.80" as integer cents, without going through a float."""
    whole, _, frac = str(text).partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def _day(value):
    return value if isinstance(value, str) else value.isoformat()


def _values(versions, convert):
    """Rulebook versions ({from, to, value}) as an OpenFisca value history."""
    out = {}
    for version in versions:
        out[_day(version["from"])] = {"value": convert(version["value"])}
        if version.get("to") is not None:
            end = version["to"]
            if isinstance(end, str):
                end = datetime.date.fromisoformat(end)
            following = (end + datetime.timedelta(days=1)).isoformat()
            out.setdefault(following, {"value": None})
    return {"values": out}


def _band_scales(versions):
    """The AUU table (one row per ISEE band, bounds inclusive) as four single-amount scales in
    cents: a band's threshold is the previous band's bound plus one cent."""
    brackets = {column: [] for column in COLUMNS}
    for version in versions:
        start = _day(version["from"])
        lines = version["rows"].strip().splitlines()
        header = lines[0].split()
        previous = None
        for index, line in enumerate(lines[1:]):
            cells = dict(zip(header, line.split()))
            threshold = 0 if previous is None else previous + 1
            previous = None if cells["up_to"] == "-" else cents(cells["up_to"])
            for column in COLUMNS:
                column_brackets = brackets[column]
                if index == len(column_brackets):
                    column_brackets.append({"threshold": {}, "amount": {}})
                column_brackets[index]["threshold"][start] = {"value": threshold}
                column_brackets[index]["amount"][start] = {"value": cents(cells[column])}
    return {
        column: {"metadata": {"type": "single_amount"}, "brackets": brackets[column]}
        for column in COLUMNS
    }


def _rulebook(name):
    with open(RULEBOOKS / name, encoding="utf-8") as file:
        return yaml.load(file, Loader=LOADER)["parameters"]


def _auu_parameters():
    tables = _rulebook("assegno-unico-tabelle.yaml")
    rules = _rulebook("assegno-unico.yaml")
    data = {"importi": _band_scales(tables["importi"]["versions"])}
    for name in (
        "maggiorazione_non_autosufficiente",
        "maggiorazione_grave",
        "maggiorazione_media",
        "maggiorazione_madre_giovane",
        "forfait_quattro_figli",
        "soglia_isee_figli_1_3",
    ):
        data[name] = _values(tables[name]["versions"], cents)
    data["incremento_figli_piccoli"] = _values(
        tables["incremento_figli_piccoli"]["versions"], float
    )
    data["usa_isee_prestazioni_familiari"] = _values(
        rules["usa_isee_prestazioni_familiari"]["versions"], bool
    )
    return data


def _maternita_parameters():
    rules = _rulebook("assegno-maternita.yaml")
    return {
        "importo_mensile": _values(rules["importo_mensile"]["versions"], cents),
        "soglia_isee": _values(rules["soglia_isee"]["versions"], cents),
        "mensilita": _values(rules["mensilita"]["versions"], int),
        "termine_mesi": _values(rules["termine_mesi"]["versions"], int),
    }


class WelfareTaxBenefitSystem(TaxBenefitSystem):
    """The three measures of the benchmark."""

    def __init__(self):
        super().__init__(entities)
        self.load_parameters(str(HERE / "parameters"))
        self.parameters.add_child("auu", ParameterNode("auu", data=_auu_parameters()))
        self.parameters.add_child(
            "maternita", ParameterNode("maternita", data=_maternita_parameters())
        )
        for variable in variables.ALL:
            self.add_variable(variable)
