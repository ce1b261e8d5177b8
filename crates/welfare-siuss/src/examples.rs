//! The official examples of the WaaS OpenAPI (`api-comuni.yaml`, `GET /flussi`), decoded and
//! fixed where they are inconsistent, as ready-made flows for documentation and tests.
//!
//! What was fixed in the PS-PSA-SINA example (`H501.PS.20210520.0000002`):
//!
//! 1. `Indirizzo@CodiceRegione` `01` (Piemonte) with `CodiceComune` `068001` (province of
//!    Pescara, Abruzzo): the region becomes `13`.
//! 2. First benefit (A1.16, periodic): shares 52.54 + 21.71 + 0.0 ≠ `ImportoMensile` 101.23,
//!    and `ImportoQuotaSSN` must be greater than zero: the SSN share becomes 26.98, the value the
//!    example's second benefit uses, so the shares add up.
//! 3. Second benefit (A2.16): a `SINA` assessment is not linkable to A2.16: it is removed.
//! 4. Third benefit: label "Telesoccorso e teleassistenza" on code A1.09, whose INPS label is
//!    "Contributi economici per i servizi scolastici": the label becomes the INPS one.
//!
//! What was fixed in the SINBA example (`H501.SINBA.20210520.00000004`):
//!
//! 1. The name has an eight-digit progressive: it becomes `0000004`.
//! 2. `CodiceNazioneResidenza` `380` without `CodiceRegioneResidenza`: region `12` (Lazio, the
//!    region of the sending comune H501) is added.
//! 3. `AnnoNascita` 2005 with `FasciaEtaBeneficiario` `2` (3–6 years) in a flow of 2021: the
//!    band becomes `6` (15–18).
//!
//! The flows keep the example's synthetic identities (`AAABBB39M66A351C`, `PROVA BENEF`).

use chrono::NaiveDate;
use welfare_types::Money;

use crate::codes::{
    AreaReddituale, AreaSupporto, AreaUtenza, AttivitaVitaQuotidiana, AutoritaProvvedimento,
    CaratterePrestazione, ComposizioneFamiglia, CondizioneLavoro, CondizioneMinore,
    DisturbiAreaCognitiva, DisturbiComportamentali, FasciaEta, FasciaIsee,
    FonteDerivazioneInvalidita, FonteDerivazioneValutazione, FonteSegnalazione, Genere, InvCiv,
    InvCivCertificazioni, LuogoVita, Mobilita, NecessitaCureSanitarie, PresaCarico,
    PresenzaProvaMezzi, ScuolaFrequentata, SiNo, StrumentoValutazione, TipoDisabilita,
    TipoOperazione, ValutazioneFamigliaMinore, ValutazioneMinore,
};
use crate::model::{
    Anagrafica, Beneficiario, Ente, FlussoPs, FlussoSinba, IdentificazioneFlusso, Indirizzo,
    MeseAnno, OreMinuti, PrestazioneSociale, Sina, Sinba,
};

fn date(y: i32, m: u32, d: u32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(y, m, d)
}

fn eur(cents: i64) -> Option<Money> {
    Some(Money::from_cents(cents))
}

fn ente(cf_operatore: &str, denominazione: &str) -> Ente {
    Ente {
        codice: "H501".to_owned(),
        denominazione: Some(denominazione.to_owned()),
        indirizzo: "H501".to_owned(),
        cf_operatore: cf_operatore.to_owned(),
    }
}

fn ore(ore: u32, minuti: u8) -> Option<OreMinuti> {
    Some(OreMinuti { ore, minuti })
}

