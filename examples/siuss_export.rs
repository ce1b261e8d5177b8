//! Export a comune's benefits to SIUSS: build the flow from the registry's codings, write the
//! XML exactly per `PS_PSA_SINA201812.xsd`, validate it, and split it into the WaaS entries INPS
//! pulls with `GET /flussi`.
//!
//! `cargo run -p welfare-examples --example siuss_export`

use std::io::Write;

use chrono::NaiveDate;
use welfare_siuss::codes::{
    AreaUtenza, CaratterePrestazione, Genere, PresaCarico, PresenzaProvaMezzi,
};
use welfare_siuss::convert;
use welfare_siuss::waas::{split_ps, SplitOptions};
use welfare_siuss::{
    table, validate_xml, write_ps, Anagrafica, Beneficiario, Ente, FlowKind, FlussoPs,
    IdentificazioneFlusso, Indirizzo, NomeFlusso, PrestazioneSociale, TsFlusso,
};
use welfare_types::Money;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let today = NaiveDate::from_ymd_opt(2026, 11, 23).ok_or("bad date")?;
    let date = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).ok_or("bad date");

    // The registry has names and ISO alpha-2 codes; SIUSS wants Belfiore for the birthplace,
    // ISTAT for the residence and ISO 3166 numeric for citizenship.
    let residence = convert::residenza("Roma (RM)", today)?;
    let beneficiario = Beneficiario {
        codice_fiscale: "RSSMRA85T10A562S".into(),
        anagrafica: Anagrafica {
            cognome: "ROSSI".into(),
            nome: "MARIO".into(),
            anno_nascita: 1985,
            luogo_nascita: convert::luogo_nascita("San Giuliano Terme (PI)", date(1985, 12, 10)?)?,
            genere: Genere::Male,
            codice_cittadinanza: convert::iso_numeric("IT")?,
            codice_seconda_cittadinanza: None,
        },
        indirizzi: vec![Indirizzo {
            codice_regione: Some(residence.regione),
            codice_comune: Some(residence.comune),
            codice_nazione: convert::ITALIA_ISO.into(),
        }],
        prestazioni: vec![
            // A monthly income support, taken in charge by the social service.
            benefit(
                "A1.04",
                "2026/0001",
                CaratterePrestazione::Periodic,
                Money::from_cents(25_000),
            )?,
            // A one-off shopping voucher.
            benefit("A1.06", "2026/0002", CaratterePrestazione::OneOff, Money::from_cents(15_000))?,
        ],
    };
    let flow = FlussoPs {
        identificazione: IdentificazioneFlusso {
            nome: NomeFlusso::new("H501", FlowKind::Ps, today, 1)?.to_string(),
            ente: Ente {
                codice: "H501".into(),
                denominazione: Some("Comune di Roma".into()),
                indirizzo: "H501".into(),
                cf_operatore: "RSSMRA85T10A562S".into(),
            },
        },
        beneficiari: vec![beneficiario],
    };

    // The strict writer refuses a flow that breaks an XSD or specification rule.
    let xml = write_ps(&flow)?;
    let report = validate_xml(xml.as_bytes())?;
    let mut out = std::io::stdout().lock();
    writeln!(out, "{xml}")?;
    writeln!(
        out,
        "valid: {} ({} record, {} benefits)",
        report.is_valid(),
        report.records,
        report.benefits
    )?;

    // WaaS: one beneficiary and one benefit per entry, timestamps one millisecond apart.
    let options = SplitOptions {
        date: today,
        first_progressive: 1,
        first_ts: TsFlusso::parse("2026-11-23T08:00:00.000Z").ok_or("bad timestamp")?,
    };
    for entry in split_ps(&flow, &options)? {
        writeln!(
            out,
            "{} {} {} bytes of base64",
            entry.id_flusso,
            entry.ts_flusso,
            entry.flusso.len()
        )?;
    }
    Ok(())
}

fn benefit(
    code: &str,
    protocol: &str,
    carattere: CaratterePrestazione,
    amount: Money,
) -> Result<PrestazioneSociale, Box<dyn std::error::Error>> {
    let label = table::lookup(code).and_then(|row| row.label).ok_or("no label for the code")?;
    let periodic = carattere == CaratterePrestazione::Periodic;
    let start = NaiveDate::from_ymd_opt(2026, 2, 1).ok_or("bad date")?;
    Ok(PrestazioneSociale {
        tipo_operazione: None,
        presenza_prova_mezzi: PresenzaProvaMezzi::Isee,
        carattere: Some(carattere),
        numero_protocollo_dsu: Some("INPS-ISEE-2026-00000001A-00".into()),
        anno_protocollo_dsu: Some(2026),
        data_dsu: NaiveDate::from_ymd_opt(2026, 1, 15),
        codice_prestazione: code.into(),
        denominazione_prestazione: label.into(),
        protocollo_domanda: protocol.into(),
        data_evento: None,
        data_inizio: periodic.then_some(start),
        data_fine: periodic.then(|| NaiveDate::from_ymd_opt(2026, 7, 31)).flatten(),
        data_erogazione: (!periodic).then_some(start),
        importo_prestazione: (!periodic).then_some(amount),
        periodo_erogazione: periodic.then_some(6),
        importo_mensile: periodic.then_some(amount),
        quota_ente: None,
        quota_utente: None,
        quota_ssn: None,
        quota_richiesta: None,
        soglia_isee: Some(Money::from_euros(9_360)),
        ore_servizio_mensile: None,
        presa_carico: if periodic { PresaCarico::Yes } else { PresaCarico::No },
        area_utenza: periodic.then_some(AreaUtenza::PovertyAndExclusion),
        sina: None,
    })
}
