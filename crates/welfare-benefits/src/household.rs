//! The household facts format: who lives in the nucleo, their ISEE, events and benefits.
//!
//! Names follow the Social Registry *Group* / *Member* objects of the Digital Convergence
//! Initiative (`group_identifier`, `group_type`, `member_list`, `member_identifier`,
//! `birth_date`, `sex`, relationship to the head) and ANPR's `codiceLegame` for relationships.
//! Every field carries an Italian and an English description, which the JSON Schema repeats.
//!
//! Files are YAML or JSON. Unknown fields are an error that names their path
//! (`member_list[1].sexx: unknown field`), and after reading, [`Household::validate`] checks what
//! the types cannot: unique member identifiers, one head, references between members, dates.
//! [`Household::from_str_named`] does both.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use welfare_types::Money;

use crate::codes::{ComuneCode, Relationship};
use crate::error::{HouseholdError, HouseholdErrorKind};

fn is_false(value: &bool) -> bool {
    !*value
}

fn is_true(value: &bool) -> bool {
    *value
}

fn yes() -> bool {
    true
}

/// Nucleo familiare: il gruppo di persone di cui si valutano i diritti. / Household: the group
/// whose entitlements are evaluated (DCI Social Registry `Group`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Household {
    /// Identificativo del nucleo, scelto dal sistema che lo produce (mai un codice fiscale). /
    /// Household identifier chosen by the producing system (never a codice fiscale). DCI
    /// `group_identifier`.
    pub group_identifier: String,
    /// Tipo di gruppo: nucleo ISEE (predefinito) o famiglia anagrafica. / Kind of group: ISEE
    /// nucleo (default) or registry household. DCI `group_type`.
    #[serde(default, skip_serializing_if = "GroupType::is_default")]
    pub group_type: GroupType,
    /// Residenza del nucleo. / Residence of the household.
    pub residence: Residence,
    /// Valori ISEE per tipo, o attestazioni. / ISEE values by kind, or attestazioni.
    #[serde(default, skip_serializing_if = "IseeValues::is_empty")]
    pub isee: IseeValues,
    /// Componenti del nucleo. / Members of the household. DCI `member_list`.
    pub member_list: Vec<Member>,
    /// Eventi: nascite, adozioni, affidamenti preadottivi. / Events: births, adoptions,
    /// pre-adoptive fostering.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub events: Vec<Event>,
    /// Locazione dell'abitazione di residenza, se in affitto. / Lease of the home, if rented.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rent: Option<Rent>,
    /// Reddito familiare annuo ai fini ADI/SFL (DL 48/2023 art. 2 c. 2 lett. b n. 2). / Annual
    /// family income as defined for ADI/SFL (DL 48/2023 art. 2 c. 2 b) 2).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub family_income: Option<Money>,
    /// Patrimonio del nucleo ai fini ADI/SFL. / Assets of the household as ADI/SFL count them.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub assets: Option<Assets>,
    /// Prestazioni già percepite dal nucleo o dai componenti. / Benefits already received by the
    /// household or its members.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub benefits_received: Vec<BenefitReceived>,
    /// Domande presentate (servono per i termini, es. 6 mesi per l'assegno di maternità). /
    /// Applications filed (for deadlines, e.g. 6 months for the assegno di maternità).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub applications: Vec<Application>,
}

/// Tipo di gruppo. / Kind of group.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum GroupType {
    /// Nucleo familiare ai fini ISEE (DPCM 159/2013 art. 3). / ISEE nucleo (DPCM 159/2013 art. 3).
    #[default]
    NucleoIsee,
    /// Famiglia anagrafica (DPR 223/1989 art. 4, ANPR). / Registry household (ANPR).
    FamigliaAnagrafica,
}

impl GroupType {
    fn is_default(&self) -> bool {
        *self == GroupType::NucleoIsee
    }
}

/// Residenza. / Residence.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Residence {
    /// Comune di residenza: codice Belfiore (H501) o ISTAT (058091). / Comune of residence:
    /// Belfiore (H501) or ISTAT (058091) code.
    pub comune: ComuneCode,
    /// Data di iscrizione anagrafica nel comune. / Date of registration in the comune's anagrafe.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub since: Option<NaiveDate>,
}

/// Valori ISEE del nucleo. / ISEE values of the household.
///
/// A value given directly applies on every date; an attestazione applies from the DSU filing
/// date to its expiry. When both exist for a kind, the direct value wins.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct IseeValues {
    /// ISEE ordinario (DPCM 159/2013 art. 2). / Ordinary ISEE.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub ordinario: Option<Money>,
    /// ISEE per prestazioni rivolte a minorenni (art. 7). / ISEE for benefits to minors (art. 7).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub minorenni: Option<Money>,
    /// ISEE sociosanitario (art. 6). / Social and health-care ISEE (art. 6).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sociosanitario: Option<Money>,
    /// ISEE per specifiche prestazioni familiari e per l'inclusione (L. 199/2025 art. 1 c. 208,
    /// dal 2026). / ISEE for family benefits and inclusion (from 2026).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub prestazioni_familiari: Option<Money>,
    /// Parametro della scala di equivalenza del nucleo (es. 2.76). / Equivalence scale of the
    /// household (e.g. 2.76); the bonus nido divides the annual AUU by it.
    #[serde(
        default,
        with = "crate::codes::lenient_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schema", schemars(schema_with = "crate::codes::decimal_schema"))]
    pub scala: Option<Decimal>,
    /// Attestazioni ISEE rilasciate dall'INPS. / ISEE attestazioni issued by INPS.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub attestazioni: Vec<Attestazione>,
}

