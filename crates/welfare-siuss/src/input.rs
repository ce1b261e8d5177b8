//! The input description `welfare siuss export` reads: a YAML or JSON document listing the
//! beneficiaries and their benefits (PS-PSA-SINA) or the minors (SINBA) in the codings a
//! comune's registry has, converted here to the codings SIUSS wants.
//!
//! ```yaml
//! ente:
//!   codice: H501                    # Ente@Codice (Belfiore code for comuni)
//!   denominazione: Comune di Roma   # optional
//!   indirizzo: H501                 # optional, defaults to codice
//!   cf_operatore: RSSMRA85T10A562S
//! data_invio: 2026-11-23            # the day in the flow name; the date residences are read on
//! progressivo: 1                    # daily progressive of the flow name, default 1
//! beneficiari:                      # PS-PSA-SINA
//!   - codice_fiscale: RSSMRA85T10A562S
//!     cognome: ROSSI
//!     nome: MARIO
//!     data_nascita: 1985-12-10      # or anno_nascita: 1985
//!     luogo_nascita: A562           # Belfiore/Z code or name ("Roma (RM)", "Albania")
//!     genere: M                     # M, F, 1 or 2
//!     cittadinanza: IT              # ISO alpha-2, Z code, ISO numeric, 990, or a name
//!     residenze:
//!       - comune: H501              # Belfiore, ISTAT code or name; omit for abroad
//!         nazione: IT               # default IT
//!     prestazioni:                  # attributes of PrestazioniSociali by their XSD names
//!       - PresenzaProvaMezzi: "1"
//!         CaratterePrestazione: "1"
//!         CodicePrestazione: A1.04
//!         ProtocolloDomanda: "2026/0001"
//!         DataInizioPrestazione: 2026-01-01
//!         ImportoMensile: "250.00"
//!         PresaCarico: "2"
//! minori:                           # SINBA
//!   - id_beneficiario: H501-000042  # pseudonymous, supplied by the caller
//!     data_nascita: 2015-03-02      # gives AnnoNascita and FasciaEtaBeneficiario
//!     isee: "4500.00"               # optional, gives FasciaISEEBeneficiario
//!     residenza: { comune: H501 }
//!     dati:                         # the other SINBA attributes by their XSD names
//!       MinoreStranieroNoAcc: "2"
//!       CondizioneMinore: "1"
//!     prestazioni: [A2.02]
//!     famiglia: ["1", "3"]
//! ```
//!
//! `DenominazionePrestazione` defaults to the label of the INPS table. A
//! `welfare_casefile::siuss::PrestazioneSociale` (a delivery of a case file, serialized with
//! the same XSD names) is a valid `prestazioni` entry as it is, without its `SINA`. The codice fiscale is
//! only checked against the XSD pattern (and its check character by `welfare_types` when it is
//! a personal one); the SINBA `IDBeneficiario` is used as given and never derived from it.

use std::collections::BTreeMap;

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use welfare_types::Money;

use crate::codes::{ComposizioneFamiglia, FasciaEta, FasciaIsee, Genere};
use crate::convert::{self, ITALIA_ISO};
use crate::error::SiussError;
use crate::model::{
    Anagrafica, Beneficiario, Ente, IdentificazioneFlusso, Indirizzo, PrestazioneSociale, Sinba,
};
use crate::naming::NomeFlusso;
use crate::read::{sinba_from_attrs, FlowKind};
use crate::table;

fn one() -> u32 {
    1
}

/// The whole input document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ExportInput {
    /// The sending body.
    pub ente: EnteInput,
    /// The day of sending (flow name; reference date of residences and age bands).
    pub data_invio: NaiveDate,
    /// Daily progressive of the flow name.
    #[serde(default = "one")]
    pub progressivo: u32,
    /// Beneficiaries of a PS-PSA-SINA flow.
    #[serde(default)]
    pub beneficiari: Vec<BeneficiarioInput>,
    /// Minors of a SINBA flow.
    #[serde(default)]
    pub minori: Vec<MinoreInput>,
}

/// The sending body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct EnteInput {
    /// `Ente@Codice`.
    pub codice: String,
    /// `Ente@Denominazione`.
    #[serde(default)]
    pub denominazione: Option<String>,
    /// `Ente@Indirizzo` (Belfiore code of the registered office); defaults to `codice`.
    #[serde(default)]
    pub indirizzo: Option<String>,
    /// `Ente@CFOperatore`.
    pub cf_operatore: String,
}

