//! `welfare case`: init, import, export, show, verify, report on SQLite files.

use std::process::Command;

use chrono::{NaiveDate, TimeZone, Utc};
use welfare_casefile::case::{Case, CaseCommand};
use welfare_casefile::engine::{execute, CommandContext};
use welfare_casefile::ids::{
    CaseId, CommandId, OperatorId, OrganisationId, PersonId, TenantId, UnitId,
};
use welfare_casefile::intake::AreaUtenza;

fn welfare(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_welfare")).args(args).output().unwrap();
    (
        out.status.code().unwrap(),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

/// A SQLite file with two cases of tenant `ambito-ven15`.
fn populated(path: &str) {
    let mut store = welfare_store::Store::open(path).unwrap();
    let tenant = TenantId::new("ambito-ven15").unwrap();
    let ctx = CommandContext {
        actor: OperatorId::new("as1").unwrap(),
        now: Utc.with_ymd_and_hms(2026, 3, 2, 9, 0, 0).unwrap(),
    };
    for (i, p) in ["P-1", "P-2"].into_iter().enumerate() {
        let open = CaseCommand::Open {
            person: PersonId::new(p).unwrap(),
            organisation: OrganisationId::new("B563").unwrap(),
            unit: UnitId::new("ss").unwrap(),
            number: format!("2026/{}", i + 1),
            area: AreaUtenza::PovertaEsclusione,
            on: NaiveDate::from_ymd_opt(2026, 3, 2).unwrap(),
            intake: None,
        };
        let id = CaseId::new(format!("C-{}", i + 1)).unwrap();
        let k = CommandId::new(format!("k{i}")).unwrap();
        execute::<Case, _>(&mut store, &tenant, &id, &k, &open, &ctx, vec![]).unwrap();
    }
}

#[test]
fn init_report_show_verify_export_import() {
    let dir = tempfile::tempdir().unwrap();
    let a = dir.path().join("a.sqlite");
    let a = a.to_str().unwrap();
    let (code, out, _) = welfare(&["case", "init", "--db", a]);
    assert_eq!(code, 0);
    assert_eq!(out.trim(), r#"{"backend":"sqlite","schema_version":2}"#);
    populated(a);
    let t = ["--db", a, "--tenant", "ambito-ven15"];
    let (code, out, _) = welfare(&[&["case", "report"], &t[..]].concat());
    assert_eq!(code, 0);
    assert_eq!(out.trim(), r#"{"aggregates":2,"events":2,"pending_outbox":2,"access_log":0}"#);
    let (code, out, _) = welfare(&[&["case", "show", "C-2"], &t[..]].concat());
    assert_eq!(code, 0);
    let shown: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(shown["case"]["number"], "2026/2");
    assert_eq!(shown["head"]["sequence"], 1);
    let (code, out, _) = welfare(&[&["case", "verify"], &t[..]].concat());
    assert_eq!(code, 0);
    assert_eq!(out.lines().count(), 2);
    assert!(out.lines().all(|l| l.contains(r#""ok":true"#)));
    // Export, import into a new database, export again: the same bytes.
    let (code, exported, _) = welfare(&[&["case", "export"], &t[..]].concat());
    assert_eq!(code, 0);
    let file = dir.path().join("export.jsonl");
    std::fs::write(&file, &exported).unwrap();
    let b = dir.path().join("b.sqlite");
    let b = b.to_str().unwrap();
    let tb = ["--db", b, "--tenant", "ambito-ven15"];
    let (code, out, err) =
        welfare(&[&["case", "import", file.to_str().unwrap()], &tb[..]].concat());
    assert_eq!(code, 0, "{err}");
    assert_eq!(out.trim(), r#"{"aggregates":2,"events":2,"outbox":2,"access_log":0}"#);
    let (_, again, _) = welfare(&[&["case", "export"], &tb[..]].concat());
    assert_eq!(again, exported);
    // An export cut short (its last lines lost) is refused before anything is written.
    let cut = dir.path().join("cut.jsonl");
    let lines: Vec<&str> = exported.lines().collect();
    std::fs::write(&cut, lines[..lines.len() - 2].join("\n")).unwrap();
    let c = dir.path().join("c.sqlite");
    let tc = ["--db", c.to_str().unwrap(), "--tenant", "ambito-ven15"];
    let (code, _, err) = welfare(&[&["case", "import", cut.to_str().unwrap()], &tc[..]].concat());
    assert_eq!(code, 1);
    assert!(err.contains("without its end line: it was cut short"), "{err}");
    let (_, out, _) = welfare(&[&["case", "report"], &tc[..]].concat());
    assert_eq!(out.trim(), r#"{"aggregates":0,"events":0,"pending_outbox":0,"access_log":0}"#);
    // A file that cannot be read (a directory) is exit 2, as for every command.
    let (code, _, err) =
        welfare(&[&["case", "import", dir.path().to_str().unwrap()], &tc[..]].concat());
    assert_eq!(code, 2, "{err}");
    // Importing twice is refused (exit 1); a missing case is exit 1; no --tenant is exit 2.
    let (code, _, err) = welfare(&[&["case", "import", file.to_str().unwrap()], &tb[..]].concat());
    assert_eq!(code, 1);
    assert!(err.contains("already holds data"), "{err}");
    assert_eq!(welfare(&[&["case", "show", "C-9"], &t[..]].concat()).0, 1);
    assert_eq!(welfare(&["case", "report", "--db", a]).0, 2);
    assert_eq!(welfare(&["case", "report", "--tenant", "x"]).0, 2);
    // Another tenant of the same database sees nothing.
    let (_, out, _) = welfare(&["case", "report", "--db", a, "--tenant", "other"]);
    assert_eq!(out.trim(), r#"{"aggregates":0,"events":0,"pending_outbox":0,"access_log":0}"#);
}