impl IseeValues {
    fn is_empty(&self) -> bool {
        *self == IseeValues::default()
    }

    /// The value of `kind` on `date`: the direct value, or else the attestazione of that kind
    /// valid on the date (the most recently filed one if several are).
    pub fn value_on(&self, kind: IseeKind, date: NaiveDate) -> Option<Money> {
        let direct = match kind {
            IseeKind::Ordinario => self.ordinario,
            IseeKind::Minorenni => self.minorenni,
            IseeKind::Sociosanitario => self.sociosanitario,
            IseeKind::PrestazioniFamiliari => self.prestazioni_familiari,
        };
        direct.or_else(|| self.attestazione_on(kind, date).map(|a| a.isee))
    }

    /// The attestazione of `kind` valid on `date`, the most recently filed if several are.
    pub fn attestazione_on(&self, kind: IseeKind, date: NaiveDate) -> Option<&Attestazione> {
        self.attestazioni
            .iter()
            .filter(|a| a.kind == kind && a.is_valid_on(date))
            .max_by_key(|a| a.dsu_filed_on)
    }

    /// The scala di equivalenza: the direct value, or else that of the newest attestazione valid
    /// on `date`.
    #[inline]
    pub fn scala_on(&self, date: NaiveDate) -> Option<Decimal> {
        // Inlined for the usual answer (a direct value, or no attestazione), without a call.
        if self.scala.is_some() || self.attestazioni.is_empty() {
            return self.scala;
        }
        self.attested_scala_on(date)
    }

    /// The scala of the newest attestazione valid on `date` that states one.
    fn attested_scala_on(&self, date: NaiveDate) -> Option<Decimal> {
        self.attestazioni
            .iter()
            .filter(|a| a.is_valid_on(date) && a.scala.is_some())
            .max_by_key(|a| a.dsu_filed_on)
            .and_then(|a| a.scala)
    }
}

/// Tipo di ISEE. / Kind of ISEE.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IseeKind {
    /// ISEE ordinario. / Ordinary ISEE.
    Ordinario,
    /// ISEE minorenni. / ISEE for minors.
    Minorenni,
    /// ISEE sociosanitario. / Social and health-care ISEE.
    Sociosanitario,
    /// ISEE per prestazioni familiari e per l'inclusione (dal 2026). / ISEE for family benefits
    /// and inclusion (from 2026).
    PrestazioniFamiliari,
}

impl IseeKind {
    /// Every kind, in declaration order.
    pub const ALL: [IseeKind; 4] = [
        IseeKind::Ordinario,
        IseeKind::Minorenni,
        IseeKind::Sociosanitario,
        IseeKind::PrestazioniFamiliari,
    ];

    /// The serialized name (`prestazioni_familiari`).
    pub fn name(self) -> &'static str {
        match self {
            IseeKind::Ordinario => "ordinario",
            IseeKind::Minorenni => "minorenni",
            IseeKind::Sociosanitario => "sociosanitario",
            IseeKind::PrestazioniFamiliari => "prestazioni_familiari",
        }
    }
}

/// Attestazione ISEE. / ISEE attestazione.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Attestazione {
    /// Tipo di ISEE attestato. / Kind of ISEE attested.
    pub kind: IseeKind,
    /// Valore ISEE attestato. / Attested ISEE value.
    pub isee: Money,
    /// Parametro della scala di equivalenza. / Equivalence scale.
    #[serde(
        default,
        with = "crate::codes::lenient_decimal",
        skip_serializing_if = "Option::is_none"
    )]
    #[cfg_attr(feature = "schema", schemars(schema_with = "crate::codes::decimal_schema"))]
    pub scala: Option<Decimal>,
    /// Numero di protocollo della DSU (INPS-ISEE-AAAA-…). / DSU protocol number.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub protocollo: Option<String>,
    /// Data di presentazione della DSU. / DSU filing date.
    pub dsu_filed_on: NaiveDate,
    /// Scadenza; se assente, il 31 dicembre dell'anno di presentazione (D.Lgs. 147/2017 art. 10
    /// c. 4). / Expiry; when absent, 31 December of the filing year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub valid_until: Option<NaiveDate>,
    /// ISEE corrente (DPCM 159/2013 art. 9). / Current ISEE (art. 9).
    #[serde(default, skip_serializing_if = "is_false")]
    pub corrente: bool,
}

impl Attestazione {
    /// The last day the attestazione is valid: `valid_until`, or 31 December of the filing year.
    pub fn last_valid_day(&self) -> Option<NaiveDate> {
        use chrono::Datelike;
        self.valid_until.or_else(|| NaiveDate::from_ymd_opt(self.dsu_filed_on.year(), 12, 31))
    }

    /// Whether the attestazione is valid on `date`.
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        date >= self.dsu_filed_on && self.last_valid_day().is_some_and(|last| date <= last)
    }
}

