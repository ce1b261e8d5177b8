//! The typed model of the two flows: [`FlussoPs`] (`PS_PSA_SINA201812.xsd`) and
//! [`FlussoSinba`] (`SINBA.xsd`).
//!
//! Field names are English snake case of the XSD attribute names; the serialized (JSON/YAML)
//! names are the XSD names exactly. Optional XSD attributes are `Option`s, repeated elements are
//! `Vec`s. Strings restricted by a pattern or a length stay `String`s here: the
//! [validator](crate::validate_xml) checks them and names the broken facet.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use welfare_types::Money;

use crate::codes::{
    AreaReddituale, AreaSupporto, AreaUtenza, AttivitaVitaQuotidiana, AutoritaProvvedimento,
    CarattereAffido, CarattereInserimentoResidenziale, CaratterePrestazione,
    CollaborazioniInterventi, ComposizioneFamiglia, CondizioneLavoro, CondizioneMinore,
    DisturbiAreaCognitiva, DisturbiComportamentali, DurataAffido, EsitoAffido,
    EsitoInserimentoStruttura, FasciaEta, FasciaIsee, FonteDerivazioneInvalidita,
    FonteDerivazioneValutazione, FonteSegnalazione, FormaInserimentoResidenziale,
    FormaInterventoAffido, Genere, InvCiv, InvCivCertificazioni, LuogoVita, Mobilita,
    MotivazioneChiusuraCarico, NecessitaCureSanitarie, Occupazione, PotestaTutela, PresaCarico,
    PresenzaProvaMezzi, ScuolaFrequentata, SiNo, SituazioneChiusuraCarico, StrumentoValutazione,
    TipoDisabilita, TipoInserimentoResidenziale, TipoInterventoAffido, TipoOperazione,
    TipoProvvedimentoGiudiziario, TitoloStudio, ValutazioneFamigliaMinore, ValutazioneMinore,
};

/// The XML namespace of both flows.
pub const NAMESPACE: &str = "http://inps.it/Casellario";

/// `IdentificazioneFlusso`: the flow name and the sending body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct IdentificazioneFlusso {
    /// `@Nome` (≤ 50): `{ente}.{PS|SINBA}.{YYYYMMDD}.{progressive}`, see [`crate::NomeFlusso`].
    #[serde(rename = "Nome")]
    pub nome: String,
    /// `Ente`.
    #[serde(rename = "Ente")]
    pub ente: Ente,
}

/// `Ente`: the paying body that sends the flow.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Ente {
    /// `@Codice` (1–32): the body's code in INPS's access system; comuni use their Belfiore code.
    #[serde(rename = "Codice")]
    pub codice: String,
    /// `@Denominazione` (1–100, optional).
    #[serde(rename = "Denominazione", default, skip_serializing_if = "Option::is_none")]
    pub denominazione: Option<String>,
    /// `@Indirizzo` (exactly 4): Belfiore code of the comune of the registered office.
    #[serde(rename = "Indirizzo")]
    pub indirizzo: String,
    /// `@CFOperatore`: codice fiscale of the operator sending the data (XSD CF pattern).
    #[serde(rename = "CFOperatore")]
    pub cf_operatore: String,
}

/// A PS-PSA-SINA flow (`PS_PSA_SINA201812.xsd`, root `Flusso`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FlussoPs {
    /// `IdentificazioneFlusso`.
    #[serde(rename = "IdentificazioneFlusso")]
    pub identificazione: IdentificazioneFlusso,
    /// `Beneficiario` (1..n; exactly one in a WaaS flow).
    #[serde(rename = "Beneficiario")]
    pub beneficiari: Vec<Beneficiario>,
}

