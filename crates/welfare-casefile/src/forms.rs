//! Assessment forms: definition (schema) + version + data-driven migration + scoring.
//!
//! Built-in forms: [`sina`] (SIUSS SINA block, codes of `PS_PSA_SINA201812.xsd`), [`sinba`]
//! (SIUSS SINBA record, codes of `SINBA.xsd`) and [`barthel`] (Barthel index, Mahoney & Barthel
//! 1965, with the Shah 1989 bands). Item codes are the XSD attribute names, so a response maps
//! one-to-one onto the flow.
//!
//! ```
//! use std::collections::BTreeMap;
//! use welfare_casefile::forms::{self, Answer, FormRegistry, FormResponse};
//!
//! let registry = FormRegistry::builtin();
//! let mut answers = BTreeMap::new();
//! for (item, points) in [("feeding", 10), ("bathing", 0), ("grooming", 5), ("dressing", 5),
//!     ("bowels", 10), ("bladder", 10), ("toilet", 5), ("transfers", 10), ("mobility", 10),
//!     ("stairs", 0)] {
//!     answers.insert(item.to_string(), Answer::Code(points));
//! }
//! let response = FormResponse { form: "barthel".into(), version: 1, answers };
//! let score = registry.score(&response)?.unwrap();
//! assert_eq!(score.total, 65);
//! assert_eq!(score.band.as_deref(), Some("dipendenza moderata"));
//! # Ok::<(), welfare_casefile::Error>(())
//! ```

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::access::SpecialCategory;
use crate::error::{Error, Result};
use crate::intervention::CodicePrestazione;

/// What an item accepts.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ItemKind {
    /// One code among the options.
    Choice {
        /// Code → label.
        options: BTreeMap<u8, String>,
    },
    /// Any number of codes among the options.
    MultiChoice {
        /// Code → label.
        options: BTreeMap<u8, String>,
    },
    /// A list of INPS codici prestazione.
    Prestazioni,
    /// A month and year (`MM/AAAA` in SINBA).
    MonthYear,
    /// A whole number between bounds.
    Integer {
        /// Least value.
        min: i64,
        /// Greatest value.
        max: i64,
    },
    /// Free text.
    Text,
}

/// One item of a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FormItem {
    /// Item code (the XSD attribute name for SIUSS forms).
    pub code: String,
    /// Label.
    pub label: String,
    /// What it accepts.
    pub kind: ItemKind,
    /// Whether an answer is required.
    pub required: bool,
}

/// A score band: totals from `min` to `max` (both included) get `label`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScoreBand {
    /// Least total.
    pub min: i64,
    /// Greatest total.
    pub max: i64,
    /// Label.
    pub label: String,
}

/// How a form is scored.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Scoring {
    /// The total is the sum of the chosen option codes (the codes are the points).
    SumOfCodes {
        /// Bands, which must cover every reachable total without overlap.
        bands: Vec<ScoreBand>,
    },
}

/// A form definition: the schema of a version of a form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FormDefinition {
    /// Form key, e.g. `sina`.
    pub form: String,
    /// Version, from 1.
    pub version: u32,
    /// Title.
    pub title: String,
    /// Items.
    pub items: Vec<FormItem>,
    /// Scoring, where the form has one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scoring: Option<Scoring>,
    /// Special categories of data the form holds (drives redaction).
    pub special_categories: BTreeSet<SpecialCategory>,
}

/// An answer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Answer {
    /// One code.
    Code(u8),
    /// Several codes.
    Codes(BTreeSet<u8>),
    /// INPS codes.
    Prestazioni(Vec<CodicePrestazione>),
    /// Month and year.
    MonthYear {
        /// Month 1–12.
        month: u32,
        /// Year.
        year: i32,
    },
    /// Whole number.
    Integer(i64),
    /// Text.
    Text(String),
}

/// A filled-in form.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FormResponse {
    /// Form key.
    pub form: String,
    /// Version of the definition the answers follow.
    pub version: u32,
    /// Answers by item code.
    pub answers: BTreeMap<String, Answer>,
}