/// Componente del nucleo. / Member of the household (DCI `Member`).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Identificativo del componente, unico nel nucleo (mai un codice fiscale). / Member
    /// identifier, unique in the household (never a codice fiscale). DCI `member_identifier`.
    pub member_identifier: String,
    /// Codice fiscale (facoltativo; mai riportato nei messaggi di errore). / Codice fiscale
    /// (optional; never repeated in error messages).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codice_fiscale: Option<String>,
    /// Data di nascita. / Birth date. DCI `birth_date`.
    pub birth_date: NaiveDate,
    /// Sesso (M, F) come in ANPR. / Sex (M, F) as in ANPR. DCI `sex`.
    pub sex: Sex,
    /// Relazione con l'intestatario scheda: codice ANPR (1–99) o nome. / Relationship to the
    /// head: ANPR `codiceLegame` (1–99) or its name.
    pub relationship_to_head: Relationship,
    /// Stato civile (ANPR `statoCivile`). / Marital status (ANPR `statoCivile`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marital_status: Option<MaritalStatus>,
    /// Data da cui vale lo stato civile (es. vedovanza). / Date the marital status began (e.g.
    /// widowhood: AUU extends the working-parents increase for 5 years).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub marital_status_since: Option<NaiveDate>,
    /// Madre nel nucleo: `member_identifier`. / Mother in the household: her `member_identifier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother: Option<String>,
    /// Padre nel nucleo: `member_identifier`. / Father in the household: his `member_identifier`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub father: Option<String>,
    /// Condizione di disabilità ai fini ISEE (DPCM 159/2013 allegato 3). / Disability category as
    /// defined for ISEE (DPCM 159/2013 annex 3).
    #[serde(default, skip_serializing_if = "Disability::is_none")]
    pub disability: Disability,
    /// Condizione lavorativa nell'anno di riferimento. / Employment in the reference year.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub employment: Option<Employment>,
    /// Studente (scuola, università, formazione). / Student (school, university, training).
    #[serde(default, skip_serializing_if = "is_false")]
    pub student: bool,
    /// Ricovero in struttura residenziale. / Residential care.
    #[serde(default, skip_serializing_if = "ResidentialCare::is_none")]
    pub residential_care: ResidentialCare,
    /// In condizione di svantaggio e inserito in un programma di cura e assistenza certificato
    /// (DL 48/2023 art. 2 c. 1). / Disadvantaged and enrolled in a certified care programme.
    #[serde(default, skip_serializing_if = "is_false")]
    pub care_programme: bool,
    /// Componente maggiorenne con carichi di cura designato (DL 48/2023 art. 6 c. 5; INPS msg.
    /// 592/2025). / Adult member designated as carer.
    #[serde(default, skip_serializing_if = "is_false")]
    pub carer: bool,
    /// Fiscalmente a carico (TUIR art. 12). / Dependent for income tax.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fiscally_dependent: Option<bool>,
    /// Cittadinanza o titolo di soggiorno. / Citizenship or residence title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizenship: Option<Citizenship>,
    /// Iscritto all'anagrafe del comune di residenza del nucleo (predefinito: sì). / Registered
    /// in the anagrafe of the household's comune (default: yes).
    #[serde(default = "yes", skip_serializing_if = "is_true")]
    pub registered_in_anagrafe: bool,
    /// Frequenza di asilo nido o supporto domiciliare. / Nursery attendance or home support.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub nursery: Option<Nursery>,
}

/// Sesso. / Sex.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum Sex {
    /// Maschio. / Male.
    M,
    /// Femmina. / Female.
    F,
}

/// Stato civile (ANPR `statoCivile`). / Marital status.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum MaritalStatus {
    /// 1 Celibe / nubile. / Never married.
    Celibe,
    /// 2 Coniugato/a. / Married.
    Coniugato,
    /// 3 Vedovo/a. / Widowed.
    Vedovo,
    /// 4 Divorziato/a. / Divorced.
    Divorziato,
    /// 5 Non classificabile / ignoto. / Unknown.
    Ignoto,
    /// 6 Unito civilmente. / In a civil union.
    UnitoCivilmente,
    /// 7 Stato libero a seguito di decesso della parte unita civilmente. / Free after the death
    /// of the civil partner.
    LiberoPerDecesso,
    /// 8 Stato libero a seguito di scioglimento dell'unione. / Free after dissolution of the
    /// union.
    LiberoPerScioglimento,
}

/// Condizione di disabilità (DPCM 159/2013 allegato 3). / Disability category (annex 3).
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Disability {
    /// Nessuna. / None.
    #[default]
    None,
    /// Disabilità media. / Medium disability.
    Media,
    /// Disabilità grave. / Severe disability.
    Grave,
    /// Non autosufficienza. / Non-self-sufficiency.
    NonAutosufficiente,
}

impl Disability {
    fn is_none(&self) -> bool {
        *self == Disability::None
    }
}

