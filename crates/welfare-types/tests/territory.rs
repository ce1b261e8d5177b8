//! Territorial tables: ANPR archivio comuni (2023-10-03) and stati esteri, reconciled with
//! python-codicefiscale for later changes. Expected values are those of the ANPR archive.

use chrono::NaiveDate;
use welfare_types::territory::{fold_name, Comune, Place, Source, StatoEstero, TerritoryError};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

#[test]
fn every_historic_comune_code_resolves_on_the_days_of_each_period() {
    let mut rows = 0;
    for comune in Comune::all().unwrap() {
        let valid = comune.valid();
        for day in [Some(valid.from()), valid.to()].into_iter().flatten() {
            let found = Comune::by_belfiore(comune.belfiore(), day).unwrap();
            assert_eq!(found.belfiore(), comune.belfiore());
            assert!(found.valid().contains(day));
        }
        if let Some(istat) = comune.istat() {
            assert_eq!(Comune::by_istat(istat, valid.from()).unwrap().istat(), Some(istat));
        }
        rows += 1;
    }
    // 19,352 ANPR rows less 28 without a Belfiore code, plus 21 python-codicefiscale rows.
    assert_eq!(rows, 19_345);
}

#[test]
fn roma_by_code_istat_and_name() {
    let roma = Comune::by_belfiore("H501", d(1985, 12, 10)).unwrap();
    assert_eq!((roma.name(), roma.istat(), roma.province()), ("ROMA", Some("058091"), "RM"));
    assert_eq!(roma.source(), Source::Anpr);
    assert_eq!(Comune::by_istat("058091", d(2024, 1, 1)).unwrap().belfiore(), "H501");
    assert_eq!(Comune::by_name("Roma", Some("rm"), d(2024, 1, 1)).unwrap().belfiore(), "H501");
    assert_eq!(Comune::by_belfiore("h501", d(2024, 1, 1)).unwrap().belfiore(), "H501");
}

#[test]
fn names_fold_accents_case_and_apostrophes() {
    for name in ["Forlì", "FORLI'", "forli", "FORLÌ", " forlì "] {
        assert_eq!(
            Comune::by_name(name, None, d(2020, 1, 1)).unwrap().belfiore(),
            "D704",
            "{name}"
        );
    }
    assert_eq!(fold_name("San Nicolò d'Arcidano"), "SANNICOLODARCIDANO");
    assert_eq!(fold_name("Ètroubles"), "ETROUBLES");
    // Alternative (German) name.
    assert_eq!(Comune::by_name("Bozen", None, d(2020, 1, 1)).unwrap().name(), "BOLZANO");
}

#[test]
fn a_comune_since_merged_keeps_its_historic_name() {
    // Ronago (CO), H521, merged with Uggiate-Trevano into Uggiate con Ronago (M435) on
    // 2024-01-01 (python-codicefiscale; after the ANPR snapshot).
    let ronago = Comune::by_belfiore("H521", d(1980, 5, 1)).unwrap();
    assert_eq!(
        (ronago.name(), ronago.province(), ronago.istat()),
        ("RONAGO", "CO", Some("013199"))
    );
    assert_eq!(Comune::by_belfiore("H521", d(2024, 1, 1)), Err(TerritoryError::NotValidOnDate));
    assert_eq!(Comune::by_belfiore("M435", d(2024, 1, 1)).unwrap().name(), "UGGIATE CON RONAGO");
    // Albaredo Arnaboldi (PV), merged into Campospinoso Albaredo on 2023-11-18 (after the ANPR
    // snapshot: the end date comes from python-codicefiscale).
    let albaredo = Comune::by_belfiore("A134", d(1990, 1, 1)).unwrap();
    assert_eq!(albaredo.name(), "ALBAREDO ARNABOLDI");
    assert_eq!(albaredo.source(), Source::AnprCompletedByPythonCodicefiscale);
    assert_eq!(Comune::by_belfiore("A134", d(2024, 1, 1)), Err(TerritoryError::NotValidOnDate));
    let merged = Comune::by_belfiore("B567", d(2024, 1, 1)).unwrap();
    assert_eq!(merged.name(), "CAMPOSPINOSO ALBAREDO");
    assert_eq!(merged.source(), Source::PythonCodicefiscale);
    assert_eq!(merged.istat(), None);
    assert_eq!(Comune::by_belfiore("B567", d(2010, 1, 1)).unwrap().name(), "CAMPOSPINOSO");
}

