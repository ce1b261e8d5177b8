//! Invariants: parse(write(x)) == x; everything the writer produces passes our validator and
//! `xmllint --schema` with the official XSD; the reader never panics on mangled input.

use chrono::{Datelike, NaiveDate};
use proptest::prelude::*;
use proptest::sample::select;
use welfare_siuss::codes::*;
use welfare_siuss::{
    read_ps, read_sinba, table, validate_xml, write_ps, write_sinba, Anagrafica, Beneficiario,
    Ente, FlowKind, FlussoPs, FlussoSinba, IdentificazioneFlusso, Indirizzo, MeseAnno, OreMinuti,
    PrestazioneSociale, Sina, Sinba,
};
use welfare_types::Money;

use crate::common::xmllint;

fn code<T: Copy + std::fmt::Debug + 'static>(all: &'static [T]) -> impl Strategy<Value = T> {
    select(all)
}

fn opt_code<T: Copy + std::fmt::Debug + 'static>(
    all: &'static [T],
) -> impl Strategy<Value = Option<T>> {
    proptest::option::of(select(all))
}

/// Text with XML's special characters, accents and inner spaces.
fn text(min: usize, max: usize) -> impl Strategy<Value = String> {
    proptest::collection::vec(
        select(&['A', 'z', 'à', 'È', '\'', '&', '<', '>', '"', ' ', '-', '7'][..]),
        min..=max,
    )
    .prop_map(|v| v.into_iter().collect())
}

fn cf() -> impl Strategy<Value = String> {
    let personal = ("[A-Z]{6}", "[0-9]{2}", "[A-Z]", "[0-9]{2}", "[A-Z]", "[A-Z0-9]{3}", "[A-Z]")
        .prop_map(|(a, b, c, d, e, f, g)| format!("{a}{b}{c}{d}{e}{f}{g}"));
    let numeric = ("[0-9]{11}", 0usize..=5).prop_map(|(d, n)| format!("{d}{}", " ".repeat(n)));
    prop_oneof![4 => personal, 1 => numeric]
}

fn digits(n: usize) -> impl Strategy<Value = String> {
    proptest::string::string_regex(&format!("[0-9]{{{n}}}")).unwrap()
}

fn date_in(year: i32) -> impl Strategy<Value = NaiveDate> {
    (1u32..=365).prop_map(move |d| NaiveDate::from_yo_opt(year, d).unwrap())
}

fn cents(min: i64, max: i64) -> impl Strategy<Value = Money> {
    (min..=max).prop_map(Money::from_cents)
}

fn sina(codes: &'static [&'static str]) -> impl Strategy<Value = Sina> {
    (
        (
            code(Mobilita::ALL),
            code(AttivitaVitaQuotidiana::ALL),
            opt_code(DisturbiAreaCognitiva::ALL),
        ),
        (
            code(DisturbiComportamentali::ALL),
            opt_code(NecessitaCureSanitarie::ALL),
            code(AreaReddituale::ALL),
        ),
        (
            code(AreaSupporto::ALL),
            code(FonteDerivazioneValutazione::ALL),
            code(StrumentoValutazione::ALL),
        ),
        opt_code(FonteDerivazioneInvalidita::ALL),
        proptest::collection::vec(select(codes).prop_map(str::to_owned), 0..3),
        proptest::collection::vec(code(InvCiv::ALL), 0..3),
    )
        .prop_map(|((m, a, dc), (dco, n, r), (s, f, st), fi, nec, inv)| Sina {
            mobilita: m,
            attivita_vita_quotidiana: a,
            disturbi_area_cognitiva: dc,
            disturbi_comportamentali: dco,
            necessita_cure_sanitarie: n,
            area_reddituale: r,
            area_supporto: s,
            fonte_derivazione_valutazione: f,
            strumento_valutazione: st,
            fonte_derivazione_invalidita: fi,
            necessita_interventi_sociali: nec,
            invalidita_civile: inv,
        })
}