/// Condizione lavorativa nell'anno di riferimento. / Employment in the reference year.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Employment {
    /// Condizione prevalente. / Main status.
    pub status: EmploymentStatus,
    /// Mesi lavorati nell'anno di riferimento (0–12). / Months worked in the reference year
    /// (0–12); the ISEE scala counts parents who worked at least six.
    #[serde(default)]
    pub months_worked: u8,
    /// Anno di riferimento (di norma il secondo anno precedente la DSU). / Reference year
    /// (normally the second year before the DSU).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reference_year: Option<i32>,
}

/// Condizione lavorativa. / Employment status.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EmploymentStatus {
    /// Lavoro dipendente o assimilato. / Employee.
    Employed,
    /// Lavoro autonomo o d'impresa. / Self-employed.
    SelfEmployed,
    /// Disoccupato. / Unemployed.
    Unemployed,
    /// Pensionato. / Retired.
    Retired,
    /// Non forza lavoro (casalinga/o, inabile, …). / Not in the labour force.
    NotInLabourForce,
}

impl EmploymentStatus {
    /// Whether the status produces earned income (lavoro dipendente, autonomo o d'impresa).
    pub fn is_working(self) -> bool {
        matches!(self, EmploymentStatus::Employed | EmploymentStatus::SelfEmployed)
    }
}

/// Ricovero in struttura residenziale. / Residential care.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize,
)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum ResidentialCare {
    /// Non ricoverato. / Not in residential care.
    #[default]
    None,
    /// Ricoverato con retta a carico proprio o parziale. / In care, paying all or part.
    SelfFunded,
    /// Ricoverato con retta interamente a carico pubblico (escluso dal nucleo ADI). / In care
    /// fully paid by the public sector (left out of the ADI nucleo).
    PubliclyFunded,
}

impl ResidentialCare {
    fn is_none(&self) -> bool {
        *self == ResidentialCare::None
    }
}

/// Cittadinanza o titolo di soggiorno. / Citizenship or residence title.
///
/// The titles are those the assegno di maternità dei Comuni distinguishes (D.Lgs. 151/2001 art.
/// 74 c. 1 as amended by L. 238/2021 art. 3; D.Lgs. 251/2007 art. 27; D.Lgs. 30/2007).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Citizenship {
    /// Cittadinanza italiana. / Italian citizen.
    Italian,
    /// Cittadinanza di uno Stato UE. / EU citizen.
    Eu,
    /// Familiare extra UE di un cittadino UE, con carta di soggiorno (D.Lgs. 30/2007). / Non-EU
    /// family member of an EU citizen, with a residence card (D.Lgs. 30/2007).
    EuFamilyMember,
    /// Extra UE con permesso UE per soggiornanti di lungo periodo o titolo equiparato. / Non-EU
    /// with a long-term EU residence permit or an equivalent title.
    NonEuLongTerm,
    /// Extra UE con permesso unico di lavoro per più di sei mesi (L. 238/2021 art. 3). / Non-EU
    /// with a single work permit for more than six months.
    NonEuSinglePermit,
    /// Extra UE con permesso per ricerca per più di sei mesi (L. 238/2021 art. 3). / Non-EU with
    /// a research permit for more than six months.
    NonEuResearch,
    /// Rifugiato o titolare di protezione sussidiaria (D.Lgs. 251/2007 art. 27). / Refugee or
    /// holder of subsidiary protection.
    NonEuInternationalProtection,
    /// Extra UE con altro titolo. / Non-EU with another title.
    NonEuOther,
}

impl Citizenship {
    /// Every value, in declaration order.
    pub const ALL: [Citizenship; 8] = [
        Citizenship::Italian,
        Citizenship::Eu,
        Citizenship::EuFamilyMember,
        Citizenship::NonEuLongTerm,
        Citizenship::NonEuSinglePermit,
        Citizenship::NonEuResearch,
        Citizenship::NonEuInternationalProtection,
        Citizenship::NonEuOther,
    ];

    /// The serialized name (`non_eu_long_term`), as rulebooks compare it.
    pub fn name(self) -> &'static str {
        match self {
            Citizenship::Italian => "italian",
            Citizenship::Eu => "eu",
            Citizenship::EuFamilyMember => "eu_family_member",
            Citizenship::NonEuLongTerm => "non_eu_long_term",
            Citizenship::NonEuSinglePermit => "non_eu_single_permit",
            Citizenship::NonEuResearch => "non_eu_research",
            Citizenship::NonEuInternationalProtection => "non_eu_international_protection",
            Citizenship::NonEuOther => "non_eu_other",
        }
    }
}

/// Servizi per la prima infanzia. / Early childhood services.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Nursery {
    /// Tipo di servizio. / Kind of service.
    pub kind: NurseryKind,
    /// Retta mensile pagata. / Monthly fee paid.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub monthly_fee: Option<Money>,
    /// Primo giorno di frequenza. / First day of attendance.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
}

/// Tipo di servizio per la prima infanzia. / Kind of early childhood service.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum NurseryKind {
    /// Asilo nido pubblico o privato autorizzato. / Public or authorised private nursery.
    AsiloNido,
    /// Supporto presso l'abitazione per bambini sotto i tre anni con gravi patologie croniche. /
    /// Home support for children under three with severe chronic illness.
    HomeSupport,
}

