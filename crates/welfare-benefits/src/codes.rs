//! Coded values of the household format: ANPR relationship codes, comune codes, decimals.
//!
//! These types read both the numeric code of the standard and a readable name, and always write
//! the name, so a household exported by welfare-kit reads well and re-imports unchanged.

use std::fmt;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// Relazione con l'intestatario della scheda anagrafica (ANPR `codiceLegame`). / Relationship to
/// the head of the registry household (ANPR `codiceLegame`).
///
/// Read from the ANPR numeric code (`3`, `"3"`) or from the snake_case name (`figlio`); written as
/// the name. The codes are those of ANPR's decoding table for `legameSoggetto.codiceLegame`
/// (DPR 223/1989 art. 21; DPCM 194/2014).
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[non_exhaustive]
pub enum Relationship {
    /// 1 Intestatario scheda (head).
    IntestatarioScheda,
    /// 2 Marito / Moglie (spouse).
    Coniuge,
    /// 3 Figlio / Figlia (child).
    Figlio,
    /// 4 Nipote, discendente (grandchild).
    NipoteDiscendente,
    /// 5 Pronipote, discendente (great-grandchild).
    Pronipote,
    /// 6 Padre / Madre (parent).
    Genitore,
    /// 7 Nonno / Nonna (grandparent).
    Nonno,
    /// 8 Bisnonno / Bisnonna (great-grandparent).
    Bisnonno,
    /// 9 Fratello / Sorella (sibling).
    Fratello,
    /// 10 Nipote, collaterale (nephew or niece).
    NipoteCollaterale,
    /// 11 Zio / Zia, collaterale (uncle or aunt).
    ZioCollaterale,
    /// 12 Cugino / Cugina (cousin).
    Cugino,
    /// 13 Altro parente (other relative).
    AltroParente,
    /// 14 Figliastro / Figliastra (stepchild).
    Figliastro,
    /// 15 Patrigno / Matrigna (step-parent).
    Patrigno,
    /// 16 Genero / Nuora (son- or daughter-in-law).
    Genero,
    /// 17 Suocero / Suocera (parent-in-law).
    Suocero,
    /// 18 Cognato / Cognata (sibling-in-law).
    Cognato,
    /// 19 Fratellastro / Sorellastra (half-sibling).
    Fratellastro,
    /// 20 Nipote, affine (nephew or niece by marriage).
    NipoteAffine,
    /// 21 Zio / Zia, affine (uncle or aunt by marriage).
    ZioAffine,
    /// 22 Altro affine (other relative by marriage).
    AltroAffine,
    /// 23 Convivente con vincoli di adozione o affettivi (cohabiting partner).
    Convivente,
    /// 24 Responsabile della convivenza non affettiva (head of a non-family cohabitation).
    ResponsabileConvivenza,
    /// 25 Convivente in convivenza non affettiva (member of a non-family cohabitation).
    ConviventeNonAffettivo,
    /// 28 Unito civilmente (civil partner).
    UnitoCivilmente,
    /// 80 Adottato (adopted child).
    Adottato,
    /// 81 Nipote (grandchild or nephew, unspecified).
    Nipote,
    /// 99 Non definito / non comunicato (not stated).
    NonDefinito,
}

/// Every relationship with its ANPR code and its name, in code order.
const RELATIONSHIPS: [(Relationship, u8, &str); 29] = [
    (Relationship::IntestatarioScheda, 1, "intestatario_scheda"),
    (Relationship::Coniuge, 2, "coniuge"),
    (Relationship::Figlio, 3, "figlio"),
    (Relationship::NipoteDiscendente, 4, "nipote_discendente"),
    (Relationship::Pronipote, 5, "pronipote"),
    (Relationship::Genitore, 6, "genitore"),
    (Relationship::Nonno, 7, "nonno"),
    (Relationship::Bisnonno, 8, "bisnonno"),
    (Relationship::Fratello, 9, "fratello"),
    (Relationship::NipoteCollaterale, 10, "nipote_collaterale"),
    (Relationship::ZioCollaterale, 11, "zio_collaterale"),
    (Relationship::Cugino, 12, "cugino"),
    (Relationship::AltroParente, 13, "altro_parente"),
    (Relationship::Figliastro, 14, "figliastro"),
    (Relationship::Patrigno, 15, "patrigno"),
    (Relationship::Genero, 16, "genero"),
    (Relationship::Suocero, 17, "suocero"),
    (Relationship::Cognato, 18, "cognato"),
    (Relationship::Fratellastro, 19, "fratellastro"),
    (Relationship::NipoteAffine, 20, "nipote_affine"),
    (Relationship::ZioAffine, 21, "zio_affine"),
    (Relationship::AltroAffine, 22, "altro_affine"),
    (Relationship::Convivente, 23, "convivente"),
    (Relationship::ResponsabileConvivenza, 24, "responsabile_convivenza"),
    (Relationship::ConviventeNonAffettivo, 25, "convivente_non_affettivo"),
    (Relationship::UnitoCivilmente, 28, "unito_civilmente"),
    (Relationship::Adottato, 80, "adottato"),
    (Relationship::Nipote, 81, "nipote"),
    (Relationship::NonDefinito, 99, "non_definito"),
];

