//! The DSU fixtures of `fixtures/dsu/`: each states its figures worked out by hand in its
//! comments and, machine-readably, under `expected`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use serde::Deserialize;
use welfare_isee::{compute, Dsu, IseeKind};

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Fixture {
    description: String,
    dsu: Dsu,
    expected: BTreeMap<IseeKind, Expected>,
}

#[derive(Deserialize, Debug)]
#[serde(deny_unknown_fields)]
struct Expected {
    isr: String,
    isp: String,
    ise: String,
    scala: String,
    isee: String,
}

fn fixture_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../fixtures/dsu")
}

fn load_all() -> Vec<(String, Fixture)> {
    let mut files: Vec<_> = std::fs::read_dir(fixture_dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let text = std::fs::read_to_string(&path).unwrap();
            let fixture: Fixture =
                serde_yaml::from_str(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
            (name, fixture)
        })
        .collect()
}

#[test]
fn every_fixture_has_its_hand_computed_figures() {
    let fixtures = load_all();
    assert!(fixtures.len() >= 15, "only {} fixtures", fixtures.len());
    let mut failures = Vec::new();
    for (name, fixture) in &fixtures {
        assert!(!fixture.description.is_empty());
        assert!(!fixture.expected.is_empty(), "{name} expects nothing");
        for (kind, want) in &fixture.expected {
            let got = match compute(&fixture.dsu, *kind) {
                Ok(got) => got,
                Err(e) => {
                    failures.push(format!("{name} {kind}: {e}"));
                    continue;
                }
            };
            let pairs = [
                ("isr", got.isr.to_string(), &want.isr),
                ("isp", got.isp.to_string(), &want.isp),
                ("ise", got.ise.to_string(), &want.ise),
                ("scala", got.scala.to_string(), &want.scala),
                ("isee", got.isee.to_string(), &want.isee),
            ];
            for (field, got, want) in pairs {
                if &got != want {
                    failures.push(format!("{name} {kind} {field}: got {got}, expected {want}"));
                }
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn the_fixtures_cover_every_variant() {
    let fixtures = load_all();
    for kind in IseeKind::ALL {
        assert!(
            fixtures.iter().any(|(_, f)| f.expected.contains_key(&kind)),
            "no fixture for {kind}"
        );
    }
}

#[test]
fn fixtures_round_trip_through_json() {
    for (name, fixture) in load_all() {
        let json = serde_json::to_string(&fixture.dsu).unwrap();
        let back: Dsu = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(back, fixture.dsu, "{name}");
    }
}
