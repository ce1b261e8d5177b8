//! The static types of the rule language.

use std::fmt;
use std::sync::Arc;

/// A type of the rule language. Checked before anything runs.
#[derive(
    Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[non_exhaustive]
pub enum Type {
    /// An exact euro amount ([`welfare_types::Money`]).
    Money,
    /// An exact decimal (a rate, a coefficient, a ratio of two amounts).
    Decimal,
    /// A whole number (a count, an age in years).
    Integer,
    /// A number literal not yet given a unit: it fits money, decimal and (if whole) integer.
    Number,
    /// True or false.
    Boolean,
    /// Free text.
    Text,
    /// One of a closed set of names.
    Enum(Arc<[String]>),
    /// A calendar date.
    Date,
    /// A list of values of one type.
    List(Box<Type>),
    /// A value that may be missing (an optional fact): test it with `mancante` / `missing`.
    Optional(Box<Type>),
    /// A band table parameter (rows by upper bound, named columns).
    BandTable,
    /// A piecewise-linear scale parameter.
    Scale,
    /// The household's members (only as the first argument of an aggregation).
    Members,
}

impl Type {
    /// Parses a scalar type name as written in a rulebook.
    pub fn scalar(name: &str) -> Option<Type> {
        Some(match name {
            "money" | "denaro" | "importo" => Type::Money,
            "decimal" | "decimale" => Type::Decimal,
            "integer" | "intero" => Type::Integer,
            "boolean" | "bool" | "booleano" => Type::Boolean,
            "text" | "testo" => Type::Text,
            "date" | "data" => Type::Date,
            _ => return None,
        })
    }

    /// The names accepted by [`Type::scalar`] (English spelling).
    pub const SCALAR_NAMES: [&'static str; 6] =
        ["money", "decimal", "integer", "boolean", "text", "date"];

    /// Whether values of this type are numbers at run time.
    pub fn is_numeric(&self) -> bool {
        matches!(self, Type::Money | Type::Decimal | Type::Integer | Type::Number)
    }

    /// The type without its `Optional` wrapper.
    pub fn strip_optional(&self) -> &Type {
        match self {
            Type::Optional(inner) => inner,
            other => other,
        }
    }

    /// Whether a value of type `self` may be used where `want` is declared.
    pub fn fits(&self, want: &Type) -> bool {
        match (self, want) {
            (a, b) if a == b => true,
            (Type::Number, Type::Money | Type::Decimal | Type::Integer) => true,
            (Type::Integer, Type::Decimal) => true,
            (Type::Enum(_), Type::Text) => true,
            (Type::Enum(a), Type::Enum(b)) => a.iter().all(|v| b.contains(v)),
            (Type::List(a), Type::List(b)) => a.fits(b),
            (a, Type::Optional(b)) => a.strip_optional().fits(b),
            _ => false,
        }
    }
}

impl fmt::Display for Type {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Type::Money => write!(f, "money"),
            Type::Decimal => write!(f, "decimal"),
            Type::Integer => write!(f, "integer"),
            Type::Number => write!(f, "number"),
            Type::Boolean => write!(f, "boolean"),
            Type::Text => write!(f, "text"),
            Type::Enum(values) => write!(f, "enum [{}]", values.join(", ")),
            Type::Date => write!(f, "date"),
            Type::List(inner) => write!(f, "list of {inner}"),
            Type::Optional(inner) => write!(f, "optional {inner}"),
            Type::BandTable => write!(f, "band table"),
            Type::Scale => write!(f, "scale"),
            Type::Members => write!(f, "members"),
        }
    }
}