/// The first benefit of the example: A1.16, periodic, with a SINA assessment.
pub fn ps_benefit() -> PrestazioneSociale {
    PrestazioneSociale {
        tipo_operazione: Some(TipoOperazione::Insert),
        presenza_prova_mezzi: PresenzaProvaMezzi::OtherMeansTest,
        carattere: Some(CaratterePrestazione::Periodic),
        numero_protocollo_dsu: None,
        anno_protocollo_dsu: None,
        data_dsu: None,
        codice_prestazione: "A1.16".to_owned(),
        denominazione_prestazione: "Contributi economici per servizio trasporto e mobilità"
            .to_owned(),
        protocollo_domanda: "12356Mari".to_owned(),
        data_evento: date(2020, 10, 13),
        data_inizio: date(2020, 10, 14),
        data_fine: date(2020, 11, 13),
        data_erogazione: None,
        importo_prestazione: None,
        periodo_erogazione: Some(1),
        importo_mensile: eur(10123),
        quota_ente: eur(5254),
        quota_utente: eur(2171),
        quota_ssn: eur(2698),
        quota_richiesta: eur(15164),
        soglia_isee: eur(1_700_000),
        ore_servizio_mensile: ore(2, 59),
        presa_carico: PresaCarico::Yes,
        area_utenza: Some(AreaUtenza::DisabilityAndDependency),
        sina: Some(Sina {
            mobilita: Mobilita::MovesAlone,
            attivita_vita_quotidiana: AttivitaVitaQuotidiana::Autonomous,
            disturbi_area_cognitiva: Some(DisturbiAreaCognitiva::Mild),
            disturbi_comportamentali: DisturbiComportamentali::Absent,
            necessita_cure_sanitarie: Some(NecessitaCureSanitarie::Low),
            area_reddituale: AreaReddituale::Autonomous,
            area_supporto: AreaSupporto::NetworkPresent,
            fonte_derivazione_valutazione: FonteDerivazioneValutazione::Uvm,
            strumento_valutazione: StrumentoValutazione::Svama,
            fonte_derivazione_invalidita: Some(FonteDerivazioneInvalidita::VerifiedCertification),
            necessita_interventi_sociali: vec!["A2.17".to_owned(), "A2.18".to_owned()],
            invalidita_civile: vec![InvCiv::Partial75, InvCiv::TotalWithoutAccompaniment],
        }),
    }
}

/// The beneficiary of the example with its first benefit only.
pub fn ps_beneficiario() -> Beneficiario {
    Beneficiario {
        codice_fiscale: "AAABBB39M66A351C".to_owned(),
        anagrafica: Anagrafica {
            cognome: "AAA".to_owned(),
            nome: "BBB".to_owned(),
            anno_nascita: 1939,
            luogo_nascita: "A351".to_owned(),
            genere: Genere::Female,
            codice_cittadinanza: "380".to_owned(),
            codice_seconda_cittadinanza: None,
        },
        indirizzi: vec![Indirizzo {
            codice_regione: Some("13".to_owned()),
            codice_comune: Some("068001".to_owned()),
            codice_nazione: "380".to_owned(),
        }],
        prestazioni: vec![ps_benefit()],
    }
}

/// A WaaS-ready PS flow: one beneficiary, one benefit (`H501.PS.20210520.0000002`).
pub fn ps_flow() -> FlussoPs {
    FlussoPs {
        identificazione: IdentificazioneFlusso {
            nome: "H501.PS.20210520.0000002".to_owned(),
            ente: ente("CCCDDD25A42H199X", "aaaaa"),
        },
        beneficiari: vec![ps_beneficiario()],
    }
}

/// The XML of [`ps_flow`].
pub fn ps_flow_xml() -> String {
    crate::write::write_ps(&ps_flow()).unwrap_or_default()
}