impl Relationship {
    /// The ANPR `codiceLegame`.
    pub fn code(self) -> u8 {
        RELATIONSHIPS.iter().find(|(r, _, _)| *r == self).map_or(99, |(_, code, _)| *code)
    }

    /// The snake_case name written by welfare-kit (`figlio`).
    pub fn name(self) -> &'static str {
        RELATIONSHIPS.iter().find(|(r, _, _)| *r == self).map_or("non_definito", |(_, _, n)| n)
    }

    /// The relationship with this ANPR code, if the code exists.
    pub fn from_code(code: u64) -> Option<Relationship> {
        RELATIONSHIPS.iter().find(|(_, c, _)| u64::from(*c) == code).map(|(r, _, _)| *r)
    }

    /// The relationship with this name or this code written as text.
    pub fn from_name(name: &str) -> Option<Relationship> {
        if let Ok(code) = name.trim().parse::<u64>() {
            return Relationship::from_code(code);
        }
        RELATIONSHIPS.iter().find(|(_, _, n)| *n == name.trim()).map(|(r, _, _)| *r)
    }

    /// Every relationship with its code and name, in code order (for documentation and schemas).
    pub fn all() -> impl Iterator<Item = (Relationship, u8, &'static str)> {
        RELATIONSHIPS.iter().copied()
    }

    /// Whether the member is a child of the head or of the head's partner (codes 3, 14, 80): the
    /// "figli" counted in the nucleo for the large-family rules (the DSU counts "i figli di uno
    /// stesso componente e quelli del suo coniuge").
    pub fn is_child(self) -> bool {
        matches!(self, Relationship::Figlio | Relationship::Figliastro | Relationship::Adottato)
    }

    /// Whether the member is the head or the head's spouse, civil partner or cohabiting partner
    /// (codes 1, 2, 23, 28): the parents of the head's children.
    pub fn is_head_or_partner(self) -> bool {
        matches!(
            self,
            Relationship::IntestatarioScheda
                | Relationship::Coniuge
                | Relationship::Convivente
                | Relationship::UnitoCivilmente
        )
    }
}

impl fmt::Display for Relationship {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl Serialize for Relationship {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> Deserialize<'de> for Relationship {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Relationship, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = Relationship;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an ANPR relationship code (1 intestatario_scheda, 2 coniuge, 3 figlio, …) or its name")
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Relationship, E> {
                Relationship::from_code(v)
                    .ok_or_else(|| E::custom("unknown ANPR relationship code (see codiceLegame)"))
            }
            fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Relationship, E> {
                u64::try_from(v)
                    .ok()
                    .and_then(Relationship::from_code)
                    .ok_or_else(|| E::custom("unknown ANPR relationship code (see codiceLegame)"))
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Relationship, E> {
                Relationship::from_name(v).ok_or_else(|| {
                    E::custom("unknown relationship: use an ANPR codiceLegame or its name (figlio, coniuge, …)")
                })
            }
        }
        deserializer.deserialize_any(Visitor)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for Relationship {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("Relationship")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        let codes: Vec<u8> = Relationship::all().map(|(_, c, _)| c).collect();
        let names: Vec<&str> = Relationship::all().map(|(_, _, n)| n).collect();
        schemars::json_schema!({
            "description": "Relazione con l'intestatario scheda: codice ANPR codiceLegame o nome. / Relationship to the head: ANPR codiceLegame or its name.",
            "anyOf": [
                { "type": "integer", "enum": codes },
                { "type": "string", "enum": names }
            ]
        })
    }
}

/// Codice del comune: Belfiore (catastale, `H501`) o ISTAT (`058091`). / Comune code: Belfiore
/// (cadastral, `H501`) or ISTAT (`058091`).
///
/// Only the form is checked here (a letter A–Y and three digits, or six digits): whether the code
/// names a comune that existed on a date is a territory lookup.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ComuneCode {
    /// Codice catastale (Belfiore), e.g. `H501` for Roma.
    Belfiore(String),
    /// Codice ISTAT a sei cifre, e.g. `058091` for Roma.
    Istat(String),
}

impl ComuneCode {
    /// Reads a Belfiore or ISTAT code; `None` when the text has neither form.
    pub fn parse(text: &str) -> Option<ComuneCode> {
        Some(match ComuneCode::form(text)? {
            (true, code) => ComuneCode::Belfiore(code.to_owned()),
            (false, code) => ComuneCode::Istat(code.to_owned()),
        })
    }

