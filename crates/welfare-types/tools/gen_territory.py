#!/usr/bin/env python3
"""Generate the territorial tables embedded in welfare-types.

Inputs (all committed under crates/welfare-types/data/):

* ANPR_archivio_comuni.csv, ANPR_stati_esteri.csv: ANPR (Fonte: ANPR - Ministero dell'Interno,
  CC BY 4.0), snapshot of 2023-10-03 (comuni) and 2019 (stati esteri, with ISO 3166-1 alpha-2
  and numeric columns added from the standard).
* python-codicefiscale.csv: the rows of the MIT-licensed PyPI package python-codicefiscale
  (codicefiscale/data/*.json) that ANPR lacks or closes differently, extracted with
  `--extract-pycf DIR` (DIR = the package's codicefiscale/data folder).

Outputs: comuni.tsv and stati_esteri.tsv (tab-separated, UTF-8, one header line). comuni.tsv must
stay sorted by Belfiore code and start date: build.rs indexes it at build time (and fails on a row
out of order) and src/territory.rs parses its rows at their first lookup.

Reconciliation rules (python-codicefiscale = "P", ANPR = "A"):
1. Every ANPR row is kept (source A), except the 28 historic rows whose Belfiore code is "ND"
   (not available): no codice fiscale can cite them.
2. An ANPR row still open (DATACESSAZIONE 9999-12-31) that P closes (same code, same start date,
   a deletion date) takes P's end date (source AP): comuni merged or renamed after the snapshot.
3. A P row whose code and start date ANPR lacks is added (source P) when its validity overlaps no
   ANPR row of the same code (after rule 2): comuni created after the snapshot and a few historic
   gaps. P carries no ISTAT code, so these rows have none.
4. Foreign states: every ANPR row (source A). A P state whose Z code ANPR lacks fills the Z code
   of the ANPR row of the same name that has none (source AP), or else is added (source P) without
   ISTAT or ISO codes.

Usage: gen_territory.py [--check] [--extract-pycf DIR]
Standard library only; deterministic output (no timestamps), so --check can compare byte for byte.
"""
import csv
import io
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "data")
OPEN_END = "9999-12-31"


