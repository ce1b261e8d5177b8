//! What the validator reports: an [`Issue`] names the element path, the [`Rule`] and what is
//! wrong, never the personal data it found.

use std::fmt;

use serde::{Deserialize, Serialize};

/// How serious an issue is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// INPS would refuse the flow (XSD or specification rule).
    Error,
    /// Suspicious but not a rule INPS is known to enforce (a code missing from the partial
    /// INPS table, a flow name not in the documented shape).
    Warning,
}

macro_rules! rules {
    ($($(#[$doc:meta])* $variant:ident = $id:literal, $blocks:literal;)+) => {
        /// The rule an [`Issue`] breaks. `xsd:` rules come from the official XSDs, `spec:`
        /// rules from the INPS technical specification (Allegato B/C) or the SIUSS guidance,
        /// `waas:` rules from the WaaS OpenAPI (`api-comuni.yaml`).
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        #[non_exhaustive]
        pub enum Rule {
            $($(#[$doc])* $variant,)+
        }

        impl Rule {
            /// Every rule.
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),+];

            /// The stable identifier printed by the validator (`xsd:pattern`, `spec:shares-sum`).
            pub const fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id),+ }
            }

            /// Whether the reader cannot build the typed model when this rule is broken (a
            /// missing required attribute, a value that is not of its type). Other rules are
            /// reported by the validator but do not stop [`read`](crate::read).
            pub const fn blocks_reading(self) -> bool {
                match self { $(Rule::$variant => $blocks),+ }
            }

            /// The rule with this identifier.
            pub fn from_id(id: &str) -> Option<Rule> {
                match id { $($id => Some(Rule::$variant),)+ _ => None }
            }
        }
    };
}

