//! Identifiers: validated string newtypes, one per kind of thing, so a case id can never be
//! passed where a person id is expected.
//!
//! Every identifier is 1–64 characters from `A-Z a-z 0-9 . _ : -`. Identifiers are opaque and
//! must not be built from personal data (a codice fiscale is not an id: it lives in
//! [`PersonIdentifiers`](crate::person::PersonIdentifiers)), because ids travel into access logs
//! and outbox messages, which carry no personal data.

use std::fmt;

use serde::{Deserialize, Serialize};

/// Why a text is not a valid identifier. The message never repeats the text.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IdError {
    /// The identifier is empty.
    #[error("identifier is empty")]
    Empty,
    /// The identifier is longer than 64 characters.
    #[error("identifier is longer than 64 characters")]
    TooLong,
    /// The identifier has a character outside `A-Z a-z 0-9 . _ : -`.
    #[error("identifier has a character outside A-Z a-z 0-9 . _ : -")]
    Character,
}

/// Checks the identifier alphabet and length.
pub(crate) fn check_id(text: &str) -> Result<(), IdError> {
    if text.is_empty() {
        return Err(IdError::Empty);
    }
    if text.len() > 64 {
        return Err(IdError::TooLong);
    }
    if !text.bytes().all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'_' | b':' | b'-')) {
        return Err(IdError::Character);
    }
    Ok(())
}

macro_rules! id_type {
    ($(#[$doc:meta])* $name:ident) => {
        $(#[$doc])*
        #[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "String")]
        pub struct $name(String);

        impl $name {
            /// Validates and wraps an identifier.
            pub fn new(text: impl Into<String>) -> Result<$name, IdError> {
                let text = text.into();
                check_id(&text)?;
                Ok($name(text))
            }

            /// The identifier as text.
            pub fn as_str(&self) -> &str {
                &self.0
            }
        }

        impl TryFrom<String> for $name {
            type Error = IdError;
            fn try_from(text: String) -> Result<$name, IdError> {
                $name::new(text)
            }
        }

        impl From<$name> for String {
            fn from(id: $name) -> String {
                id.0
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl fmt::Debug for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}({})", stringify!($name), self.0)
            }
        }

        impl std::str::FromStr for $name {
            type Err = IdError;
            fn from_str(text: &str) -> Result<$name, IdError> {
                $name::new(text)
            }
        }

        #[cfg(feature = "schema")]
        impl schemars::JsonSchema for $name {
            fn schema_name() -> std::borrow::Cow<'static, str> {
                std::borrow::Cow::Borrowed(stringify!($name))
            }

            fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
                schemars::json_schema!({
                    "description": concat!("Identifier (", stringify!($name), "): 1-64 characters from A-Z a-z 0-9 . _ : -"),
                    "type": "string",
                    "minLength": 1,
                    "maxLength": 64,
                    "pattern": "^[A-Za-z0-9._:-]{1,64}$"
                })
            }
        }
    };
}

id_type!(
    /// A tenant: one ente or one ambito territoriale (which may hold many comuni).
    TenantId
);
id_type!(
    /// An organisation inside a tenant: a member comune or the ente capofila.
    OrganisationId
);
id_type!(
    /// A service unit (settore) of an organisation.
    UnitId
);
id_type!(
    /// An operator (a user of the case file).
    OperatorId
);
id_type!(
    /// A person known to the social service.
    PersonId
);
id_type!(
    /// A group of persons (famiglia anagrafica, nucleo ISEE, household of care, convivenza).
    GroupId
);
id_type!(
    /// An intake record (scheda di accesso) and its referral.
    IntakeId
);
id_type!(
    /// A case (cartella sociale).
    CaseId
);
id_type!(
    /// An application (istanza) under L. 241/1990.
    IstanzaId
);
id_type!(
    /// A journal entry of a case.
    EntryId
);
id_type!(
    /// A PAI (progetto individualizzato) of a case.
    PaiId
);
id_type!(
    /// A node of the local intervention catalogue.
    InterventionTypeId
);
id_type!(
    /// A planned (programmed) intervention of a case.
    PlannedInterventionId
);
id_type!(
    /// A delivery (erogazione) of a planned intervention.
    DeliveryId
);
id_type!(
    /// A document stored outside the case file, referenced by its hash.
    DocumentId
);
id_type!(
    /// A consent or legal-basis record.
    ConsentId
);
id_type!(
    /// A command, chosen by the caller: sending the same command id twice applies it once.
    CommandId
);
id_type!(
    /// An outbox message (an integration event to be delivered after commit).
    MessageId
);