/// A residence.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ResidenzaInput {
    /// Comune (Belfiore, ISTAT code or name) when in Italy.
    #[serde(default)]
    pub comune: Option<String>,
    /// State (ISO alpha-2, Z code, ISO numeric or name); default Italy.
    #[serde(default)]
    pub nazione: Option<String>,
}

/// A PS-PSA-SINA beneficiary.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BeneficiarioInput {
    /// Codice fiscale.
    pub codice_fiscale: String,
    /// Surname.
    pub cognome: String,
    /// Given name.
    pub nome: String,
    /// Date of birth (gives the year and the date the birthplace is resolved on).
    #[serde(default)]
    pub data_nascita: Option<NaiveDate>,
    /// Year of birth, when the date is not known.
    #[serde(default)]
    pub anno_nascita: Option<u16>,
    /// Birthplace: Belfiore or `Z` code, or name.
    pub luogo_nascita: String,
    /// `M`, `F`, `1` or `2`.
    pub genere: String,
    /// Citizenship: ISO alpha-2, `Z` code, ISO numeric, `990` or name.
    pub cittadinanza: String,
    /// Second citizenship.
    #[serde(default)]
    pub seconda_cittadinanza: Option<String>,
    /// Residences (1–5).
    pub residenze: Vec<ResidenzaInput>,
    /// Benefits: the `PrestazioniSociali` attributes by their XSD names (`SINA` nested by its
    /// XSD names too), `DenominazionePrestazione` optional (default: the INPS table label).
    pub prestazioni: Vec<BTreeMap<String, serde_json::Value>>,
}

/// A SINBA minor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct MinoreInput {
    /// Pseudonymous identifier (1–20), supplied by the caller.
    pub id_beneficiario: String,
    /// Date of birth: `AnnoNascita` and `FasciaEtaBeneficiario` on `data_invio`.
    pub data_nascita: NaiveDate,
    /// ISEE of the household, for `FasciaISEEBeneficiario`.
    #[serde(default)]
    pub isee: Option<Money>,
    /// Residence of the minor.
    #[serde(default)]
    pub residenza: ResidenzaInput,
    /// Father's citizenship.
    #[serde(default)]
    pub cittadinanza_padre: Option<String>,
    /// Mother's citizenship.
    #[serde(default)]
    pub cittadinanza_madre: Option<String>,
    /// Father's comune of residence (gives the region).
    #[serde(default)]
    pub residenza_padre: Option<String>,
    /// Mother's comune of residence (gives the region).
    #[serde(default)]
    pub residenza_madre: Option<String>,
    /// Every other SINBA attribute by its XSD name, as its code.
    #[serde(default)]
    pub dati: BTreeMap<String, String>,
    /// `Prestazioni/CodicePrestazione`.
    pub prestazioni: Vec<String>,
    /// `Famiglia/ComposizioneFamiglia`.
    pub famiglia: Vec<ComposizioneFamiglia>,
}

fn input_error(path: impl Into<String>, message: impl std::fmt::Display) -> SiussError {
    SiussError::Input { path: path.into(), message: message.to_string() }
}

impl ExportInput {
    /// The flow header for `kind`.
    pub fn identificazione(&self, kind: FlowKind) -> Result<IdentificazioneFlusso, SiussError> {
        let nome = NomeFlusso::new(&self.ente.codice, kind, self.data_invio, self.progressivo)
            .map_err(|e| input_error("ente.codice", e))?;
        Ok(IdentificazioneFlusso {
            nome: nome.to_string(),
            ente: Ente {
                codice: self.ente.codice.clone(),
                denominazione: self.ente.denominazione.clone(),
                indirizzo: self.ente.indirizzo.clone().unwrap_or_else(|| self.ente.codice.clone()),
                cf_operatore: self.ente.cf_operatore.clone(),
            },
        })
    }

    /// Each beneficiary converted, or the reason it cannot be (one bad beneficiary does not
    /// stop the others).
    pub fn beneficiari(&self) -> Vec<Result<Beneficiario, SiussError>> {
        self.beneficiari.iter().enumerate().map(|(i, b)| self.beneficiario(i, b)).collect()
    }