    /// [`ComuneCode::parse`] into `target`, reusing its text's buffer when the form is the same;
    /// `None` (and `target` unchanged) when the text has neither form.
    pub(crate) fn parse_into(text: &str, target: &mut ComuneCode) -> Option<()> {
        match (ComuneCode::form(text)?, &mut *target) {
            ((true, code), ComuneCode::Belfiore(kept))
            | ((false, code), ComuneCode::Istat(kept)) => {
                kept.clear();
                kept.push_str(code);
            }
            ((true, code), _) => *target = ComuneCode::Belfiore(code.to_owned()),
            ((false, code), _) => *target = ComuneCode::Istat(code.to_owned()),
        }
        Some(())
    }

    /// Whether `text` (trimmed) is a Belfiore code (`true`) or an ISTAT code (`false`), with the
    /// trimmed text; `None` when it has neither form.
    fn form(text: &str) -> Option<(bool, &str)> {
        let t = text.trim();
        let bytes = t.as_bytes();
        match bytes {
            [letter, rest @ ..]
                if rest.len() == 3
                    && letter.is_ascii_uppercase()
                    && *letter != b'Z'
                    && rest.iter().all(u8::is_ascii_digit) =>
            {
                Some((true, t))
            }
            _ if bytes.len() == 6 && bytes.iter().all(u8::is_ascii_digit) => Some((false, t)),
            _ => None,
        }
    }

    /// The code as written.
    pub fn as_str(&self) -> &str {
        match self {
            ComuneCode::Belfiore(c) | ComuneCode::Istat(c) => c,
        }
    }
}

impl fmt::Display for ComuneCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl Serialize for ComuneCode {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> Deserialize<'de> for ComuneCode {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<ComuneCode, D::Error> {
        struct Visitor;
        impl serde::de::Visitor<'_> for Visitor {
            type Value = ComuneCode;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a Belfiore code (letter and three digits) or a six-digit ISTAT code")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<ComuneCode, E> {
                ComuneCode::parse(v).ok_or_else(|| {
                    E::custom("comune code is neither a Belfiore code (H501) nor a six-digit ISTAT code (058091)")
                })
            }
        }
        deserializer.deserialize_str(Visitor)
    }
}

#[cfg(feature = "schema")]
impl schemars::JsonSchema for ComuneCode {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        std::borrow::Cow::Borrowed("ComuneCode")
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({
            "description": "Codice Belfiore (H501) o ISTAT a sei cifre (058091). / Belfiore code (H501) or six-digit ISTAT code (058091).",
            "type": "string",
            "pattern": "^([A-Y][0-9]{3}|[0-9]{6})$"
        })
    }
}

/// Serde helpers for an optional exact decimal written as a string (`"2.76"`) or a number
/// (`2.76`): a number is read through its shortest decimal text, never through float arithmetic.
pub(crate) mod lenient_decimal {
    use std::fmt;

    use rust_decimal::Decimal;
    use serde::{Deserializer, Serializer};

    struct Visitor;

    impl serde::de::Visitor<'_> for Visitor {
        type Value = Option<Decimal>;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a decimal number such as 2.76")
        }
        fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Self::Value, E> {
            Decimal::from_str_exact(v.trim())
                .map(Some)
                .map_err(|_| E::custom("not a decimal number such as 2.76"))
        }
        fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Self::Value, E> {
            Ok(Some(Decimal::from(v)))
        }
        fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Self::Value, E> {
            Ok(Some(Decimal::from(v)))
        }
        fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Self::Value, E> {
            if !v.is_finite() {
                return Err(E::custom("not a decimal number such as 2.76"));
            }
            self.visit_str(&format!("{v}"))
        }
        fn visit_none<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
        fn visit_unit<E: serde::de::Error>(self) -> Result<Self::Value, E> {
            Ok(None)
        }
    }

    /// Reads `Option<Decimal>` from a string, a number or null.
    pub(crate) fn deserialize<'de, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Option<Decimal>, D::Error> {
        d.deserialize_any(Visitor)
    }

    /// Writes `Option<Decimal>` as a string (`"2.76"`), or null.
    pub(crate) fn serialize<S: Serializer>(v: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(d) => s.collect_str(d),
            None => s.serialize_none(),
        }
    }
}

/// JSON Schema of a decimal written as a string or a number.
#[cfg(feature = "schema")]
pub(crate) fn decimal_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
    schemars::json_schema!({
        "anyOf": [
            { "type": "string", "pattern": "^-?[0-9]+(\\.[0-9]+)?$" },
            { "type": "number" },
            { "type": "null" }
        ]
    })
}