def read_csv(name):
    with open(os.path.join(DATA, name), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def clean(value):
    return " ".join(value.replace("\t", " ").split())


def dmy_to_iso(value):
    d, m, y = value.split("/")
    return f"{y}-{m}-{d}"


def extract_pycf(src):
    """Writes data/python-codicefiscale.csv: P rows that differ from ANPR."""
    with open(os.path.join(src, "municipalities.json"), encoding="utf-8") as f:
        municipalities = json.load(f)
    with open(os.path.join(src, "countries.json"), encoding="utf-8") as f:
        countries = json.load(f)
    anpr = read_csv("ANPR_archivio_comuni.csv")
    anpr_keys = {(r["CODCATASTALE"], r["DATAISTITUZIONE"]): r for r in anpr}
    stati = {r["CODAT"] for r in read_csv("ANPR_stati_esteri.csv")}
    rows = []
    for m in municipalities:
        created = m["date_created"][:10]
        deleted = (m["date_deleted"] or "")[:10]
        known = anpr_keys.get((m["code"], created))
        if known is None or (known["DATACESSAZIONE"] == OPEN_END and deleted):
            rows.append(["comune", m["code"], created, deleted, m["province"], m["name"], m["name_alt"]])
    for c in countries:
        if c["code"] not in stati:
            created = c["date_created"][:10]
            deleted = (c["date_deleted"] or "")[:10]
            rows.append(["stato", c["code"], created, deleted, "EE", c["name"], c.get("name_alt_en", "")])
    rows.sort()
    with open(os.path.join(DATA, "python-codicefiscale.csv"), "w", encoding="utf-8", newline="") as f:
        f.write("# Rows of PyPI package python-codicefiscale (MIT, (c) 2017-present Fabio Caccamo),\n")
        f.write("# codicefiscale/data/{municipalities,countries}.json, that differ from the ANPR snapshot.\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["kind", "code", "date_created", "date_deleted", "province", "name", "name_alt"])
        w.writerows(rows)


def read_pycf():
    with open(os.path.join(DATA, "python-codicefiscale.csv"), encoding="utf-8", newline="") as f:
        lines = [line for line in f if not line.startswith("#")]
    return list(csv.DictReader(lines))


def overlaps(a_from, a_to, b_from, b_to):
    return a_from <= (b_to or OPEN_END) and b_from <= (a_to or OPEN_END)


def comuni(pycf):
    closures = {
        (r["code"], r["date_created"]): r["date_deleted"]
        for r in pycf
        if r["kind"] == "comune" and r["date_deleted"]
    }
    out = []
    by_code = {}
    for r in read_csv("ANPR_archivio_comuni.csv"):
        if r["CODCATASTALE"] == "ND":
            continue  # 28 historic rows without a Belfiore code: no codice fiscale can cite them
        key = (r["CODCATASTALE"], r["DATAISTITUZIONE"])
        to = "" if r["DATACESSAZIONE"] == OPEN_END else r["DATACESSAZIONE"]
        source = "A"
        if not to and key in closures:
            to, source = closures[key], "AP"
        row = [r["CODCATASTALE"], r["CODISTAT"], r["DATAISTITUZIONE"], to, r["SIGLAPROVINCIA"],
               clean(r["DENOMINAZIONE_IT"]), clean(r["ALTRADENOMINAZIONE"]), source]
        out.append(row)
        by_code.setdefault(r["CODCATASTALE"], []).append((row[2], row[3]))
    for r in pycf:
        if r["kind"] != "comune":
            continue
        code, start, end = r["code"], r["date_created"], r["date_deleted"]
        ranges = by_code.get(code, [])
        if any(f == start for f, _ in ranges):
            continue
        if any(overlaps(start, end, f, t) for f, t in ranges):
            continue
        out.append([code, "", start, end, r["province"], clean(r["name"]).upper(),
                    clean(r["name_alt"]).upper(), "P"])
    out.sort(key=lambda row: (row[0], row[2]))
    buf = io.StringIO()
    buf.write("belfiore\tistat\tfrom\tto\tprovince\tname\talt_name\tsource\n")
    for row in out:
        buf.write("\t".join(row) + "\n")
    return buf.getvalue()


def stati(pycf):
    out = []
    for r in read_csv("ANPR_stati_esteri.csv"):
        if not r["DENOMINAZIONE"].strip() or not r["DATAINIZIOVALIDITA"]:
            continue  # the empty placeholder row of ISTAT code 888
        to = dmy_to_iso(r["DATAFINEVALIDITA"])
        to = "" if to == OPEN_END else to
        out.append([r["CODAT"], r["CODISTAT"], r["ISO3166_1_ALPHA2"], r["CODISO3166_1_ALPHA3"],
                    r["ISO3166_1_NUMERIC"], dmy_to_iso(r["DATAINIZIOVALIDITA"]), to,
                    clean(r["DENOMINAZIONE"]).upper(), clean(r["DENOMINAZIONEISTAT"]),
                    clean(r["DENOMINAZIONEISTAT_EN"]), r["TIPO"], "A"])
    for r in pycf:
        if r["kind"] != "stato":
            continue
        name = clean(r["name"]).upper()
        twin = [row for row in out if not row[0] and row[7] == name]
        if twin:  # ANPR lists the territory without its Z code: P supplies the code
            twin[0][0], twin[0][11] = r["code"], "AP"
            continue
        out.append([r["code"], "", "", "", "", r["date_created"], r["date_deleted"],
                    clean(r["name"]).upper(), clean(r["name"]), clean(r["name_alt"]), "", "P"])
    out.sort(key=lambda row: (row[0] or "~", row[1]))
    buf = io.StringIO()
    buf.write("z_code\tistat\tiso_alpha2\tiso_alpha3\tiso_numeric\tfrom\tto\tname\tname_istat\tname_en\tkind\tsource\n")
    for row in out:
        buf.write("\t".join(row) + "\n")
    return buf.getvalue()


def main(argv):
    check = "--check" in argv
    if "--extract-pycf" in argv:
        extract_pycf(argv[argv.index("--extract-pycf") + 1])
    pycf = read_pycf()
    outputs = {"comuni.tsv": comuni(pycf), "stati_esteri.tsv": stati(pycf)}
    stale = []
    for name, text in outputs.items():
        path = os.path.join(DATA, name)
        if check:
            try:
                with open(path, encoding="utf-8", newline="") as f:
                    if f.read() != text:
                        stale.append(name)
            except FileNotFoundError:
                stale.append(name)
        else:
            with open(path, "w", encoding="utf-8", newline="") as f:
                f.write(text)
    if stale:
        print("out of date, run tools/gen_territory.py: " + ", ".join(stale), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