#[test]
fn lookups_across_a_rename() {
    // Popoli (PE) became Popoli Terme on 2023-07-13, same Belfiore code G878.
    assert_eq!(Comune::by_belfiore("G878", d(2000, 1, 1)).unwrap().name(), "POPOLI");
    assert_eq!(Comune::by_belfiore("G878", d(2024, 1, 1)).unwrap().name(), "POPOLI TERME");
    assert_eq!(Comune::by_name("Popoli", None, d(2000, 1, 1)).unwrap().belfiore(), "G878");
    assert_eq!(Comune::by_name("Popoli", None, d(2024, 1, 1)), Err(TerritoryError::NotValidOnDate));
    assert_eq!(
        Comune::by_name("Popoli Terme", None, d(2000, 1, 1)),
        Err(TerritoryError::NotValidOnDate)
    );
    assert_eq!(Comune::by_istat("068033", d(2000, 1, 1)).unwrap().name(), "POPOLI");
    // Calliano (AT), B418, renamed Calliano Monferrato on 2022-08-12 (ANPR).
    assert_eq!(Comune::by_belfiore("B418", d(1980, 5, 1)).unwrap().name(), "CALLIANO");
    assert_eq!(Comune::by_belfiore("B418", d(2023, 1, 1)).unwrap().name(), "CALLIANO MONFERRATO");
    // Province change: Forlì moved from FO to FC on 1992-04-16.
    assert_eq!(Comune::by_belfiore("D704", d(1990, 1, 1)).unwrap().province(), "FO");
    assert_eq!(Comune::by_belfiore("D704", d(1993, 1, 1)).unwrap().province(), "FC");
    assert_eq!(Comune::history("D704").unwrap().len(), 3);
}

#[test]
fn ambiguous_names_need_the_province() {
    // San Teodoro exists in Messina (I328) and Sassari/Olbia-Tempio (I329).
    assert_eq!(Comune::by_name("San Teodoro", None, d(2020, 1, 1)), Err(TerritoryError::Ambiguous));
    assert_eq!(
        Comune::by_name("San Teodoro", Some("ME"), d(2020, 1, 1)).unwrap().belfiore(),
        "I328"
    );
    assert_eq!(
        Comune::by_name("San Teodoro", Some("SS"), d(2020, 1, 1)).unwrap().belfiore(),
        "I329"
    );
    assert_eq!(Comune::by_name("Nowhere", None, d(2020, 1, 1)), Err(TerritoryError::NotFound));
    assert_eq!(Comune::by_belfiore("H5O1", d(2020, 1, 1)), Err(TerritoryError::InvalidCode));
    assert_eq!(Comune::by_belfiore("A000", d(2020, 1, 1)), Err(TerritoryError::NotFound));
}

#[test]
fn foreign_states_by_every_code() {
    let germany = StatoEstero::by_z_code("Z112").unwrap();
    assert_eq!(germany.name(), "GERMANIA");
    assert_eq!(
        (germany.istat(), germany.iso_alpha2(), germany.iso_alpha3(), germany.iso_numeric()),
        (Some("216"), Some("DE"), Some("DEU"), Some("276"))
    );
    assert_eq!(StatoEstero::by_istat("216").unwrap(), germany);
    assert_eq!(StatoEstero::by_iso_alpha2("de").unwrap(), germany);
    assert_eq!(StatoEstero::by_name("Germany").unwrap(), germany);
    assert_eq!(StatoEstero::by_name("germania").unwrap(), germany);
    assert_eq!(StatoEstero::by_z_code("Z404").unwrap().iso_numeric(), Some("840"));
    // Polinesia francese: ANPR lists it without Z code, python-codicefiscale supplies Z723.
    assert_eq!(StatoEstero::by_z_code("Z723").unwrap().istat(), Some("724"));
    // Stateless (ISTAT 999) has no Z code.
    assert_eq!(StatoEstero::by_istat("999").unwrap().z_code(), None);
    assert_eq!(StatoEstero::by_z_code("H501"), Err(TerritoryError::InvalidCode));
    let all: Vec<_> = StatoEstero::all().unwrap().collect();
    assert!(all.len() > 230);
    for s in all.iter().filter(|s| s.z_code().is_some()) {
        assert_eq!(StatoEstero::by_z_code(s.z_code().unwrap()).unwrap(), *s);
    }
}

#[test]
fn places_by_code_or_name() {
    let on = d(1985, 12, 10);
    assert_eq!(Place::by_code_or_name("Roma (RM)", on).unwrap().code(), "H501");
    assert_eq!(Place::by_code_or_name("roma", on).unwrap().code(), "H501");
    assert_eq!(Place::by_code_or_name("H501", on).unwrap().name(), "ROMA");
    assert_eq!(Place::by_code_or_name("Albania", on).unwrap().code(), "Z100");
    assert_eq!(Place::by_code("Z100", on).unwrap().name(), "ALBANIA");
    assert!(matches!(Place::by_code("Z100", on).unwrap(), Place::StatoEstero(_)));
}

#[test]
fn serde_of_a_comune() {
    let roma = Comune::by_belfiore("H501", d(2024, 1, 1)).unwrap();
    let json = serde_json::to_value(roma).unwrap();
    assert_eq!(json["belfiore"], "H501");
    assert_eq!(json["valid"]["from"], "1992-04-04");
    let back: Comune = serde_json::from_value(json).unwrap();
    assert_eq!(&back, roma);
}

