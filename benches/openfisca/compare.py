"""Compares run.py's amounts with welfare-kit's on the same households:

    python compare.py OPENFISCA.jsonl WELFARE.jsonl

WELFARE.jsonl is the output of `welfare batch --measure it/assegno-unico --measure
it/assegno-maternita`. Prints, per measure, how many households agree on eligibility and amount,
and the first few that differ."""

import json
import sys

MEASURES = {"it/assegno-unico": "assegno_unico", "it/assegno-maternita": "assegno_maternita"}


def main():
    openfisca = {}
    with open(sys.argv[1], encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            openfisca[record["household"]] = record
    agree = {name: 0 for name in MEASURES.values()}
    eligible = {name: 0 for name in MEASURES.values()}
    differ = {name: [] for name in MEASURES.values()}
    compared = 0
    with open(sys.argv[2], encoding="utf-8") as lines:
        for line in lines:
            record = json.loads(line)
            ours = openfisca.get(record["household"])
            if ours is None:
                continue
            compared += 1
            for result in record["results"]:
                name = MEASURES.get(result["measure"])
                if name is None:
                    continue
                theirs = (result["eligible"], result.get("amount", "0.00") if result["eligible"] else "0.00")
                mine = (ours[name]["eligible"], ours[name]["amount"])
                eligible[name] += result["eligible"]
                if theirs == mine:
                    agree[name] += 1
                elif len(differ[name]) < 5:
                    differ[name].append((record["household"], theirs, mine))
    print(f"households compared: {compared}")
    for name in MEASURES.values():
        print(f"{name}: {agree[name]} agree ({eligible[name]} eligible in welfare-kit)")
        for household, theirs, mine in differ[name]:
            print(f"  {household}: welfare-kit {theirs}, openfisca {mine}")


if __name__ == "__main__":
    main()