/// A benefit that satisfies every rule by construction.
fn prestazione() -> impl Strategy<Value = PrestazioneSociale> {
    let codes: &'static [&'static str] =
        Box::leak(table::TABLE.iter().map(|r| r.code).collect::<Vec<_>>().into_boxed_slice());
    (
        (select(codes), any::<bool>(), 2015i32..=2030, any::<bool>(), 3i64..=500_000),
        (
            opt_code(TipoOperazione::ALL),
            code(PresenzaProvaMezzi::ALL),
            text(10, 40),
            "[A-Za-z0-9/]{1,32}",
        ),
        (
            proptest::option::of(1u8..=12),
            proptest::option::of((0u32..400, 0u8..60)),
            code(AreaUtenza::ALL),
            any::<bool>(),
        ),
        (
            proptest::option::of(cents(0, 100_000)),
            proptest::option::of(cents(-100, 5_000_000)),
            any::<bool>(),
            sina(codes),
        ),
        (any::<u64>(), proptest::option::of(date_in(2020))),
    )
        .prop_flat_map(
            |((code, periodic, year, shares, total), rest1, rest2, rest3, (seed, evento))| {
                (
                    Just((code, periodic, year, shares, total, rest1, rest2, rest3, seed, evento)),
                    date_in(year),
                    date_in(year),
                )
            },
        )
        .prop_map(
            |(
                (
                    code,
                    periodic,
                    year,
                    shares,
                    total,
                    (tipo, ppm, label, proto),
                    (periodo, ore, area, dsu),
                    (richiesta, soglia, want_sina, sina),
                    seed,
                    evento,
                ),
                d1,
                d2,
            )| {
                let row = table::lookup(code).unwrap();
                let presa = if row.only_if_presa_in_carico || seed % 3 == 0 {
                    PresaCarico::Yes
                } else {
                    PresaCarico::No
                };
                let (start, end) = if d1 <= d2 { (d1, d2) } else { (d2, d1) };
                let t = Money::from_cents(total);
                // Shares that add up to the total: utente >= 0, ssn > 0 when given, ente > 0.
                let (ente, utente, ssn) = if shares {
                    let seed = i64::try_from(seed % 1_000_000).unwrap();
                    let u = seed % (total - 1);
                    if seed % 2 == 0 {
                        let s = 1 + (seed / 7) % (total - 1 - u);
                        (
                            Some(Money::from_cents(total - u - s)),
                            Some(Money::from_cents(u)),
                            Some(Money::from_cents(s)),
                        )
                    } else {
                        (Some(Money::from_cents(total - u)), Some(Money::from_cents(u)), None)
                    }
                } else {
                    (None, None, None)
                };
                PrestazioneSociale {
                    tipo_operazione: tipo,
                    presenza_prova_mezzi: ppm,
                    carattere: Some(if periodic {
                        CaratterePrestazione::Periodic
                    } else {
                        CaratterePrestazione::OneOff
                    }),
                    numero_protocollo_dsu: dsu.then(|| {
                        format!("INPS-ISEE-{year}-{seed:08}A-00").chars().take(30).collect()
                    }),
                    anno_protocollo_dsu: dsu.then_some(u16::try_from(year).unwrap()),
                    data_dsu: dsu.then_some(start),
                    codice_prestazione: code.to_owned(),
                    denominazione_prestazione: label,
                    protocollo_domanda: proto,
                    data_evento: evento,
                    data_inizio: periodic.then_some(start),
                    data_fine: (periodic && seed % 5 != 0).then_some(end),
                    data_erogazione: (!periodic).then_some(start),
                    importo_prestazione: (!periodic).then_some(t),
                    periodo_erogazione: periodo,
                    importo_mensile: periodic.then_some(t),
                    quota_ente: ente,
                    quota_utente: utente,
                    quota_ssn: ssn,
                    quota_richiesta: richiesta,
                    soglia_isee: soglia,
                    ore_servizio_mensile: ore.map(|(o, m)| OreMinuti::new(o, m).unwrap()),
                    presa_carico: presa,
                    area_utenza: if presa == PresaCarico::Yes || seed % 4 == 0 {
                        Some(area)
                    } else {
                        None
                    },
                    sina: (want_sina && row.sina_linkable).then_some(sina),
                }
            },
        )
}