/// `Beneficiario`: one person and the benefits they received.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Beneficiario {
    /// `@CodiceFiscale` (XSD CF pattern: letters only in positions 13–15, or 11 digits).
    #[serde(rename = "CodiceFiscale")]
    pub codice_fiscale: String,
    /// `Anagrafica`.
    #[serde(rename = "Anagrafica")]
    pub anagrafica: Anagrafica,
    /// `Indirizzo` (1..5; 0..5 in the 2016 and June-2018 schemas).
    #[serde(rename = "Indirizzo")]
    pub indirizzi: Vec<Indirizzo>,
    /// `PrestazioniSociali` (1..n; exactly one in a WaaS flow).
    #[serde(rename = "PrestazioniSociali")]
    pub prestazioni: Vec<PrestazioneSociale>,
}

/// `Anagrafica`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Anagrafica {
    /// `@Cognome` (1–36).
    #[serde(rename = "Cognome")]
    pub cognome: String,
    /// `@Nome` (1–36).
    #[serde(rename = "Nome")]
    pub nome: String,
    /// `@AnnoNascita` (`[0-9]{4}`), written with four digits.
    #[serde(rename = "AnnoNascita")]
    pub anno_nascita: u16,
    /// `@LuogoNascita` (exactly 4): Belfiore code of the comune or of the foreign state (`Z…`).
    #[serde(rename = "LuogoNascita")]
    pub luogo_nascita: String,
    /// `@Genere`.
    #[serde(rename = "Genere")]
    pub genere: Genere,
    /// `@CodiceCittadinanza` (`[0-9]{3}`): ISO 3166-1 numeric (Italy `380`; `990` not available).
    #[serde(rename = "CodiceCittadinanza")]
    pub codice_cittadinanza: String,
    /// `@CodiceSecondaCittadinanza` (`[0-9]{3}`, optional): ISO 3166-1 numeric.
    #[serde(
        rename = "CodiceSecondaCittadinanza",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub codice_seconda_cittadinanza: Option<String>,
}

/// `Indirizzo`: residence.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Indirizzo {
    /// `@CodiceRegione` (`[0-9]{2}`): required when the nation is Italy (`380`).
    #[serde(rename = "CodiceRegione", default, skip_serializing_if = "Option::is_none")]
    pub codice_regione: Option<String>,
    /// `@CodiceComune` (`[0-9]{6}`): ISTAT code, required when the nation is Italy (`380`).
    #[serde(rename = "CodiceComune", default, skip_serializing_if = "Option::is_none")]
    pub codice_comune: Option<String>,
    /// `@CodiceNazione` (`[0-9]{3}`): ISO 3166-1 numeric.
    #[serde(rename = "CodiceNazione")]
    pub codice_nazione: String,
}

/// Hours and minutes of `@OreServizioMensile`.
///
/// The XSD types the attribute as `xs:decimal`, but the specification (Allegato B, Tabella 9)
/// says its format is "HH,MM (HH ore e MM minuti)": `2.59` is two hours and fifty-nine minutes,
/// not 2.59 hours. It is written `H.MM` (always two minute digits); the minutes are 0–59.
///
/// Serialized (JSON, YAML) as the same `H.MM` string; deserialized from it or from a number
/// of whole hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct OreMinuti {
    /// Whole hours.
    pub ore: u32,
    /// Minutes, 0–59.
    pub minuti: u8,
}

impl OreMinuti {
    /// Hours and minutes, or `None` when `minuti` is 60 or more.
    pub fn new(ore: u32, minuti: u8) -> Option<OreMinuti> {
        (minuti < 60).then_some(OreMinuti { ore, minuti })
    }

    /// The value as the XML writes it: `2.05` for two hours and five minutes.
    pub fn to_xml_value(self) -> String {
        self.to_string()
    }

    /// Total minutes.
    pub fn total_minutes(self) -> u64 {
        u64::from(self.ore) * 60 + u64::from(self.minuti)
    }
}