/// A migration from one version of a form to the next, as data.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Migration {
    /// Form key.
    pub form: String,
    /// Source version.
    pub from: u32,
    /// Target version (`from + 1`).
    pub to: u32,
    /// Items renamed: old code → new code.
    #[serde(default)]
    pub rename: BTreeMap<String, String>,
    /// Option codes recoded per (new) item code: old code → new code.
    #[serde(default)]
    pub recode: BTreeMap<String, BTreeMap<u8, u8>>,
    /// Items dropped.
    #[serde(default)]
    pub drop: BTreeSet<String>,
}

/// A computed score.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Score {
    /// Total.
    pub total: i64,
    /// Band label, when a band covers the total.
    pub band: Option<String>,
}

/// Form definitions by key and version, with their migrations.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FormRegistry {
    /// Definitions: form key → version → definition.
    pub definitions: BTreeMap<String, BTreeMap<u32, FormDefinition>>,
    /// Migrations.
    pub migrations: Vec<Migration>,
}

fn options(list: &[(u8, &str)]) -> BTreeMap<u8, String> {
    list.iter().map(|(c, l)| (*c, (*l).to_owned())).collect()
}

fn choice(code: &str, label: &str, required: bool, list: &[(u8, &str)]) -> FormItem {
    FormItem {
        code: code.to_owned(),
        label: label.to_owned(),
        kind: ItemKind::Choice { options: options(list) },
        required,
    }
}

fn multi(code: &str, label: &str, list: &[(u8, &str)]) -> FormItem {
    FormItem {
        code: code.to_owned(),
        label: label.to_owned(),
        kind: ItemKind::MultiChoice { options: options(list) },
        required: false,
    }
}