    /// Each minor converted, or the reason it cannot be.
    pub fn minori(&self) -> Vec<Result<Sinba, SiussError>> {
        self.minori.iter().enumerate().map(|(i, m)| self.minore(i, m)).collect()
    }

    fn residenza(&self, path: &str, r: &ResidenzaInput) -> Result<Indirizzo, SiussError> {
        let nazione = match &r.nazione {
            Some(n) => {
                convert::iso_numeric(n).map_err(|e| input_error(format!("{path}.nazione"), e))?
            }
            None => ITALIA_ISO.to_owned(),
        };
        match (&r.comune, nazione == ITALIA_ISO) {
            (Some(c), true) => {
                let res = convert::residenza(c, self.data_invio)
                    .map_err(|e| input_error(format!("{path}.comune"), e))?;
                Ok(Indirizzo {
                    codice_regione: Some(res.regione),
                    codice_comune: Some(res.comune),
                    codice_nazione: nazione,
                })
            }
            (None, true) => {
                Err(input_error(format!("{path}.comune"), "a residence in italy needs its comune"))
            }
            (Some(_), false) => Err(input_error(
                format!("{path}.comune"),
                "a comune is given for a residence abroad",
            )),
            (None, false) => {
                Ok(Indirizzo { codice_regione: None, codice_comune: None, codice_nazione: nazione })
            }
        }
    }

    fn beneficiario(&self, i: usize, b: &BeneficiarioInput) -> Result<Beneficiario, SiussError> {
        let path = format!("beneficiari[{i}]");
        let (anno, born_on) = match (b.data_nascita, b.anno_nascita) {
            (Some(d), _) => (
                u16::try_from(d.year()).map_err(|_| {
                    input_error(format!("{path}.data_nascita"), "year out of range")
                })?,
                d,
            ),
            (None, Some(y)) => {
                let d = NaiveDate::from_ymd_opt(i32::from(y), 7, 1).ok_or_else(|| {
                    input_error(format!("{path}.anno_nascita"), "year out of range")
                })?;
                (y, d)
            }
            (None, None) => {
                return Err(input_error(
                    format!("{path}.data_nascita"),
                    "data_nascita or anno_nascita is required",
                ))
            }
        };
        let luogo = convert::luogo_nascita(&b.luogo_nascita, born_on)
            .map_err(|e| input_error(format!("{path}.luogo_nascita"), e))?;
        let genere = match b.genere.trim() {
            "M" | "m" | "1" => Genere::Male,
            "F" | "f" | "2" => Genere::Female,
            _ => return Err(input_error(format!("{path}.genere"), "genere must be M, F, 1 or 2")),
        };
        let cittadinanza = convert::iso_numeric(&b.cittadinanza)
            .map_err(|e| input_error(format!("{path}.cittadinanza"), e))?;
        let seconda = match &b.seconda_cittadinanza {
            Some(c) => Some(
                convert::iso_numeric(c)
                    .map_err(|e| input_error(format!("{path}.seconda_cittadinanza"), e))?,
            ),
            None => None,
        };
        let mut indirizzi = Vec::new();
        for (j, r) in b.residenze.iter().enumerate() {
            indirizzi.push(self.residenza(&format!("{path}.residenze[{j}]"), r)?);
        }
        let mut prestazioni = Vec::new();
        for (j, p) in b.prestazioni.iter().enumerate() {
            let ppath = format!("{path}.prestazioni[{j}]");
            let mut map = p.clone();
            if !map.contains_key("DenominazionePrestazione") {
                let code =
                    map.get("CodicePrestazione").and_then(|v| v.as_str()).unwrap_or_default();
                let label = table::lookup(code).and_then(|row| row.label).ok_or_else(|| {
                    input_error(
                        format!("{ppath}.DenominazionePrestazione"),
                        "required: the INPS table has no label for this code",
                    )
                })?;
                map.insert(
                    "DenominazionePrestazione".to_owned(),
                    serde_json::Value::String(label.to_owned()),
                );
            }
            let value = serde_json::Value::Object(map.into_iter().collect());
            let p: PrestazioneSociale = serde_json::from_value(value).map_err(|e| {
                // serde would quote the value it rejects (a protocol number, an amount).
                input_error(ppath, welfare_types::redact::serde_message(&e.to_string()))
            })?;
            prestazioni.push(p);
        }
        Ok(Beneficiario {
            codice_fiscale: b.codice_fiscale.trim().to_owned(),
            anagrafica: Anagrafica {
                cognome: b.cognome.clone(),
                nome: b.nome.clone(),
                anno_nascita: anno,
                luogo_nascita: luogo,
                genere,
                codice_cittadinanza: cittadinanza,
                codice_seconda_cittadinanza: seconda,
            },
            indirizzi,
            prestazioni,
        })
    }