/// Evento familiare. / Family event.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Event {
    /// Tipo di evento. / Kind of event.
    pub kind: EventKind,
    /// Data: nascita, o ingresso del minore nella famiglia anagrafica per adozioni e
    /// affidamenti. / Date: birth, or the child's entry into the family for adoptions and
    /// fostering.
    pub date: NaiveDate,
    /// Il figlio: `member_identifier`. / The child: `member_identifier`.
    pub child: String,
    /// La madre (o l'adottante): `member_identifier`. / The mother (or adopter).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother: Option<String>,
    /// La madre era residente in Italia alla data dell'evento; se assente si deduce
    /// dall'iscrizione anagrafica (`residence.since`). / The mother was resident in Italy on the
    /// event date; when absent it is inferred from the registration (`residence.since`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mother_resident: Option<bool>,
}

/// Tipo di evento. / Kind of event.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum EventKind {
    /// Nascita. / Birth.
    Birth,
    /// Adozione. / Adoption.
    Adoption,
    /// Affidamento preadottivo. / Pre-adoptive fostering.
    PreAdoptiveFostering,
}

/// Locazione. / Lease.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rent {
    /// Canone annuo. / Annual rent.
    pub annual: Money,
    /// Contratto registrato (richiesto per la quota B dell'ADI). / Registered lease (required
    /// for ADI quota B).
    pub registered: bool,
}

/// Patrimonio. / Assets.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Assets {
    /// Patrimonio immobiliare (valore IMU, esclusa la casa di abitazione fino a 150.000 €). /
    /// Real-estate assets (IMU value, without the home up to 150,000 €).
    pub real_estate: Money,
    /// Patrimonio mobiliare. / Financial assets.
    pub financial: Money,
}

/// Prestazione percepita. / Benefit received.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct BenefitReceived {
    /// Tipo di prestazione. / Kind of benefit.
    pub kind: BenefitKind,
    /// Componente beneficiario (`member_identifier`), se individuale. / Receiving member, if
    /// individual.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<String>,
    /// Figlio cui la prestazione si riferisce (es. indennità di maternità). / Child the benefit
    /// refers to (e.g. maternity indemnity).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<String>,
    /// Importo. / Amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount: Option<Money>,
    /// Periodicità dell'importo. / Period of the amount.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub period: Option<Period>,
    /// Primo giorno. / First day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<NaiveDate>,
    /// Ultimo giorno. / Last day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub to: Option<NaiveDate>,
}

impl BenefitReceived {
    /// Whether the benefit is received on `date` (open ends count as covering).
    pub fn is_active_on(&self, date: NaiveDate) -> bool {
        self.from.is_none_or(|from| from <= date) && self.to.is_none_or(|to| date <= to)
    }
}

/// Tipo di prestazione percepita. / Kind of benefit received.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum BenefitKind {
    /// Indennità di maternità (D.Lgs. 151/2001 artt. 22, 66, 70). / Maternity indemnity.
    IndennitaMaternita,
    /// Assegno di inclusione. / Inclusion allowance (ADI).
    Adi,
    /// Supporto per la formazione e il lavoro. / Training and work support (SFL).
    Sfl,
    /// Reddito di cittadinanza. / Citizenship income (until 2023).
    Rdc,
    /// NASpI. / Unemployment benefit NASpI.
    Naspi,
    /// DIS-COLL. / Unemployment benefit for freelancers.
    DisColl,
    /// Cassa integrazione. / Short-time work allowance (CIG).
    Cig,
    /// Carta acquisti. / Purchase card.
    CartaAcquisti,
    /// Assegno unico e universale. / Universal child allowance (AUU).
    AssegnoUnico,
    /// Bonus asilo nido. / Nursery bonus.
    BonusNido,
    /// Altra misura di sostegno al reddito. / Other income support.
    OtherIncomeSupport,
}

impl BenefitKind {
    /// Whether the benefit is an income support that excludes the Carta Dedicata a te (ADI, RdC,
    /// Carta acquisti, NASpI, DIS-COLL, CIG, other income support).
    pub fn is_income_support(self) -> bool {
        matches!(
            self,
            BenefitKind::Adi
                | BenefitKind::Sfl
                | BenefitKind::Rdc
                | BenefitKind::Naspi
                | BenefitKind::DisColl
                | BenefitKind::Cig
                | BenefitKind::CartaAcquisti
                | BenefitKind::OtherIncomeSupport
        )
    }
}

/// Periodicità. / Period of an amount.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Period {
    /// Mensile. / Monthly.
    Monthly,
    /// Annuale. / Annual.
    Annual,
    /// Una tantum. / One-off.
    OneOff,
}

/// Domanda presentata. / Application filed.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Application {
    /// Misura richiesta (identificativo del rulebook, es. `assegno_maternita`). / Measure applied
    /// for (rulebook id, e.g. `assegno_maternita`).
    pub measure: String,
    /// Data di presentazione. / Filing date.
    pub submitted_on: NaiveDate,
    /// Figlio cui la domanda si riferisce. / Child the application refers to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub child: Option<String>,
}

/// The format a household text is written in.
#[derive(Copy, Clone, Debug, PartialEq, Eq)]
pub enum Format {
    /// YAML 1.2 (JSON is also valid YAML, but [`Format::Json`] gives better error positions).
    Yaml,
    /// JSON.
    Json,
}

