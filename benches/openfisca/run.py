"""Runs welfare-kit's three measures through OpenFisca on a JSON Lines file of households
(the format of `welfare gen households`) and writes one JSON line per household.

    python run.py INPUT.jsonl [--period 2026-09] [--output FILE] [--chunk N]

Prints to standard error the time to parse the file into arrays, to build the simulation, to
calculate, to write, and the total, with the microseconds per household of each: wall-clock
time and the CPU time of the process (the latter is what to compare on a loaded machine)."""

import argparse
import json
import sys
import time

import numpy
from openfisca_core.indexed_enums import EnumArray
from openfisca_core.simulations import SimulationBuilder

from welfare_openfisca import WelfareTaxBenefitSystem
from welfare_openfisca.variables import Cittadinanza, Disabilita

PARENT = {"intestatario_scheda", "coniuge", "convivente", "unito_civilmente", 1, 2, 23, 28}
CHILD = {"figlio", "figliastro", "adottato", 3, 14, 80}
DISABILITY = {name: index for index, name in enumerate(["none", "media", "grave", "non_autosufficiente"])}
CITIZENSHIP = {member.name: index for index, member in enumerate(Cittadinanza)}
WORKING = {"employed", "self_employed"}
WIDOWED = {"vedovo", "libero_per_decesso"}
NO_DATE = "1000-01-01"


def cents(text):
    """An amount such as "203.80" as integer cents, without going through a float."""
    whole, _, frac = text.partition(".")
    return int(whole) * 100 + int((frac + "00")[:2])


def whole_months(since, on):
    """Whole months from the date `since` to the date `on` (both YYYY-MM-DD)."""
    y0, m0, d0 = int(since[:4]), int(since[5:7]), int(since[8:10])
    y1, m1, d1 = int(on[:4]), int(on[5:7]), int(on[8:10])
    return (y1 - y0) * 12 + (m1 - m0) - (d1 < d0)


class Columns:
    """The inputs of a simulation, one list per variable, filled household by household."""

    def __init__(self):
        self.ids = []
        self.isee = ([], [], [])
        self.household = []
        self.role = []
        self.birth = []
        self.disability = []
        self.working = []
        self.months_worked = []
        self.mother = []
        self.widowed = []
        self.months_marital = []
        self.event = []
        self.citizenship = []
        self.resident = []
        self.indemnity = []

    def add(self, record, day):
        index = len(self.ids)
        self.ids.append(record["group_identifier"])
        isee = record.get("isee") or {}
        for column, kind in zip(self.isee, ("prestazioni_familiari", "minorenni", "ordinario")):
            value = isee.get(kind)
            column.append(-1 if value is None else cents(value))
        members = record["member_list"]
        first = len(self.role)
        position = {m["member_identifier"]: first + i for i, m in enumerate(members)}
        for m in members:
            relationship = m["relationship_to_head"]
            self.household.append(index)
            self.role.append(0 if relationship in PARENT else 1 if relationship in CHILD else 2)
            self.birth.append(m["birth_date"])
            self.disability.append(DISABILITY[m.get("disability", "none")])
            employment = m.get("employment") or {}
            self.working.append(employment.get("status") in WORKING)
            self.months_worked.append(employment.get("months_worked", 0))
            self.mother.append(position.get(m.get("mother"), -1))
            self.widowed.append(m.get("marital_status") in WIDOWED)
            since = m.get("marital_status_since")
            self.months_marital.append(-1 if since is None else whole_months(since, day))
            self.event.append(NO_DATE)
            self.citizenship.append(0)
            self.resident.append(False)
            self.indemnity.append(0)
        for event in record.get("events", ()):
            child = position.get(event["child"])
            if child is None:
                continue
            date = event["date"]
            self.event[child] = date
            mother_id = event.get("mother") or members[child - first].get("mother")
            mother = members[position[mother_id] - first] if mother_id in position else None
            if mother is not None:
                self.citizenship[child] = CITIZENSHIP.get(mother.get("citizenship"), 0)
            resident = event.get("mother_resident")
            if resident is None and mother is not None:
                since = (record.get("residence") or {}).get("since")
                resident = mother.get("registered_in_anagrafe", True) and (
                    since is None or since <= date
                )
            self.resident[child] = bool(resident)
        for benefit in record.get("benefits_received", ()):
            child = position.get(benefit.get("child"))
            if benefit["kind"] == "indennita_maternita" and child is not None:
                self.indemnity[child] += cents(benefit["amount"])

    def arrays(self):
        """The columns as numpy arrays, ready for a simulation."""
        return {
            "household": numpy.array(self.household, dtype=numpy.int32),
            "role": numpy.array(self.role, dtype=numpy.int8),
            "isee_prestazioni_familiari": numpy.array(self.isee[0], dtype=numpy.int32),
            "isee_minorenni": numpy.array(self.isee[1], dtype=numpy.int32),
            "isee_ordinario": numpy.array(self.isee[2], dtype=numpy.int32),
            "data_nascita": numpy.array(self.birth, dtype="datetime64[D]"),
            "disabilita": numpy.array(self.disability, dtype=numpy.int16),
            "lavora": numpy.array(self.working, dtype=bool),
            "mesi_lavorati": numpy.array(self.months_worked, dtype=numpy.int32),
            "indice_madre": numpy.array(self.mother, dtype=numpy.int32),
            "vedovo": numpy.array(self.widowed, dtype=bool),
            "mesi_stato_civile": numpy.array(self.months_marital, dtype=numpy.int32),
            "data_evento": numpy.array(self.event, dtype="datetime64[D]"),
            "cittadinanza_madre_evento": numpy.array(self.citizenship, dtype=numpy.int16),
            "madre_residente_evento": numpy.array(self.resident, dtype=bool),
            "indennita_maternita": numpy.array(self.indemnity, dtype=numpy.int32),
        }