fn beneficiario() -> impl Strategy<Value = Beneficiario> {
    (
        cf(),
        (
            text(1, 36),
            text(1, 36),
            0u16..=9999,
            "[A-Z][0-9]{3}",
            code(Genere::ALL),
            digits(3),
            proptest::option::of(digits(3)),
        ),
        proptest::collection::vec(
            prop_oneof![
                (digits(2), digits(6)).prop_map(|(r, c)| Indirizzo {
                    codice_regione: Some(r),
                    codice_comune: Some(c),
                    codice_nazione: "380".into()
                }),
                "(00[1-9]|[1-2][0-9]{2}|3[0-79][0-9]|38[1-9]|[4-9][0-9]{2})".prop_map(|n| {
                    Indirizzo { codice_regione: None, codice_comune: None, codice_nazione: n }
                }),
            ],
            1..=5,
        ),
        proptest::collection::vec(prestazione(), 1..4),
    )
        .prop_map(
            |(cf, (cognome, nome, anno, luogo, genere, citt, citt2), indirizzi, prestazioni)| {
                Beneficiario {
                    codice_fiscale: cf,
                    anagrafica: Anagrafica {
                        cognome,
                        nome,
                        anno_nascita: anno,
                        luogo_nascita: luogo,
                        genere,
                        codice_cittadinanza: citt,
                        codice_seconda_cittadinanza: citt2,
                    },
                    indirizzi,
                    prestazioni,
                }
            },
        )
}

fn header(kind: &str) -> IdentificazioneFlusso {
    IdentificazioneFlusso {
        nome: format!("H501.{kind}.20261123.0000001"),
        ente: Ente {
            codice: "H501".into(),
            denominazione: Some("Comune di Roma".into()),
            indirizzo: "H501".into(),
            cf_operatore: "RSSMRA85T10A562S".into(),
        },
    }
}

fn mese_anno() -> impl Strategy<Value = MeseAnno> {
    (1u8..=12, 1900u16..=2099).prop_map(|(m, y)| MeseAnno::new(m, y).unwrap())
}