impl Format {
    /// The format for a file name: `.json` is JSON, anything else YAML; a text starting with `{`
    /// is JSON whatever its name.
    pub fn guess(name: &str, text: &str) -> Format {
        if name.to_ascii_lowercase().ends_with(".json") || text.trim_start().starts_with('{') {
            Format::Json
        } else {
            Format::Yaml
        }
    }
}

impl Household {
    /// Reads and validates a household, guessing the format from `name` and the text. `name`
    /// (a file name or `<stdin>`) only appears in error messages.
    ///
    /// ```
    /// use welfare_benefits::Household;
    ///
    /// let err = Household::from_str_named("h.yaml", "group_identifier: x\nresidence: {comune: H501}\nmember_list: []\ncolour: blue\n")
    ///     .unwrap_err();
    /// assert_eq!(err.path(), "colour");
    /// assert!(err.to_string().starts_with("h.yaml:4:1: colour: unknown field `colour`"));
    /// ```
    pub fn from_str_named(name: &str, text: &str) -> Result<Household, HouseholdError> {
        let household = match Format::guess(name, text) {
            Format::Json => Household::parse_json(name, text)?,
            Format::Yaml => Household::parse_yaml(name, text)?,
        };
        household.validate().map_err(|e| e.in_source(name))?;
        Ok(household)
    }