/// The whole example: one beneficiary with its three benefits (a bulk flow, not a WaaS one).
pub fn ps_bulk_flow() -> FlussoPs {
    let mut flow = ps_flow();
    let second = PrestazioneSociale {
        codice_prestazione: "A2.16".to_owned(),
        denominazione_prestazione: "Interventi di supporto per reperimento alloggi".to_owned(),
        data_inizio: date(2020, 11, 14),
        data_fine: date(2020, 12, 13),
        sina: None,
        ..ps_benefit()
    };
    let third = PrestazioneSociale {
        tipo_operazione: Some(TipoOperazione::Insert),
        presenza_prova_mezzi: PresenzaProvaMezzi::OtherMeansTest,
        carattere: Some(CaratterePrestazione::OneOff),
        codice_prestazione: "A1.09".to_owned(),
        denominazione_prestazione: "Contributi economici per i servizi scolastici".to_owned(),
        protocollo_domanda: "test".to_owned(),
        data_evento: date(2020, 10, 13),
        data_inizio: None,
        data_fine: None,
        data_erogazione: date(2020, 12, 1),
        importo_prestazione: eur(126_523),
        periodo_erogazione: None,
        importo_mensile: None,
        quota_ente: eur(96_769),
        quota_utente: eur(15_556),
        quota_ssn: eur(14_198),
        quota_richiesta: eur(35_164),
        soglia_isee: eur(3_430_800),
        presa_carico: PresaCarico::No,
        area_utenza: None,
        sina: None,
        ..ps_benefit()
    };
    if let Some(b) = flow.beneficiari.first_mut() {
        b.prestazioni.push(second);
        b.prestazioni.push(third);
    }
    flow
}

/// The SINBA record of the example.
pub fn sinba_record() -> Sinba {
    Sinba {
        id_beneficiario: "PROVA BENEF".to_owned(),
        minore_straniero_non_accompagnato: SiNo::Yes,
        condizione_minore: CondizioneMinore::NotOrphan,
        luogo_vita: LuogoVita::OwnFamily,
        scuola_frequentata: ScuolaFrequentata::None,
        condizione_lavoro: CondizioneLavoro::Inactive,
        disabilita: SiNo::Yes,
        tipo_disabilita: Some(TipoDisabilita::Physical),
        inv_civ_certificazioni: Some(InvCivCertificazioni::Partial75),
        cittadinanza_padre: None,
        cittadinanza_madre: None,
        regione_residenza_padre: None,
        regione_residenza_madre: None,
        titolo_studio_padre: None,
        titolo_studio_madre: None,
        occupazione_padre: None,
        occupazione_madre: None,
        data_prima_segnalazione: MeseAnno { mese: 1, anno: 2010 },
        fonte_segnalazione: FonteSegnalazione::JuvenileJusticeSocialService,
        valutazione_minore: ValutazioneMinore::None,
        valutazione_famiglia_minore: ValutazioneFamigliaMinore::None,
        segnalazione_autorita_giudiziaria: SiNo::Yes,
        data_segnalazione: Some(MeseAnno { mese: 6, anno: 2016 }),
        provvedimento_giudiziario: SiNo::Yes,
        data_provvedimento_giudiziario: Some(MeseAnno { mese: 3, anno: 2012 }),
        autorita_provvedimento: Some(AutoritaProvvedimento::GiudiceTutelare),
        potesta_tutela: None,
        tipo_provvedimento_giudiziario: None,
        forma_intervento_affido: None,
        tipo_intervento_affido: None,
        durata_affido: None,
        carattere_affido: None,
        esito_affido: None,
        carattere_inserimento_residenziale: None,
        forma_inserimento_residenziale: None,
        tipo_inserimento_residenziale: None,
        esito_inserimento_struttura: None,
        motivazione_chiusura_carico: None,
        situazione_chiusura_carico: None,
        collaborazioni_interventi: None,
        numero_componenti_isee: Some(9),
        fascia_eta: FasciaEta::From15To18,
        fascia_isee: Some(FasciaIsee::Zero),
        anno_nascita: 2005,
        regione_residenza: Some("12".to_owned()),
        nazione_residenza: "380".to_owned(),
        prestazioni: vec!["A1.02".to_owned(), "A2.06".to_owned()],
        famiglia: vec![ComposizioneFamiglia::Mother, ComposizioneFamiglia::Father],
    }
}

/// The SINBA example (two benefit codes: a bulk flow; split it for WaaS).
pub fn sinba_flow() -> FlussoSinba {
    FlussoSinba {
        identificazione: IdentificazioneFlusso {
            nome: "H501.SINBA.20210520.0000004".to_owned(),
            ente: ente("GHBLDE25A42H199X", "COMUNE DI ROMA"),
        },
        schede: vec![sinba_record()],
    }
}