impl Serialize for OreMinuti {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl<'de> Deserialize<'de> for OreMinuti {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<OreMinuti, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = OreMinuti;
            fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str("hours and minutes as \"H.MM\" (\"2.59\" is 2 h 59 min)")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<OreMinuti, E> {
                crate::read::parse_ore(v).map_err(|(_, message)| E::custom(message))
            }
            fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<OreMinuti, E> {
                // Tolerant on input: a YAML `2.59` is read through its shortest decimal text
                // (no float arithmetic happens).
                crate::read::parse_ore(&format!("{v}")).map_err(|(_, message)| E::custom(message))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<OreMinuti, E> {
                u32::try_from(v)
                    .map(|ore| OreMinuti { ore, minuti: 0 })
                    .map_err(|_| E::custom("too many hours"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<OreMinuti, E> {
                u32::try_from(v)
                    .map(|ore| OreMinuti { ore, minuti: 0 })
                    .map_err(|_| E::custom("hours out of range"))
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for OreMinuti {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("OreMinuti")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "type": "string",
            "pattern": "^[0-9]+(\\.[0-5][0-9])?$",
            "description": "hours and minutes, H.MM",
        })
    }
}

impl std::fmt::Display for OreMinuti {
    /// `H.MM`: `2.05` for two hours and five minutes.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}.{:02}", self.ore, self.minuti)
    }
}

/// `PrestazioniSociali`: one benefit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PrestazioneSociale {
    /// `@TipoOperazione` (optional; absent means insert).
    #[serde(rename = "TipoOperazione", default, skip_serializing_if = "Option::is_none")]
    pub tipo_operazione: Option<TipoOperazione>,
    /// `@PresenzaProvaMezzi`.
    #[serde(rename = "PresenzaProvaMezzi")]
    pub presenza_prova_mezzi: PresenzaProvaMezzi,
    /// `@CaratterePrestazione`: optional in the XSD, mandatory in the specification.
    #[serde(rename = "CaratterePrestazione", default, skip_serializing_if = "Option::is_none")]
    pub carattere: Option<CaratterePrestazione>,
    /// `@NumeroProtocolloDSU` (0–30): the three DSU fields go together or not at all.
    #[serde(rename = "NumeroProtocolloDSU", default, skip_serializing_if = "Option::is_none")]
    pub numero_protocollo_dsu: Option<String>,
    /// `@AnnoProtocolloDSU` (`[0-9]{4}`).
    #[serde(rename = "AnnoProtocolloDSU", default, skip_serializing_if = "Option::is_none")]
    pub anno_protocollo_dsu: Option<u16>,
    /// `@DataDSU`.
    #[serde(rename = "DataDSU", default, skip_serializing_if = "Option::is_none")]
    pub data_dsu: Option<NaiveDate>,
    /// `@CodicePrestazione` (5–10): a code of the INPS table, see [`crate::table`].
    #[serde(rename = "CodicePrestazione")]
    pub codice_prestazione: String,
    /// `@DenominazionePrestazione` (10–200).
    #[serde(rename = "DenominazionePrestazione")]
    pub denominazione_prestazione: String,
    /// `@ProtocolloDomanda` (1–32): the comune's protocol of the application.
    #[serde(rename = "ProtocolloDomanda")]
    pub protocollo_domanda: String,
    /// `@DataEvento`.
    #[serde(rename = "DataEvento", default, skip_serializing_if = "Option::is_none")]
    pub data_evento: Option<NaiveDate>,
    /// `@DataInizioPrestazione`: required for periodic benefits.
    #[serde(rename = "DataInizioPrestazione", default, skip_serializing_if = "Option::is_none")]
    pub data_inizio: Option<NaiveDate>,
    /// `@DataFinePrestazione`: same calendar year as the start.
    #[serde(rename = "DataFinePrestazione", default, skip_serializing_if = "Option::is_none")]
    pub data_fine: Option<NaiveDate>,
    /// `@DataErogazionePrestazione`: required for one-off benefits.
    #[serde(
        rename = "DataErogazionePrestazione",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub data_erogazione: Option<NaiveDate>,
    /// `@ImportoPrestazione` (> 0): required for one-off benefits.
    #[serde(rename = "ImportoPrestazione", default, skip_serializing_if = "Option::is_none")]
    pub importo_prestazione: Option<Money>,
    /// `@PeriodoErogazione` (1–12 months).
    #[serde(rename = "PeriodoErogazione", default, skip_serializing_if = "Option::is_none")]
    pub periodo_erogazione: Option<u8>,
    /// `@ImportoMensile` (> 0): required for periodic benefits.
    #[serde(rename = "ImportoMensile", default, skip_serializing_if = "Option::is_none")]
    pub importo_mensile: Option<Money>,
    /// `@ImportoQuotaEnte` (> 0).
    #[serde(rename = "ImportoQuotaEnte", default, skip_serializing_if = "Option::is_none")]
    pub quota_ente: Option<Money>,
    /// `@ImportoQuotaUtente` (≥ 0).
    #[serde(rename = "ImportoQuotaUtente", default, skip_serializing_if = "Option::is_none")]
    pub quota_utente: Option<Money>,
    /// `@ImportoQuotaSSN` (> 0).
    #[serde(rename = "ImportoQuotaSSN", default, skip_serializing_if = "Option::is_none")]
    pub quota_ssn: Option<Money>,
    /// `@ImportoQuotaRichiesta`: the most a generic user is asked to pay (statistical).
    #[serde(rename = "ImportoQuotaRichiesta", default, skip_serializing_if = "Option::is_none")]
    pub quota_richiesta: Option<Money>,
    /// `@ImportoSogliaISEE`: the highest or only ISEE threshold of access (statistical).
    #[serde(rename = "ImportoSogliaISEE", default, skip_serializing_if = "Option::is_none")]
    pub soglia_isee: Option<Money>,
    /// `@OreServizioMensile`: hours and minutes of service per month.
    #[serde(rename = "OreServizioMensile", default, skip_serializing_if = "Option::is_none")]
    pub ore_servizio_mensile: Option<OreMinuti>,
    /// `@PresaCarico`.
    #[serde(rename = "PresaCarico")]
    pub presa_carico: PresaCarico,
    /// `@AreaUtenza`: required when taken in charge.
    #[serde(rename = "AreaUtenza", default, skip_serializing_if = "Option::is_none")]
    pub area_utenza: Option<AreaUtenza>,
    /// `SINA`: the disability / non-self-sufficiency assessment, only on codes that allow it.
    #[serde(rename = "SINA", default, skip_serializing_if = "Option::is_none")]
    pub sina: Option<Sina>,
}

/// `SINA`: assessment of disability and non-self-sufficiency attached to a benefit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Sina {
    /// `@Mobilita`.
    #[serde(rename = "Mobilita")]
    pub mobilita: Mobilita,
    /// `@AttivitaVitaQuotidiana`.
    #[serde(rename = "AttivitaVitaQuotidiana")]
    pub attivita_vita_quotidiana: AttivitaVitaQuotidiana,
    /// `@DisturbiAreaCognitiva` (optional).
    #[serde(rename = "DisturbiAreaCognitiva", default, skip_serializing_if = "Option::is_none")]
    pub disturbi_area_cognitiva: Option<DisturbiAreaCognitiva>,
    /// `@DisturbiComportamentali`.
    #[serde(rename = "DisturbiComportamentali")]
    pub disturbi_comportamentali: DisturbiComportamentali,
    /// `@NecessitaCureSanitarie` (optional).
    #[serde(rename = "NecessitaCureSanitarie", default, skip_serializing_if = "Option::is_none")]
    pub necessita_cure_sanitarie: Option<NecessitaCureSanitarie>,
    /// `@AreaReddituale`.
    #[serde(rename = "AreaReddituale")]
    pub area_reddituale: AreaReddituale,
    /// `@AreaSupporto`.
    #[serde(rename = "AreaSupporto")]
    pub area_supporto: AreaSupporto,
    /// `@FonteDerivazioneValutazione`.
    #[serde(rename = "FonteDerivazioneValutazione")]
    pub fonte_derivazione_valutazione: FonteDerivazioneValutazione,
    /// `@StrumentoValutazione`.
    #[serde(rename = "StrumentoValutazione")]
    pub strumento_valutazione: StrumentoValutazione,
    /// `@FonteDerivazioneInvalidita` (optional).
    #[serde(
        rename = "FonteDerivazioneInvalidita",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub fonte_derivazione_invalidita: Option<FonteDerivazioneInvalidita>,
    /// `NecessitaInterventiSociali/CodicePrestazione` (5–10 each): the interventions needed.
    /// Empty means the element is absent.
    #[serde(rename = "NecessitaInterventiSociali", default, skip_serializing_if = "Vec::is_empty")]
    pub necessita_interventi_sociali: Vec<String>,
    /// `InvaliditaCivile/InvCiv`. Empty means the element is absent.
    #[serde(rename = "InvaliditaCivile", default, skip_serializing_if = "Vec::is_empty")]
    pub invalidita_civile: Vec<InvCiv>,
}

/// A month and year, `MM/AAAA` in SINBA (`DataMeseAnnoType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct MeseAnno {
    /// Month, 1–12.
    pub mese: u8,
    /// Year, 1900–2099 (the XSD pattern `(19|20)[0-9]{2}`).
    pub anno: u16,
}