    /// Reads a household from YAML without the checks of [`validate`](Household::validate).
    pub fn parse_yaml(name: &str, text: &str) -> Result<Household, HouseholdError> {
        let de = serde_yaml::Deserializer::from_str(text);
        serde_path_to_error::deserialize(de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            let location = inner.location().map(|l| (l.line(), l.column()));
            // serde would quote the value it rejects (an identifier, a citizenship): not shown.
            let mut message = welfare_types::redact::serde_message(&inner.to_string());
            if let Some((line, column)) = location {
                let suffix = format!(" at line {line} column {column}");
                if let Some(stripped) = message.strip_suffix(&suffix) {
                    message = stripped.to_owned();
                }
            }
            // serde_yaml prefixes its own (parent) path: the precise one is `path`.
            if let Some((prefix, rest)) = message.split_once(": ") {
                if !prefix.contains(' ') && !prefix.is_empty() {
                    message = rest.to_owned();
                }
            }
            HouseholdError::new(HouseholdErrorKind::Format, path, message)
                .in_source(name)
                .at(location)
        })
    }

    /// Reads a household from JSON without the checks of [`validate`](Household::validate).
    pub fn parse_json(name: &str, text: &str) -> Result<Household, HouseholdError> {
        // Valid records are the rule: read them at full speed, and only read a record that
        // fails a second time, tracking the path, to say where it is wrong. The common record
        // is read by hand first (the same household as serde's, or none: `fastread`).
        if let Some(household) = crate::fastread::household(text) {
            return Ok(household);
        }
        if let Ok(household) = serde_json::from_str::<Household>(text) {
            return Ok(household);
        }
        let mut de = serde_json::Deserializer::from_str(text);
        let household: Household = serde_path_to_error::deserialize(&mut de).map_err(|e| {
            let path = e.path().to_string();
            let inner = e.into_inner();
            json_error(name, path, &inner)
        })?;
        de.end().map_err(|e| json_error(name, ".".to_owned(), &e))?;
        Ok(household)
    }

    /// Checks what the types cannot: at least one member, unique non-empty member identifiers,
    /// exactly one head (`intestatario_scheda`), references to existing members (mothers are
    /// women), months worked at most 12, no negative amounts, events on or after the child's birth
    /// (a birth on the birth date).
    pub fn validate(&self) -> Result<(), HouseholdError> {
        let invalid = |path: String, message: &str| {
            Err(HouseholdError::new(HouseholdErrorKind::Invalid, path, message.to_owned()))
        };
        if blank(&self.group_identifier) {
            return invalid("group_identifier".into(), "household identifier is empty");
        }
        if self.member_list.is_empty() {
            return invalid("member_list".into(), "household has no members");
        }
        // Households are small: earlier identifiers are compared directly up to 16 members,
        // without building a set (nor dropping one); larger lists find their first repeated
        // identifier with a set, beforehand (the loop stops at it, or at an error before it).
        let small = self.member_list.len() <= 16;
        let first_repeated = if small { None } else { first_repeated(&self.member_list) };
        // The heads are counted in the same pass, checked after it (its errors come first).
        let mut heads = 0usize;
        for (i, m) in self.member_list.iter().enumerate() {
            if blank(&m.member_identifier) {
                return invalid(
                    format!("member_list[{i}].member_identifier"),
                    "member identifier is empty",
                );
            }
            let repeated = if small {
                let earlier = self.member_list.get(..i).unwrap_or_default();
                earlier.iter().any(|e| same_id(&e.member_identifier, &m.member_identifier))
            } else {
                first_repeated == Some(i)
            };
            if repeated {
                return invalid(
                    format!("member_list[{i}].member_identifier"),
                    "member identifier is used by an earlier member",
                );
            }
            heads += usize::from(m.relationship_to_head == Relationship::IntestatarioScheda);
        }
        if heads != 1 {
            return invalid(
                "member_list".into(),
                "household must have exactly one member with relationship_to_head intestatario_scheda (1)",
            );
        }
        for (i, m) in self.member_list.iter().enumerate() {
            if let Some(cf) = &m.codice_fiscale {
                let ok = cf.len() == 16
                    && cf.bytes().all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
                if !ok {
                    return invalid(
                        format!("member_list[{i}].codice_fiscale"),
                        "codice fiscale must be 16 upper-case letters and digits",
                    );
                }
            }
            for (field, reference) in [("mother", &m.mother), ("father", &m.father)] {
                if let Some(id) = reference {
                    // Written only for an error: most households have parents in them.
                    let path = || format!("member_list[{i}].{field}");
                    match self.member(id) {
                        None => return invalid(path(), "refers to no member of the household"),
                        Some(p) if same_id(&p.member_identifier, &m.member_identifier) => {
                            return invalid(path(), "a member cannot be their own parent")
                        }
                        Some(p) if field == "mother" && p.sex != Sex::F => {
                            return invalid(path(), "the mother must have sex F")
                        }
                        Some(p) if p.birth_date >= m.birth_date => {
                            return invalid(path(), "the parent is not born before the child")
                        }
                        Some(_) => {}
                    }
                }
            }
            if let Some(e) = &m.employment {
                if e.months_worked > 12 {
                    return invalid(
                        format!("member_list[{i}].employment.months_worked"),
                        "months worked must be between 0 and 12",
                    );
                }
            }
            if let Some(fee) = m.nursery.as_ref().and_then(|n| n.monthly_fee) {
                if fee.is_negative() {
                    return invalid(
                        format!("member_list[{i}].nursery.monthly_fee"),
                        "amount is negative",
                    );
                }
            }
        }
        for (i, e) in self.events.iter().enumerate() {
            let Some(child) = self.member(&e.child) else {
                return invalid(
                    format!("events[{i}].child"),
                    "refers to no member of the household",
                );
            };
            if e.kind == EventKind::Birth && child.birth_date != e.date {
                return invalid(
                    format!("events[{i}].date"),
                    "a birth must be on the child's birth date",
                );
            }
            if e.date < child.birth_date {
                return invalid(
                    format!("events[{i}].date"),
                    "the event is before the child's birth",
                );
            }
            if let Some(mother) = &e.mother {
                match self.member(mother) {
                    None => {
                        return invalid(
                            format!("events[{i}].mother"),
                            "refers to no member of the household",
                        )
                    }
                    Some(p) if e.kind == EventKind::Birth && p.sex != Sex::F => {
                        return invalid(format!("events[{i}].mother"), "the mother must have sex F")
                    }
                    Some(_) => {}
                }
            }
        }
        for (i, b) in self.benefits_received.iter().enumerate() {
            for (field, reference) in [("member", &b.member), ("child", &b.child)] {
                if let Some(id) = reference {
                    if self.member(id).is_none() {
                        return invalid(
                            format!("benefits_received[{i}].{field}"),
                            "refers to no member of the household",
                        );
                    }
                }
            }
            if b.amount.is_some_and(Money::is_negative) {
                return invalid(format!("benefits_received[{i}].amount"), "amount is negative");
            }
            if let (Some(from), Some(to)) = (b.from, b.to) {
                if to < from {
                    return invalid(
                        format!("benefits_received[{i}].to"),
                        "the benefit ends before it starts",
                    );
                }
            }
        }
        for (i, a) in self.applications.iter().enumerate() {
            if let Some(id) = &a.child {
                if self.member(id).is_none() {
                    return invalid(
                        format!("applications[{i}].child"),
                        "refers to no member of the household",
                    );
                }
            }
        }
        // The amounts are listed (with their paths) only when one of them is negative.
        let negative = |amount: Option<&Money>| amount.is_some_and(|a| a.is_negative());
        let any_negative = negative(self.isee.ordinario.as_ref())
            || negative(self.isee.minorenni.as_ref())
            || negative(self.isee.sociosanitario.as_ref())
            || negative(self.isee.prestazioni_familiari.as_ref())
            || negative(self.family_income.as_ref())
            || negative(self.rent.as_ref().map(|r| &r.annual))
            || negative(self.assets.as_ref().map(|a| &a.real_estate))
            || negative(self.assets.as_ref().map(|a| &a.financial));
        if any_negative {
            let amounts = [
                ("isee.ordinario", self.isee.ordinario),
                ("isee.minorenni", self.isee.minorenni),
                ("isee.sociosanitario", self.isee.sociosanitario),
                ("isee.prestazioni_familiari", self.isee.prestazioni_familiari),
                ("family_income", self.family_income),
                ("rent.annual", self.rent.as_ref().map(|r| r.annual)),
                ("assets.real_estate", self.assets.as_ref().map(|a| a.real_estate)),
                ("assets.financial", self.assets.as_ref().map(|a| a.financial)),
            ];
            for (path, amount) in amounts {
                if amount.is_some_and(Money::is_negative) {
                    return invalid(path.into(), "amount is negative");
                }
            }
        }
        for (i, a) in self.isee.attestazioni.iter().enumerate() {
            if a.isee.is_negative() {
                return invalid(format!("isee.attestazioni[{i}].isee"), "amount is negative");
            }
            if a.valid_until.is_some_and(|until| until < a.dsu_filed_on) {
                return invalid(
                    format!("isee.attestazioni[{i}].valid_until"),
                    "the attestazione expires before the DSU was filed",
                );
            }
        }
        if self.isee.scala.is_some_and(|s| s <= Decimal::ZERO) {
            return invalid("isee.scala".into(), "the scala di equivalenza must be positive");
        }
        Ok(())
    }

    /// The member with this identifier.
    pub fn member(&self, id: &str) -> Option<&Member> {
        self.member_list.iter().find(|m| same_id(&m.member_identifier, id))
    }

    /// The head of the household (`intestatario_scheda`), if there is one.
    pub fn head(&self) -> Option<&Member> {
        self.member_list.iter().find(|m| m.relationship_to_head == Relationship::IntestatarioScheda)
    }
}