fn sinba() -> impl Strategy<Value = Sinba> {
    let codes: &'static [&'static str] =
        Box::leak(table::TABLE.iter().map(|r| r.code).collect::<Vec<_>>().into_boxed_slice());
    (
        (
            "[A-Za-z0-9 -]{1,20}",
            code(SiNo::ALL),
            code(CondizioneMinore::ALL),
            code(LuogoVita::ALL),
            code(ScuolaFrequentata::ALL),
            code(CondizioneLavoro::ALL),
        ),
        (
            code(SiNo::ALL),
            opt_code(TipoDisabilita::ALL),
            opt_code(InvCivCertificazioni::ALL),
            proptest::option::of(digits(3)),
            proptest::option::of(digits(2)),
            opt_code(TitoloStudio::ALL),
            opt_code(Occupazione::ALL),
        ),
        (
            mese_anno(),
            code(FonteSegnalazione::ALL),
            code(ValutazioneMinore::ALL),
            code(ValutazioneFamigliaMinore::ALL),
            code(SiNo::ALL),
            proptest::option::of(mese_anno()),
            code(SiNo::ALL),
            proptest::option::of(mese_anno()),
        ),
        (
            opt_code(AutoritaProvvedimento::ALL),
            opt_code(PotestaTutela::ALL),
            opt_code(TipoProvvedimentoGiudiziario::ALL),
            opt_code(FormaInterventoAffido::ALL),
            opt_code(TipoInterventoAffido::ALL),
            opt_code(DurataAffido::ALL),
            opt_code(CarattereAffido::ALL),
            opt_code(EsitoAffido::ALL),
        ),
        (
            opt_code(CarattereInserimentoResidenziale::ALL),
            opt_code(FormaInserimentoResidenziale::ALL),
            opt_code(TipoInserimentoResidenziale::ALL),
            opt_code(EsitoInserimentoStruttura::ALL),
            opt_code(MotivazioneChiusuraCarico::ALL),
            opt_code(SituazioneChiusuraCarico::ALL),
            opt_code(CollaborazioniInterventi::ALL),
        ),
        (
            proptest::option::of(1u8..=9),
            code(FasciaEta::ALL),
            opt_code(FasciaIsee::ALL),
            2000u16..=2030,
            digits(2),
            proptest::collection::vec(select(codes).prop_map(str::to_owned), 1..4),
            proptest::collection::vec(code(ComposizioneFamiglia::ALL), 1..4),
        ),
    )
        .prop_map(
            |(
                (id, msna, cm, lv, sf, cl),
                (dis, td, icc, citt, reg, ts, occ),
                (dps, fs, vm, vfm, sag, ds, pg, dpg),
                (ap, pt, tpg, fia, tia, da, ca, ea),
                (cir, fir, tir, eis, mcc, scc, ci),
                (nci, fe, fi, anno, rr, prest, fam),
            )| Sinba {
                id_beneficiario: id,
                minore_straniero_non_accompagnato: msna,
                condizione_minore: cm,
                luogo_vita: lv,
                scuola_frequentata: sf,
                condizione_lavoro: cl,
                disabilita: dis,
                tipo_disabilita: td,
                inv_civ_certificazioni: icc,
                cittadinanza_padre: citt.clone(),
                cittadinanza_madre: citt,
                regione_residenza_padre: reg.clone(),
                regione_residenza_madre: reg,
                titolo_studio_padre: ts,
                titolo_studio_madre: ts,
                occupazione_padre: occ,
                occupazione_madre: occ,
                data_prima_segnalazione: dps,
                fonte_segnalazione: fs,
                valutazione_minore: vm,
                valutazione_famiglia_minore: vfm,
                segnalazione_autorita_giudiziaria: sag,
                data_segnalazione: ds,
                provvedimento_giudiziario: pg,
                data_provvedimento_giudiziario: dpg,
                autorita_provvedimento: ap,
                potesta_tutela: pt,
                tipo_provvedimento_giudiziario: tpg,
                forma_intervento_affido: fia,
                tipo_intervento_affido: tia,
                durata_affido: da,
                carattere_affido: ca,
                esito_affido: ea,
                carattere_inserimento_residenziale: cir,
                forma_inserimento_residenziale: fir,
                tipo_inserimento_residenziale: tir,
                esito_inserimento_struttura: eis,
                motivazione_chiusura_carico: mcc,
                situazione_chiusura_carico: scc,
                collaborazioni_interventi: ci,
                numero_componenti_isee: nci,
                fascia_eta: fe,
                fascia_isee: fi,
                anno_nascita: anno,
                regione_residenza: Some(rr),
                nazione_residenza: "380".into(),
                prestazioni: prest,
                famiglia: fam,
            },
        )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn ps_write_then_read_is_identity_and_valid(beneficiari in proptest::collection::vec(beneficiario(), 1..4)) {
        let flow = FlussoPs { identificazione: header("PS"), beneficiari };
        let xml = write_ps(&flow).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&read_ps(xml.as_bytes()).unwrap().flow, &flow);
        let report = validate_xml(xml.as_bytes()).unwrap();
        prop_assert!(report.issues.iter().all(|i| !i.is_error()), "{:?}", report.issues);
        if let Some(result) = xmllint(&xml, FlowKind::Ps) {
            prop_assert!(result.is_ok(), "{:?}\n{}", result, xml);
        }
    }

    #[test]
    fn sinba_write_then_read_is_identity_and_valid(schede in proptest::collection::vec(sinba(), 1..4)) {
        let flow = FlussoSinba { identificazione: header("SINBA"), schede };
        let xml = write_sinba(&flow).map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(&read_sinba(xml.as_bytes()).unwrap().flow, &flow);
        if let Some(result) = xmllint(&xml, FlowKind::Sinba) {
            prop_assert!(result.is_ok(), "{:?}\n{}", result, xml);
        }
    }

    #[test]
    fn the_reader_never_panics_on_mangled_input(cut in 0usize..3000, insert in "[<>&\"/= a-zA-Z0-9]{0,8}") {
        let xml = write_ps(&welfare_siuss::examples::ps_bulk_flow()).unwrap();
        let at = xml.char_indices().map(|(i, _)| i).take_while(|i| *i <= cut).last().unwrap_or(0);
        let mangled = format!("{}{}{}", &xml[..at], insert, &xml[at..]);
        let _ = validate_xml(mangled.as_bytes());
        let _ = welfare_siuss::read(mangled.as_bytes());
    }
}

#[test]
fn generated_dates_stay_in_their_year() {
    assert_eq!(NaiveDate::from_yo_opt(2020, 366).unwrap().year(), 2020);
}