ENUMS = {"disabilita": Disabilita, "cittadinanza_madre_evento": Cittadinanza}
HOUSEHOLD_INPUTS = ("isee_prestazioni_familiari", "isee_minorenni", "isee_ordinario")
OUTPUTS = ("assegno_unico_ammesso", "assegno_unico", "assegno_maternita_ammesso", "assegno_maternita", "scala_isee")


def build(system, arrays, period):
    """One simulation over the households of `arrays`."""
    builder = SimulationBuilder()
    builder.create_entities(system)
    persons = len(arrays["household"])
    households = len(arrays["isee_ordinario"])
    builder.declare_person_entity("persona", numpy.arange(persons))
    famiglia = builder.declare_entity("famiglia", numpy.arange(households))
    builder.join_with_persons(famiglia, arrays["household"], arrays["role"])
    simulation = builder.build(system)
    for name, values in arrays.items():
        if name in ("household", "role"):
            continue
        if name in ENUMS:
            values = EnumArray(values, ENUMS[name])
        simulation.set_input(name, period, values)
    return simulation


def euros(amount):
    return f'"{amount // 100}.{amount % 100:02d}"'


def write(out, ids, results):
    auu_ok, auu, mat_ok, mat, scala = (results[name].tolist() for name in OUTPUTS)
    for i, household in enumerate(ids):
        out.write(
            f'{{"household":{json.dumps(household)},'
            f'"assegno_unico":{{"eligible":{"true" if auu_ok[i] else "false"},"amount":{euros(auu[i])}}},'
            f'"assegno_maternita":{{"eligible":{"true" if mat_ok[i] else "false"},"amount":{euros(mat[i])}}},'
            f'"scala_isee":"{scala[i] // 100}.{scala[i] % 100:02d}"}}\n'
        )


def clock():
    """Wall-clock and process CPU time, in seconds."""
    return numpy.array([time.perf_counter(), time.process_time()])


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("input")
    parser.add_argument("--period", default="2026-09")
    parser.add_argument("--output", default="-")
    parser.add_argument("--chunk", type=int, default=0, help="households per simulation (0: all in one)")
    args = parser.parse_args()
    started = clock()
    system = WelfareTaxBenefitSystem()
    loaded = clock()
    day = args.period + "-01"
    out = sys.stdout if args.output == "-" else open(args.output, "w", encoding="utf-8")
    spent = {key: numpy.zeros(2) for key in ("parse", "build", "calculate", "write")}
    households = 0
    persons = 0
    with open(args.input, encoding="utf-8") as lines:
        done = False
        while not done:
            t0 = clock()
            columns = Columns()
            for line in lines:
                columns.add(json.loads(line), day)
                if args.chunk and len(columns.ids) == args.chunk:
                    break
            else:
                done = True
            if not columns.ids:
                break
            arrays = columns.arrays()
            t1 = clock()
            simulation = build(system, arrays, args.period)
            t2 = clock()
            results = {name: simulation.calculate(name, args.period) for name in OUTPUTS}
            t3 = clock()
            write(out, columns.ids, results)
            t4 = clock()
            households += len(columns.ids)
            persons += len(arrays["household"])
            for key, a, b in (("parse", t0, t1), ("build", t1, t2), ("calculate", t2, t3), ("write", t3, t4)):
                spent[key] += b - a
            del simulation, results, arrays, columns
    if out is not sys.stdout:
        out.close()
    per = 1e6 / max(households, 1)
    report = [
        f"households {households}, persons {persons}, chunk {args.chunk or 'all'}",
        "phase: wall s, CPU s; wall us/household, CPU us/household",
    ]
    spent["tax-benefit system"] = loaded - started
    spent["build+calculate"] = spent["build"] + spent["calculate"]
    spent["total after imports"] = clock() - started
    for key, (wall, cpu) in spent.items():
        report.append(f"{key}: {wall:.3f} s, {cpu:.3f} s; {wall * per:.2f} us, {cpu * per:.2f} us")
    print("\n".join(report), file=sys.stderr)


if __name__ == "__main__":
    main()