fn numbered(labels: &[&'static str]) -> Vec<(u8, &'static str)> {
    labels.iter().zip(1u8..).map(|(l, c)| (c, *l)).collect()
}

fn cats(list: &[SpecialCategory]) -> BTreeSet<SpecialCategory> {
    list.iter().copied().collect()
}

/// The SINA block (PS_PSA_SINA201812.xsd, element `SINA`), version 1.
pub fn sina() -> FormDefinition {
    FormDefinition {
        form: "sina".into(),
        version: 1,
        title: "SINA – valutazione della non autosufficienza".into(),
        items: vec![
            choice(
                "Mobilita",
                "Mobilità",
                true,
                &numbered(&["si sposta da solo", "si sposta assistito", "non si sposta"]),
            ),
            choice(
                "AttivitaVitaQuotidiana",
                "Attività della vita quotidiana",
                true,
                &numbered(&["autonomo", "parzialmente dipendente", "totalmente dipendente"]),
            ),
            choice(
                "DisturbiAreaCognitiva",
                "Disturbi dell'area cognitiva",
                false,
                &numbered(&["lievi", "moderati", "gravi"]),
            ),
            choice(
                "DisturbiComportamentali",
                "Disturbi comportamentali",
                true,
                &numbered(&["assenti", "presenti"]),
            ),
            choice(
                "NecessitaCureSanitarie",
                "Necessità di cure sanitarie",
                false,
                &numbered(&["bassa", "media", "alta"]),
            ),
            choice(
                "AreaReddituale",
                "Area reddituale",
                true,
                &numbered(&[
                    "autonomo / in equilibrio",
                    "aiutato da parenti o altri",
                    "in stato di bisogno senza aiuti",
                ]),
            ),
            choice(
                "AreaSupporto",
                "Area supporto",
                true,
                &numbered(&[
                    "rete familiare o informale presente",
                    "parziale o temporanea",
                    "assente",
                ]),
            ),
            choice(
                "FonteDerivazioneValutazione",
                "Fonte della valutazione",
                true,
                &numbered(&[
                    "UVM",
                    "cartella sociale",
                    "altra documentazione",
                    "rilevazione diretta",
                ]),
            ),
            choice(
                "StrumentoValutazione",
                "Strumento di valutazione",
                true,
                &numbered(&["SVAMA", "AGED", "RUG", "SOSIA", "Schema polare", "VALGRAF", "altro"]),
            ),
            choice(
                "FonteDerivazioneInvalidita",
                "Fonte dell'invalidità",
                false,
                &numbered(&["certificazione verificata", "autodichiarazione"]),
            ),
            FormItem {
                code: "NecessitaInterventiSociali".into(),
                label: "Interventi sociali necessari (codici prestazione)".into(),
                kind: ItemKind::Prestazioni,
                required: false,
            },
            multi(
                "InvaliditaCivile",
                "Invalidità civile",
                &numbered(&[
                    "invalidità civile >= 75%",
                    "100% con indennità di accompagnamento",
                    "100% senza indennità di accompagnamento",
                    "certificazione NPI",
                    "L. 104 art. 3 c. 1",
                    "L. 104 art. 3 c. 3",
                    "L. 104 art. 12",
                    "L. 104 art. 13",
                ]),
            ),
        ],
        scoring: None,
        special_categories: cats(&[SpecialCategory::Health, SpecialCategory::Disability]),
    }
}

/// The SINBA record (SINBA.xsd, element `SINBA`), version 1.
pub fn sinba() -> FormDefinition {
    let yes_no = [(1, "sì"), (2, "no")];
    let inserimento_esito = numbered(&[
        "famiglia d'origine",
        "famiglia affidataria",
        "adottato",
        "altra struttura socio-educativa",
        "struttura sanitaria",
        "reso autonomo",
        "rimpatriato",
        "sconosciuto",
        "altro",
    ]);
    FormDefinition {
        form: "sinba".into(),
        version: 1,
        title: "SINBA – minori e famiglie".into(),
        items: vec![
            choice("MinoreStranieroNoAcc", "Minore straniero non accompagnato", true, &yes_no),
            choice(
                "CondizioneMinore",
                "Condizione del minore",
                true,
                &numbered(&[
                    "non orfano",
                    "orfano di entrambi",
                    "orfano di padre",
                    "orfano di madre",
                    "genitori sconosciuti",
                ]),
            ),
            choice(
                "LuogoVita",
                "Luogo di vita",
                true,
                &numbered(&[
                    "famiglia propria",
                    "parenti",
                    "famiglia affidataria",
                    "struttura residenziale sociale",
                    "struttura residenziale sanitaria",
                    "IPM",
                    "amici / conoscenti",
                    "senza dimora",
                ]),
            ),
            choice(
                "ScuolaFrequentata",
                "Scuola frequentata",
                true,
                &numbered(&[
                    "nessuna",
                    "struttura",
                    "nido",
                    "scuola dell'infanzia",
                    "primaria",
                    "secondaria di primo grado",
                    "secondaria di secondo grado",
                    "formazione professionale",
                ]),
            ),
            choice(
                "CondizioneLavoro",
                "Condizione lavorativa",
                true,
                &numbered(&[
                    "inattivo",
                    "occupato",
                    "disoccupato in cerca",
                    "in cerca di prima occupazione",
                ]),
            ),
            choice("Disabilita", "Disabilità", true, &yes_no),
            choice(
                "TipoDisabilita",
                "Tipo di disabilità",
                false,
                &numbered(&["fisica", "psichica", "sensoriale", "plurima"]),
            ),
            choice(
                "InvCivCertificazioni",
                "Certificazioni di invalidità",
                false,
                &numbered(&[
                    ">= 75%",
                    "100% con accompagnamento",
                    "100% senza accompagnamento",
                    "NPI",
                    "L. 104",
                ]),
            ),
            FormItem {
                code: "DataPrimaSegnalazione".into(),
                label: "Data prima segnalazione (MM/AAAA)".into(),
                kind: ItemKind::MonthYear,
                required: true,
            },
            choice(
                "FonteSegnalazione",
                "Fonte della segnalazione",
                true,
                &numbered(&[
                    "servizio sociale giustizia minorile",
                    "altro servizio sociale",
                    "servizi sanitari / MMG / PLS",
                    "privato sociale / volontariato",
                    "forze dell'ordine",
                    "il minore",
                    "affidatari / tutore",
                    "genitori / fratelli / parenti conviventi",
                    "parenti non conviventi",
                    "tribunale ordinario",
                    "autorità giudiziaria minorile",
                    "professionista privato",
                    "scuola",
                    "vicini / conoscenti",
                ]),
            ),
            choice(
                "ValutazioneMinore",
                "Valutazione del minore (prevalente)",
                true,
                &numbered(&[
                    "nessuna",
                    "relazionale / comportamentale",
                    "dipendenze",
                    "presunto abbandono",
                    "salute",
                    "violenza sessuale / prostituzione / tratta / pedopornografia",
                    "altra violenza / maltrattamento",
                    "devianza grave",
                    "autonomia / disabilità",
                    "coinvolto in procedimento penale",
                    "gravidanza / madre minorenne",
                    "minore straniero non accompagnato",
                    "abbandono scolastico",
                ]),
            ),
            choice(
                "ValutazioneFamigliaMinore",
                "Valutazione della famiglia (prevalente)",
                true,
                &numbered(&[
                    "nessuna",
                    "fragilità / inadeguatezza genitoriale",
                    "dipendenze",
                    "psichiatrica",
                    "altra salute",
                    "grave conflittualità",
                    "famiglia maltrattante",
                    "famiglia abusante",
                    "problemi giudiziari",
                    "fallimento affido preadottivo nel primo anno",
                    "inadempienza obblighi sanitari",
                    "difficoltà economiche",
                    "difficoltà abitative",
                ]),
            ),
            choice(
                "SegnalazioneAutoritaGiudiziaria",
                "Segnalazione all'autorità giudiziaria",
                true,
                &yes_no,
            ),
            FormItem {
                code: "DataSegnalazione".into(),
                label: "Data segnalazione (MM/AAAA)".into(),
                kind: ItemKind::MonthYear,
                required: false,
            },
            choice("ProvvedimentoGiudiziario", "Provvedimento giudiziario", true, &yes_no),
            FormItem {
                code: "DataProvvedimentoGiudiziario".into(),
                label: "Data provvedimento (MM/AAAA)".into(),
                kind: ItemKind::MonthYear,
                required: false,
            },
            choice(
                "AutoritaProvvedimento",
                "Autorità del provvedimento",
                false,
                &numbered(&[
                    "giudice tutelare",
                    "tribunale per i minorenni",
                    "procura per i minorenni",
                    "tribunale ordinario",
                ]),
            ),
            choice(
                "PotestaTutela",
                "Responsabilità genitoriale / tutela",
                false,
                &numbered(&[
                    "sospensione",
                    "decadenza",
                    "prescrizioni ai genitori",
                    "tutela a parenti / altri",
                    "curatela",
                ]),
            ),
            choice(
                "TipoProvvedimentoGiudiziario",
                "Tipo di provvedimento",
                false,
                &numbered(&[
                    "adottabilità",
                    "adozione nazionale",
                    "adozione internazionale",
                    "affido familiare",
                    "affidamento al servizio sociale",
                    "affidamento a un genitore",
                    "vigilanza",
                    "post-adozione / allontanamento d'urgenza (art. 403 c.c.)",
                ]),
            ),
            choice(
                "FormaInterventoAffido",
                "Forma dell'affido",
                false,
                &numbered(&["consensuale", "giudiziale"]),
            ),
            choice(
                "TipoInterventoAffido",
                "Tipo di affido",
                false,
                &numbered(&["intrafamiliare", "eterofamiliare"]),
            ),
            choice(
                "DurataAffido",
                "Durata dell'affido",
                false,
                &numbered(&["tempo pieno", "tempo parziale"]),
            ),
            choice(
                "CarattereAffido",
                "Carattere dell'affido",
                false,
                &numbered(&["residenziale", "diurno"]),
            ),
            choice(
                "EsitoAffido",
                "Esito dell'affido",
                false,
                &numbered(&[
                    "rientro in famiglia d'origine",
                    "altra famiglia",
                    "adottato",
                    "struttura socio-educativa",
                    "struttura sanitaria",
                    "vita autonoma",
                    "rimpatriato",
                    "sconosciuto",
                    "altro",
                ]),
            ),
            choice(
                "CarattereInserimentoResidenziale",
                "Carattere dell'inserimento residenziale",
                false,
                &numbered(&[
                    "familiare – abitativa",
                    "familiare – protezione",
                    "familiare – socio-educativa",
                    "comunitaria – pronta accoglienza",
                    "comunitaria – abitativa",
                    "comunitaria – protezione",
                    "comunitaria – socio-educativa",
                    "comunitaria – educativo-psicologica",
                    "comunitaria – bassa integrazione socio-sanitaria",
                    "comunitaria – media/alta integrazione socio-sanitaria",
                ]),
            ),
            choice(
                "FormaInserimentoResidenziale",
                "Forma dell'inserimento residenziale",
                false,
                &numbered(&["consensuale", "giudiziale"]),
            ),
            choice(
                "TipoInserimentoResidenziale",
                "Tipo di inserimento residenziale",
                false,
                &numbered(&["con genitore", "senza genitore"]),
            ),
            choice(
                "EsitoInserimentoStruttura",
                "Esito dell'inserimento in struttura",
                false,
                &inserimento_esito,
            ),
            choice(
                "MotivazioneChiusuraCarico",
                "Motivo di chiusura della presa in carico",
                false,
                &numbered(&[
                    "trasferimento ad altro ambito stessa regione",
                    "altra regione",
                    "maggiore età",
                    "bisogno risolto",
                    "uscita richiesta",
                    "rimpatrio",
                    "irreperibile",
                    "decesso",
                    "altro",
                ]),
            ),
            choice(
                "SituazioneChiusuraCarico",
                "Situazione alla chiusura",
                false,
                &numbered(&[
                    "famiglia d'origine",
                    "vita autonoma",
                    "resta con famiglia affidataria dopo i 18 anni",
                    "resta in struttura sociale dopo i 18 anni",
                    "struttura sanitaria",
                    "adottato",
                    "carcere",
                    "sconosciuta",
                ]),
            ),
            choice(
                "CollaborazioniInterventi",
                "Collaborazioni (prevalente)",
                false,
                &numbered(&[
                    "SERT",
                    "NPI",
                    "psicologia",
                    "consultorio / DSM",
                    "altri servizi sociali",
                    "USSM",
                    "scuola",
                    "terzo settore / volontariato",
                    "altro",
                ]),
            ),
            FormItem {
                code: "NumeroComponentiISEE".into(),
                label: "Componenti del nucleo ISEE".into(),
                kind: ItemKind::Integer { min: 1, max: 9 },
                required: false,
            },
            choice(
                "FasciaEtaBeneficiario",
                "Fascia d'età",
                true,
                &numbered(&["0-3", "3-6", "6-9", "9-12", "12-15", "15-18"]),
            ),
            choice(
                "FasciaISEEBeneficiario",
                "Fascia ISEE",
                false,
                &numbered(&[
                    "ISEE = 0",
                    "0,01-3.000",
                    "3.000,01-6.000",
                    "6.000,01-9.000",
                    "9.000,01-12.000",
                    "12.000,01-15.000",
                    "15.000,01-20.000",
                    "oltre 20.000",
                ]),
            ),
            multi(
                "ComposizioneFamiglia",
                "Composizione della famiglia",
                &numbered(&[
                    "madre",
                    "padre",
                    "fratelli",
                    "nonni",
                    "partner della madre / del padre",
                    "altri conviventi",
                ]),
            ),
            FormItem {
                code: "Prestazioni".into(),
                label: "Prestazioni (codici)".into(),
                kind: ItemKind::Prestazioni,
                required: true,
            },
        ],
        scoring: None,
        special_categories: cats(&[
            SpecialCategory::Minors,
            SpecialCategory::Health,
            SpecialCategory::Justice,
        ]),
    }
}

/// The Barthel index (Mahoney & Barthel 1965), version 1: option codes are the points.
/// Bands of Shah, Vanclay & Cooper (1989): 0–24 totale, 25–49 grave, 50–74 moderata,
/// 75–90 lieve, 91–99 minima, 100 autosufficiente. (SISO leaves 24 unlabelled; here it is
/// "totale".)
pub fn barthel() -> FormDefinition {
    let pts = |code: &str, label: &str, list: &[(u8, &str)]| choice(code, label, true, list);
    FormDefinition {
        form: "barthel".into(),
        version: 1,
        title: "Indice di Barthel".into(),
        items: vec![
            pts(
                "feeding",
                "Alimentazione",
                &[(0, "dipendente"), (5, "con aiuto"), (10, "autonomo")],
            ),
            pts("bathing", "Fare il bagno", &[(0, "dipendente"), (5, "autonomo")]),
            pts("grooming", "Igiene personale", &[(0, "dipendente"), (5, "autonomo")]),
            pts("dressing", "Vestirsi", &[(0, "dipendente"), (5, "con aiuto"), (10, "autonomo")]),
            pts(
                "bowels",
                "Controllo intestinale",
                &[(0, "incontinente"), (5, "occasionale"), (10, "continente")],
            ),
            pts(
                "bladder",
                "Controllo vescicale",
                &[(0, "incontinente"), (5, "occasionale"), (10, "continente")],
            ),
            pts(
                "toilet",
                "Uso del gabinetto",
                &[(0, "dipendente"), (5, "con aiuto"), (10, "autonomo")],
            ),
            pts(
                "transfers",
                "Trasferimenti letto-sedia",
                &[(0, "incapace"), (5, "grande aiuto"), (10, "piccolo aiuto"), (15, "autonomo")],
            ),
            pts(
                "mobility",
                "Deambulazione",
                &[(0, "immobile"), (5, "in carrozzina"), (10, "con aiuto"), (15, "autonomo")],
            ),
            pts("stairs", "Scale", &[(0, "incapace"), (5, "con aiuto"), (10, "autonomo")]),
        ],
        scoring: Some(Scoring::SumOfCodes {
            bands: vec![
                ScoreBand { min: 0, max: 24, label: "dipendenza totale".into() },
                ScoreBand { min: 25, max: 49, label: "dipendenza grave".into() },
                ScoreBand { min: 50, max: 74, label: "dipendenza moderata".into() },
                ScoreBand { min: 75, max: 90, label: "dipendenza lieve".into() },
                ScoreBand { min: 91, max: 99, label: "dipendenza minima".into() },
                ScoreBand { min: 100, max: 100, label: "autosufficiente".into() },
            ],
        }),
        special_categories: cats(&[SpecialCategory::Health, SpecialCategory::Disability]),
    }
}

impl FormRegistry {
    /// The built-in forms: SINA, SINBA and Barthel, version 1 each.
    pub fn builtin() -> FormRegistry {
        let mut registry = FormRegistry::default();
        registry.add(sina());
        registry.add(sinba());
        registry.add(barthel());
        registry
    }

    /// Adds (or replaces) a definition.
    pub fn add(&mut self, definition: FormDefinition) {
        self.definitions
            .entry(definition.form.clone())
            .or_default()
            .insert(definition.version, definition);
    }

    /// The definition of `form` at `version`.
    pub fn get(&self, form: &str, version: u32) -> Result<&FormDefinition> {
        self.definitions
            .get(form)
            .and_then(|v| v.get(&version))
            .ok_or_else(|| Error::invalid("form", "unknown form or version"))
    }

    /// The latest version of `form`.
    pub fn latest(&self, form: &str) -> Result<&FormDefinition> {
        self.definitions
            .get(form)
            .and_then(|v| v.values().next_back())
            .ok_or_else(|| Error::invalid("form", "unknown form"))
    }

    /// Checks a response against its definition: every answer names an item, fits its kind,
    /// and every required item is answered.
    pub fn validate(&self, response: &FormResponse) -> Result<()> {
        let def = self.get(&response.form, response.version)?;
        for code in response.answers.keys() {
            if !def.items.iter().any(|i| &i.code == code) {
                return Err(Error::Invalid {
                    field: format!("{}.{}", response.form, code),
                    problem: "is not an item of the form".into(),
                });
            }
        }
        for item in &def.items {
            let field = || format!("{}.{}", response.form, item.code);
            let Some(answer) = response.answers.get(&item.code) else {
                if item.required {
                    return Err(Error::Invalid { field: field(), problem: "is required".into() });
                }
                continue;
            };
            let ok = match (&item.kind, answer) {
                (ItemKind::Choice { options }, Answer::Code(c)) => options.contains_key(c),
                (ItemKind::MultiChoice { options }, Answer::Codes(cs)) => {
                    cs.iter().all(|c| options.contains_key(c))
                }
                (ItemKind::Prestazioni, Answer::Prestazioni(_)) => true,
                (ItemKind::MonthYear, Answer::MonthYear { month, year }) => {
                    (1..=12).contains(month) && (1900..=2099).contains(year)
                }
                (ItemKind::Integer { min, max }, Answer::Integer(n)) => (*min..=*max).contains(n),
                (ItemKind::Text, Answer::Text(_)) => true,
                _ => false,
            };
            if !ok {
                return Err(Error::Invalid {
                    field: field(),
                    problem: "answer does not fit the item's codes or kind".into(),
                });
            }
        }
        Ok(())
    }

    /// Migrates a response, step by step, to version `to`.
    pub fn migrate(&self, response: &FormResponse, to: u32) -> Result<FormResponse> {
        let mut out = response.clone();
        while out.version < to {
            let step = self
                .migrations
                .iter()
                .find(|m| m.form == out.form && m.from == out.version && m.to == out.version + 1)
                .ok_or_else(|| {
                    Error::invalid("form.version", "no migration to the next version")
                })?;
            let mut answers = BTreeMap::new();
            for (code, answer) in &out.answers {
                if step.drop.contains(code) {
                    continue;
                }
                let new_code = step.rename.get(code).unwrap_or(code).clone();
                let answer = match (step.recode.get(&new_code), answer) {
                    (Some(map), Answer::Code(c)) => Answer::Code(*map.get(c).unwrap_or(c)),
                    (Some(map), Answer::Codes(cs)) => {
                        Answer::Codes(cs.iter().map(|c| *map.get(c).unwrap_or(c)).collect())
                    }
                    (_, other) => other.clone(),
                };
                answers.insert(new_code, answer);
            }
            out = FormResponse { form: out.form, version: step.to, answers };
        }
        if out.version != to {
            return Err(Error::invalid("form.version", "cannot migrate to an older version"));
        }
        self.validate(&out)?;
        Ok(out)
    }

    /// The score of a response, `None` when the form has no scoring.
    pub fn score(&self, response: &FormResponse) -> Result<Option<Score>> {
        self.validate(response)?;
        let def = self.get(&response.form, response.version)?;
        let Some(Scoring::SumOfCodes { bands }) = &def.scoring else {
            return Ok(None);
        };
        let mut total = 0i64;
        for answer in response.answers.values() {
            match answer {
                Answer::Code(c) => total += i64::from(*c),
                Answer::Codes(cs) => total += cs.iter().map(|c| i64::from(*c)).sum::<i64>(),
                _ => {}
            }
        }
        let band = bands.iter().find(|b| b.min <= total && total <= b.max).map(|b| b.label.clone());
        Ok(Some(Score { total, band }))
    }
}