impl MeseAnno {
    /// A month and year, or `None` outside the XSD pattern.
    pub fn new(mese: u8, anno: u16) -> Option<MeseAnno> {
        ((1..=12).contains(&mese) && (1900..=2099).contains(&anno))
            .then_some(MeseAnno { mese, anno })
    }

    /// The month of a date.
    pub fn of(date: NaiveDate) -> Option<MeseAnno> {
        use chrono::Datelike;
        let mese = u8::try_from(date.month()).ok()?;
        let anno = u16::try_from(date.year()).ok()?;
        MeseAnno::new(mese, anno)
    }

    /// `MM/AAAA`.
    pub fn to_xml_value(self) -> String {
        format!("{:02}/{:04}", self.mese, self.anno)
    }
}

/// A SINBA flow (`SINBA.xsd`, root `Flusso`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FlussoSinba {
    /// `IdentificazioneFlusso`.
    #[serde(rename = "IdentificazioneFlusso")]
    pub identificazione: IdentificazioneFlusso,
    /// `SINBA` (1..n; exactly one in a WaaS flow).
    #[serde(rename = "SINBA")]
    pub schede: Vec<Sinba>,
}

/// `SINBA`: one child or adolescent, never identified by codice fiscale or name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Sinba {
    /// `@IDBeneficiario` (1–20): a pseudonymous identifier the caller supplies. This crate never
    /// derives it from a codice fiscale.
    #[serde(rename = "IDBeneficiario")]
    pub id_beneficiario: String,
    /// `@MinoreStranieroNoAcc`: unaccompanied foreign minor.
    #[serde(rename = "MinoreStranieroNoAcc")]
    pub minore_straniero_non_accompagnato: SiNo,
    /// `@CondizioneMinore`.
    #[serde(rename = "CondizioneMinore")]
    pub condizione_minore: CondizioneMinore,
    /// `@LuogoVita`.
    #[serde(rename = "LuogoVita")]
    pub luogo_vita: LuogoVita,
    /// `@ScuolaFrequentata`.
    #[serde(rename = "ScuolaFrequentata")]
    pub scuola_frequentata: ScuolaFrequentata,
    /// `@CondizioneLavoro`.
    #[serde(rename = "CondizioneLavoro")]
    pub condizione_lavoro: CondizioneLavoro,
    /// `@Disabilita`.
    #[serde(rename = "Disabilita")]
    pub disabilita: SiNo,
    /// `@TipoDisabilita`.
    #[serde(rename = "TipoDisabilita", default, skip_serializing_if = "Option::is_none")]
    pub tipo_disabilita: Option<TipoDisabilita>,
    /// `@InvCivCertificazioni`.
    #[serde(rename = "InvCivCertificazioni", default, skip_serializing_if = "Option::is_none")]
    pub inv_civ_certificazioni: Option<InvCivCertificazioni>,
    /// `@CodiceCittadinanzaPadre` (`[0-9]{3}`, ISO 3166-1 numeric).
    #[serde(rename = "CodiceCittadinanzaPadre", default, skip_serializing_if = "Option::is_none")]
    pub cittadinanza_padre: Option<String>,
    /// `@CodiceCittadinanzaMadre` (`[0-9]{3}`, ISO 3166-1 numeric).
    #[serde(rename = "CodiceCittadinanzaMadre", default, skip_serializing_if = "Option::is_none")]
    pub cittadinanza_madre: Option<String>,
    /// `@CodiceRegioneResidenzaPadre` (`[0-9]{2}`).
    #[serde(
        rename = "CodiceRegioneResidenzaPadre",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub regione_residenza_padre: Option<String>,
    /// `@CodiceRegioneResidenzaMadre` (`[0-9]{2}`).
    #[serde(
        rename = "CodiceRegioneResidenzaMadre",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub regione_residenza_madre: Option<String>,
    /// `@TitoloStudioPadre`.
    #[serde(rename = "TitoloStudioPadre", default, skip_serializing_if = "Option::is_none")]
    pub titolo_studio_padre: Option<TitoloStudio>,
    /// `@TitoloStudioMadre`.
    #[serde(rename = "TitoloStudioMadre", default, skip_serializing_if = "Option::is_none")]
    pub titolo_studio_madre: Option<TitoloStudio>,
    /// `@OccupazionePadre`.
    #[serde(rename = "OccupazionePadre", default, skip_serializing_if = "Option::is_none")]
    pub occupazione_padre: Option<Occupazione>,
    /// `@OccupazioneMadre`.
    #[serde(rename = "OccupazioneMadre", default, skip_serializing_if = "Option::is_none")]
    pub occupazione_madre: Option<Occupazione>,
    /// `@DataPrimaSegnalazione` (`MM/AAAA`).
    #[serde(rename = "DataPrimaSegnalazione")]
    pub data_prima_segnalazione: MeseAnno,
    /// `@FonteSegnalazione`.
    #[serde(rename = "FonteSegnalazione")]
    pub fonte_segnalazione: FonteSegnalazione,
    /// `@ValutazioneMinore`.
    #[serde(rename = "ValutazioneMinore")]
    pub valutazione_minore: ValutazioneMinore,
    /// `@ValutazioneFamigliaMinore`.
    #[serde(rename = "ValutazioneFamigliaMinore")]
    pub valutazione_famiglia_minore: ValutazioneFamigliaMinore,
    /// `@SegnalazioneAutoritaGiudiziaria`.
    #[serde(rename = "SegnalazioneAutoritaGiudiziaria")]
    pub segnalazione_autorita_giudiziaria: SiNo,
    /// `@DataSegnalazione` (`MM/AAAA`).
    #[serde(rename = "DataSegnalazione", default, skip_serializing_if = "Option::is_none")]
    pub data_segnalazione: Option<MeseAnno>,
    /// `@ProvvedimentoGiudiziario`.
    #[serde(rename = "ProvvedimentoGiudiziario")]
    pub provvedimento_giudiziario: SiNo,
    /// `@DataProvvedimentoGiudiziario` (`MM/AAAA`).
    #[serde(
        rename = "DataProvvedimentoGiudiziario",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub data_provvedimento_giudiziario: Option<MeseAnno>,
    /// `@AutoritaProvvedimento`.
    #[serde(rename = "AutoritaProvvedimento", default, skip_serializing_if = "Option::is_none")]
    pub autorita_provvedimento: Option<AutoritaProvvedimento>,
    /// `@PotestaTutela`.
    #[serde(rename = "PotestaTutela", default, skip_serializing_if = "Option::is_none")]
    pub potesta_tutela: Option<PotestaTutela>,
    /// `@TipoProvvedimentoGiudiziario`.
    #[serde(
        rename = "TipoProvvedimentoGiudiziario",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tipo_provvedimento_giudiziario: Option<TipoProvvedimentoGiudiziario>,
    /// `@FormaInterventoAffido`.
    #[serde(rename = "FormaInterventoAffido", default, skip_serializing_if = "Option::is_none")]
    pub forma_intervento_affido: Option<FormaInterventoAffido>,
    /// `@TipoInterventoAffido`.
    #[serde(rename = "TipoInterventoAffido", default, skip_serializing_if = "Option::is_none")]
    pub tipo_intervento_affido: Option<TipoInterventoAffido>,
    /// `@DurataAffido`.
    #[serde(rename = "DurataAffido", default, skip_serializing_if = "Option::is_none")]
    pub durata_affido: Option<DurataAffido>,
    /// `@CarattereAffido`.
    #[serde(rename = "CarattereAffido", default, skip_serializing_if = "Option::is_none")]
    pub carattere_affido: Option<CarattereAffido>,
    /// `@EsitoAffido`.
    #[serde(rename = "EsitoAffido", default, skip_serializing_if = "Option::is_none")]
    pub esito_affido: Option<EsitoAffido>,
    /// `@CarattereInserimentoResidenziale`.
    #[serde(
        rename = "CarattereInserimentoResidenziale",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub carattere_inserimento_residenziale: Option<CarattereInserimentoResidenziale>,
    /// `@FormaInserimentoResidenziale`.
    #[serde(
        rename = "FormaInserimentoResidenziale",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub forma_inserimento_residenziale: Option<FormaInserimentoResidenziale>,
    /// `@TipoInserimentoResidenziale`.
    #[serde(
        rename = "TipoInserimentoResidenziale",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub tipo_inserimento_residenziale: Option<TipoInserimentoResidenziale>,
    /// `@EsitoInserimentoStruttura`.
    #[serde(
        rename = "EsitoInserimentoStruttura",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub esito_inserimento_struttura: Option<EsitoInserimentoStruttura>,
    /// `@MotivazioneChiusuraCarico`.
    #[serde(
        rename = "MotivazioneChiusuraCarico",
        default,
        skip_serializing_if = "Option::is_none"
    )]
    pub motivazione_chiusura_carico: Option<MotivazioneChiusuraCarico>,
    /// `@SituazioneChiusuraCarico`.
    #[serde(rename = "SituazioneChiusuraCarico", default, skip_serializing_if = "Option::is_none")]
    pub situazione_chiusura_carico: Option<SituazioneChiusuraCarico>,
    /// `@CollaborazioniInterventi`.
    #[serde(rename = "CollaborazioniInterventi", default, skip_serializing_if = "Option::is_none")]
    pub collaborazioni_interventi: Option<CollaborazioniInterventi>,
    /// `@NumeroComponentiISEE` (1–9: the XSD sets only the maximum, the specification the
    /// minimum).
    #[serde(rename = "NumeroComponentiISEE", default, skip_serializing_if = "Option::is_none")]
    pub numero_componenti_isee: Option<u8>,
    /// `@FasciaEtaBeneficiario`.
    #[serde(rename = "FasciaEtaBeneficiario")]
    pub fascia_eta: FasciaEta,
    /// `@FasciaISEEBeneficiario`.
    #[serde(rename = "FasciaISEEBeneficiario", default, skip_serializing_if = "Option::is_none")]
    pub fascia_isee: Option<FasciaIsee>,
    /// `@AnnoNascita` (`[0-9]{4}`).
    #[serde(rename = "AnnoNascita")]
    pub anno_nascita: u16,
    /// `@CodiceRegioneResidenza` (`[0-9]{2}`): required when the nation is Italy.
    #[serde(rename = "CodiceRegioneResidenza", default, skip_serializing_if = "Option::is_none")]
    pub regione_residenza: Option<String>,
    /// `@CodiceNazioneResidenza` (`[0-9]{3}`, ISO 3166-1 numeric).
    #[serde(rename = "CodiceNazioneResidenza")]
    pub nazione_residenza: String,
    /// `Prestazioni/CodicePrestazione` (1..n, 5–10 each).
    #[serde(rename = "Prestazioni")]
    pub prestazioni: Vec<String>,
    /// `Famiglia/ComposizioneFamiglia` (1..n).
    #[serde(rename = "Famiglia")]
    pub famiglia: Vec<ComposizioneFamiglia>,
}