/// The committed tables are exactly what `tools/gen_territory.py` makes of the committed sources.
#[test]
fn generated_tables_do_not_drift() {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tools/gen_territory.py");
    match std::process::Command::new("python3").arg(script).arg("--check").output() {
        Ok(out) => assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr)),
        Err(e) => eprintln!("python3 not available, drift check skipped: {e}"),
    }
}

/// One row of the embedded table, read the way the crate read it before the build-time index
/// (every row parsed into strings at start-up, then sorted by code and start date).
struct Row {
    belfiore: String,
    istat: Option<String>,
    from: NaiveDate,
    to: Option<NaiveDate>,
    province: String,
    name: String,
    alt: Option<String>,
}

fn reference_rows() -> Vec<Row> {
    let text = include_str!("../data/comuni.tsv");
    let date = |s: &str| NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap();
    let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
    let mut rows: Vec<Row> = text
        .lines()
        .skip(1)
        .map(|line| {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!(f.len(), 8, "{line}");
            Row {
                belfiore: f[0].to_owned(),
                istat: some(f[1]),
                from: date(f[2]),
                to: (!f[3].is_empty()).then(|| date(f[3])),
                province: f[4].to_owned(),
                name: f[5].to_owned(),
                alt: some(f[6]),
            }
        })
        .collect();
    rows.sort_by(|a, b| a.belfiore.cmp(&b.belfiore).then(a.from.cmp(&b.from)));
    rows
}

/// The former lookup: the latest-starting row valid on the date among `rows`, in table order.
fn reference_valid_on<'a>(rows: impl Iterator<Item = &'a Row>, on: NaiveDate) -> Option<&'a Row> {
    let mut best: Option<&Row> = None;
    for row in rows {
        let valid = row.from <= on && row.to.is_none_or(|to| on <= to);
        if valid && best.is_none_or(|b| row.from > b.from) {
            best = Some(row);
        }
    }
    best
}

fn same(comune: &Comune, row: &Row) -> bool {
    comune.belfiore() == row.belfiore
        && comune.istat() == row.istat.as_deref()
        && comune.valid().from() == row.from
        && comune.valid().to() == row.to
        && comune.province() == row.province
        && comune.name() == row.name
        && comune.alternative_names() == row.alt.as_slice()
}

#[test]
fn build_time_index_gives_the_answers_of_the_parsed_table_for_every_row() {
    let rows = reference_rows();
    // Same rows in the same order.
    let all: Vec<&Comune> = Comune::all().unwrap().collect();
    assert_eq!(all.len(), rows.len());
    for (comune, row) in all.iter().zip(&rows) {
        assert!(same(comune, row), "{}", row.belfiore);
    }
    // Every lookup by Belfiore and ISTAT code, on the first and last day of each period and the
    // day before it starts, gives the row (or the error) the parsed table gave.
    let mut by_istat: Vec<(&str, usize)> =
        rows.iter().enumerate().filter_map(|(i, r)| Some((r.istat.as_deref()?, i))).collect();
    by_istat.sort();
    for row in &rows {
        // Rows are sorted by code: the code's rows are one run.
        let start = rows.partition_point(|r| r.belfiore < row.belfiore);
        let history: Vec<&Row> =
            rows[start..].iter().take_while(|r| r.belfiore == row.belfiore).collect();
        let found = Comune::history(&row.belfiore).unwrap();
        assert_eq!(found.len(), history.len());
        assert!(found.iter().zip(&history).all(|(c, r)| same(c, r)));
        let days = [row.from.pred_opt(), Some(row.from), row.to, row.to.and_then(|d| d.succ_opt())];
        for day in days.into_iter().flatten() {
            let expected = reference_valid_on(history.iter().copied(), day);
            match (Comune::by_belfiore(&row.belfiore, day), expected) {
                (Ok(c), Some(r)) => assert!(same(c, r), "{} on {day}", row.belfiore),
                (Err(TerritoryError::NotValidOnDate), None) => {}
                (other, _) => panic!("{} on {day}: {other:?}", row.belfiore),
            }
            let Some(istat) = row.istat.as_deref() else { continue };
            let first = by_istat.partition_point(|(code, _)| *code < istat);
            let same_code = by_istat[first..]
                .iter()
                .take_while(|(code, _)| *code == istat)
                .map(|(_, i)| &rows[*i]);
            match (Comune::by_istat(istat, day), reference_valid_on(same_code, day)) {
                (Ok(c), Some(r)) => assert!(same(c, r), "{istat} on {day}"),
                (Err(TerritoryError::NotValidOnDate), None) => {}
                (other, _) => panic!("{istat} on {day}: {other:?}"),
            }
        }
    }
    // Codes no row has.
    assert_eq!(Comune::history("A000").unwrap(), &[] as &[Comune]);
    assert_eq!(Comune::by_belfiore("Y999", d(2020, 1, 1)), Err(TerritoryError::NotFound));
    assert_eq!(Comune::by_istat("999999", d(2020, 1, 1)), Err(TerritoryError::NotFound));
}