rules! {
    /// The document is not well-formed XML.
    Malformed = "xsd:well-formed", true;
    /// The root is not `Flusso` in namespace `http://inps.it/Casellario`.
    Root = "xsd:root", true;
    /// A required element is missing or in the wrong place.
    Element = "xsd:element", true;
    /// An element the schema does not declare (ignored by the reader).
    UnknownElement = "xsd:unknown-element", false;
    /// An element occurs fewer or more times than `minOccurs`/`maxOccurs`.
    Occurs = "xsd:occurs", false;
    /// A required attribute is missing.
    Required = "xsd:required-attribute", true;
    /// An attribute the schema does not declare (ignored by the reader).
    UnknownAttribute = "xsd:unknown-attribute", false;
    /// A string is shorter or longer than its `minLength`/`maxLength`/`length`.
    Length = "xsd:length", false;
    /// A string does not match its `pattern`.
    Pattern = "xsd:pattern", true;
    /// A codice fiscale does not match the XSD pattern
    /// `([A-Za-z]{6}\d{2}[A-Za-z]\d{2}[A-Za-z][A-Za-z0-9]{3}[A-Za-z])|(\d{11} {0,5})`.
    CodiceFiscale = "xsd:cf-pattern", false;
    /// A value is not one of the enumeration.
    Enumeration = "xsd:enumeration", true;
    /// A value is not an `xs:decimal`.
    Decimal = "xsd:decimal", true;
    /// A value is not an `xs:date` (`AAAA-MM-GG`).
    Date = "xsd:date", true;
    /// An `xs:int` is not a number or is outside `minInclusive`/`maxInclusive`.
    IntRange = "xsd:int-range", true;
    /// `CaratterePrestazione` is missing: optional in the XSD, mandatory in the specification.
    CarattereRequired = "spec:carattere-prestazione-required", false;
    /// A periodic benefit (`CaratterePrestazione=1`) without `DataInizioPrestazione`.
    PeriodicStartDate = "spec:periodic-start-date", false;
    /// A periodic benefit without `ImportoMensile`.
    PeriodicMonthlyAmount = "spec:periodic-monthly-amount", false;
    /// A one-off benefit (`CaratterePrestazione=2`) without `DataErogazionePrestazione`.
    OneOffPaymentDate = "spec:one-off-payment-date", false;
    /// A one-off benefit without `ImportoPrestazione`.
    OneOffAmount = "spec:one-off-amount", false;
    /// An amount the specification wants greater than zero (or, for `ImportoQuotaUtente`, not
    /// negative) is not.
    AmountSign = "spec:amount-sign", false;
    /// `DataFinePrestazione` is not in the calendar year of `DataInizioPrestazione`.
    EndDateSameYear = "spec:end-date-same-year", false;
    /// `DataFinePrestazione` is before `DataInizioPrestazione`.
    EndBeforeStart = "spec:end-before-start", false;
    /// `ImportoQuotaEnte + ImportoQuotaUtente + ImportoQuotaSSN` differs from `ImportoMensile`
    /// (periodic) or `ImportoPrestazione` (one-off).
    SharesSum = "spec:shares-sum", false;
    /// `PresaCarico=1` without `AreaUtenza`.
    AreaUtenzaRequired = "spec:area-utenza-required", false;
    /// Some but not all of `NumeroProtocolloDSU`, `AnnoProtocolloDSU`, `DataDSU`.
    DsuAllOrNone = "spec:dsu-all-or-none", false;
    /// A `SINA` assessment on a benefit code that does not allow one.
    SinaNotAllowed = "spec:sina-not-allowed", false;
    /// A code (A2.16–A2.29) that may be sent only when taken in charge, with `PresaCarico=2`.
    RequiresPresaInCarico = "spec:requires-presa-in-carico", false;
    /// `OreServizioMensile` is not hours and minutes (`HH,MM` with minutes 00–59).
    HoursMinutes = "spec:hours-minutes", true;
    /// Region or comune of residence missing while the nation is Italy (`380`).
    ResidenceItaly = "spec:residence-italy", false;
    /// `NumeroComponentiISEE` below 1 (the specification's minimum).
    ComponentsMinimum = "spec:numero-componenti-min", false;
    /// A `CodicePrestazione` missing from the INPS table this crate knows (a warning: the
    /// full INPS table is not public).
    UnknownCode = "spec:codice-prestazione-unknown", false;
    /// A birthplace, comune or region that the territorial tables do not confirm (a warning:
    /// unknown Belfiore code, ISTAT code not valid on the benefit's date, region that is not
    /// the comune's).
    Territory = "spec:territory", false;
    /// `IdentificazioneFlusso@Nome` is not `{ente}.{PS|SINBA}.{AAAAMMGG}.{progressive}`.
    FlowName = "spec:flow-name", false;
    /// A WaaS flow holds more than one beneficiary or more than one benefit.
    WaasOnePerFlow = "waas:one-per-flow", false;
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

impl<'de> Deserialize<'de> for Rule {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Rule, D::Error> {
        let id = String::deserialize(deserializer)?;
        Rule::from_id(&id).ok_or_else(|| serde::de::Error::custom("unknown siuss rule identifier"))
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Rule {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("SiussRule")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let ids: Vec<&str> = Rule::ALL.iter().map(|r| r.id()).collect();
        schemars::json_schema!({ "type": "string", "enum": ids })
    }
}

/// One broken rule at one place.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Issue {
    /// Element path with 1-based positions, the attribute after `@`:
    /// `Flusso/Beneficiario[2]/PrestazioniSociali[1]/@ImportoMensile`.
    pub path: String,
    /// The rule broken.
    pub rule: Rule,
    /// Error or warning.
    pub severity: Severity,
    /// What is wrong, in lower case, without the personal data found.
    pub message: String,
}

impl Issue {
    /// An error.
    pub fn error(path: impl Into<String>, rule: Rule, message: impl Into<String>) -> Issue {
        Issue { path: path.into(), rule, severity: Severity::Error, message: message.into() }
    }

    /// A warning.
    pub fn warning(path: impl Into<String>, rule: Rule, message: impl Into<String>) -> Issue {
        Issue { path: path.into(), rule, severity: Severity::Warning, message: message.into() }
    }

    /// Whether this is an error (not a warning).
    pub fn is_error(&self) -> bool {
        self.severity == Severity::Error
    }
}

impl fmt::Display for Issue {
    /// `path: rule: message`, with `warning: ` before the rule for warnings.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.severity {
            Severity::Error => write!(f, "{}: {}: {}", self.path, self.rule, self.message),
            Severity::Warning => {
                write!(f, "{}: warning: {}: {}", self.path, self.rule, self.message)
            }
        }
    }
}