/// The place of the first member whose identifier an earlier member has, found with a set.
fn first_repeated(members: &[Member]) -> Option<usize> {
    let mut seen = std::collections::BTreeSet::new();
    members.iter().position(|m| !seen.insert(m.member_identifier.as_str()))
}

/// Whether two identifiers are the same text. Identifiers are short (`m1`): up to eight bytes
/// they are compared here byte by byte, without a call to the library's comparison; longer
/// ones as any text. A property test holds it equal to `==`.
#[inline]
pub(crate) fn same_id(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    if a.len() <= 8 {
        return a.iter().zip(b).all(|(x, y)| x == y);
    }
    a == b
}

/// Whether `text` is empty or only whitespace (`text.trim().is_empty()`), answered from the
/// first byte when it is an ASCII character that is not whitespace (identifiers are).
fn blank(text: &str) -> bool {
    match text.as_bytes().first() {
        Some(&b) if b.is_ascii() && !char::from(b).is_whitespace() => false,
        _ => text.trim().is_empty(),
    }
}

fn json_error(name: &str, path: String, e: &serde_json::Error) -> HouseholdError {
    // serde would quote the value it rejects (an identifier, a citizenship): not shown.
    let mut message = welfare_types::redact::serde_message(&e.to_string());
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    if let Some(stripped) = message.strip_suffix(&suffix) {
        message = stripped.to_owned();
    }
    let location = (e.line() > 0).then_some((e.line(), e.column()));
    HouseholdError::new(HouseholdErrorKind::Format, path, message).in_source(name).at(location)
}

#[cfg(test)]
mod tests {
    use super::{blank, same_id, Household};
    use proptest::prelude::*;

    /// serde's messages quote the value they reject: a household's errors do not.
    #[test]
    fn format_errors_do_not_show_the_values() {
        let member = |citizenship: &str| {
            format!(
                "{{\"member_identifier\": \"m\", \"birth_date\": \"1990-01-01\", \
                 \"relationship_to_head\": \"intestatario_scheda\", \"sex\": \"F\", \
                 \"citizenship\": \"{citizenship}\"}}"
            )
        };
        let json = [
            format!(
                "{{\"group_identifier\": 20240017, \"residence\": {{\"comune\": \"H501\"}}, \
                 \"member_list\": [{}]}}",
                member("italian")
            ),
            format!(
                "{{\"group_identifier\": \"g\", \"residence\": {{\"comune\": \"H501\"}}, \
                 \"member_list\": [{}]}}",
                member("marocchina")
            ),
        ];
        for (text, secret) in json.iter().zip(["20240017", "marocchina"]) {
            let error = Household::parse_json("line 1", text).unwrap_err().to_string();
            assert!(error.contains("(value not shown)"), "{error}");
            assert!(!error.contains(secret), "{error}");
        }
        let yaml = "group_identifier: g\nresidence: { comune: H501 }\nmember_list:\n  - { \
                    member_identifier: m, birth_date: 1990-01-01, relationship_to_head: \
                    intestatario_scheda, sex: F, citizenship: marocchina }\n";
        let error = Household::parse_yaml("h.yaml", yaml).unwrap_err().to_string();
        assert!(error.contains("unknown variant (value not shown)"), "{error}");
        assert!(!error.contains("marocchina"), "{error}");
    }

    proptest! {
        /// `same_id` is `==`: short and long identifiers, equal lengths, non-ASCII text.
        #[test]
        fn same_id_is_equality(
            a in prop_oneof![Just(String::new()), "[m1-3é]{0,4}", ".{0,12}"],
            b in prop_oneof![Just(String::new()), "[m1-3é]{0,4}", ".{0,12}"],
        ) {
            prop_assert_eq!(same_id(&a, &b), a == b);
            prop_assert!(same_id(&a, &a));
        }

        /// `blank` is `trim().is_empty()`: ASCII and Unicode whitespace (a vertical tab, a
        /// no-break space), letters, controls, any text.
        #[test]
        fn blank_is_trimmed_empty(text in prop_oneof![
            prop::collection::vec(prop::sample::select(vec![' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{a0}', '\u{2003}', 'a', 'Z', '0', '\u{0}', '\u{7f}', 'é']), 0..6)
                .prop_map(|chars| chars.into_iter().collect::<String>()),
            ".{0,8}",
        ]) {
            prop_assert_eq!(blank(&text), text.trim().is_empty());
        }
    }
}