    fn minore(&self, i: usize, m: &MinoreInput) -> Result<Sinba, SiussError> {
        let path = format!("minori[{i}]");
        let age = welfare_types::dates::age_on(m.data_nascita, self.data_invio)
            .map_err(|e| input_error(format!("{path}.data_nascita"), e))?;
        let fascia_eta = FasciaEta::for_age(age).ok_or_else(|| {
            input_error(
                format!("{path}.data_nascita"),
                "sinba covers minors: the age on data_invio is 18 or more",
            )
        })?;
        let mut attrs: Vec<(String, String)> =
            m.dati.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
        for computed in [
            "IDBeneficiario",
            "AnnoNascita",
            "FasciaEtaBeneficiario",
            "FasciaISEEBeneficiario",
            "CodiceNazioneResidenza",
            "CodiceRegioneResidenza",
            "CodiceCittadinanzaPadre",
            "CodiceCittadinanzaMadre",
            "CodiceRegioneResidenzaPadre",
            "CodiceRegioneResidenzaMadre",
        ] {
            if m.dati.contains_key(computed) {
                return Err(input_error(
                    format!("{path}.dati.{computed}"),
                    "computed from the other fields: do not give it in dati",
                ));
            }
        }
        attrs.push(("IDBeneficiario".to_owned(), m.id_beneficiario.clone()));
        attrs.push(("AnnoNascita".to_owned(), format!("{:04}", m.data_nascita.year())));
        attrs.push(("FasciaEtaBeneficiario".to_owned(), fascia_eta.code().to_owned()));
        if let Some(isee) = m.isee {
            let fascia = FasciaIsee::for_isee(isee).ok_or_else(|| {
                input_error(format!("{path}.isee"), "a negative isee has no band")
            })?;
            attrs.push(("FasciaISEEBeneficiario".to_owned(), fascia.code().to_owned()));
        }
        let residenza = self.residenza(&format!("{path}.residenza"), &m.residenza)?;
        attrs.push(("CodiceNazioneResidenza".to_owned(), residenza.codice_nazione));
        if let Some(r) = residenza.codice_regione {
            attrs.push(("CodiceRegioneResidenza".to_owned(), r));
        }
        for (name, value) in [
            ("CodiceCittadinanzaPadre", &m.cittadinanza_padre),
            ("CodiceCittadinanzaMadre", &m.cittadinanza_madre),
        ] {
            if let Some(v) = value {
                let iso = convert::iso_numeric(v)
                    .map_err(|e| input_error(format!("{path}.{name}"), e))?;
                attrs.push((name.to_owned(), iso));
            }
        }
        for (name, value) in [
            ("CodiceRegioneResidenzaPadre", &m.residenza_padre),
            ("CodiceRegioneResidenzaMadre", &m.residenza_madre),
        ] {
            if let Some(v) = value {
                let res = convert::residenza(v, self.data_invio)
                    .map_err(|e| input_error(format!("{path}.{name}"), e))?;
                attrs.push((name.to_owned(), res.regione));
            }
        }
        let mut issues = Vec::new();
        let sinba = sinba_from_attrs(
            attrs.into_iter().map(|(k, v)| (std::borrow::Cow::Owned(k), Some(v))).collect(),
            &path,
            &mut issues,
            m.prestazioni.clone(),
            m.famiglia.clone(),
        );
        if let Some(issue) = issues.first() {
            let at = issue.path.rsplit_once("/@").map_or(issue.path.as_str(), |(_, a)| a);
            return Err(input_error(
                format!("{path}.dati.{at}"),
                format!("{}: {}", issue.rule, issue.message),
            ));
        }
        sinba.ok_or_else(|| input_error(path, "incomplete sinba record"))
    }
}
