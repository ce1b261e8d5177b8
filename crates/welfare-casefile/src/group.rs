//! Groups of persons: famiglia anagrafica (DPR 223/1989 art. 4), nucleo ISEE (DPCM 159/2013
//! art. 3), household of care and convivenza (DPR 223/1989 art. 5), with dated memberships and
//! ANPR relationship codes (`codiceLegame`).
//!
//! The three household notions differ (spouses with different residences stay in one nucleo
//! ISEE, for instance), so they are distinct group kinds and never merged.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use welfare_types::dates::DateRange;

use crate::error::{Error, Result, Subject, TransitionError};
use crate::ids::{GroupId, PersonId};

/// The kind of group.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupKind {
    /// Registry household (famiglia anagrafica), as ANPR holds it.
    FamigliaAnagrafica,
    /// ISEE household (nucleo familiare, DPCM 159/2013 art. 3).
    NucleoIsee,
    /// The household of care as seen by the social worker (may include non-cohabiting kin).
    HouseholdOfCare,
    /// Institutional cohabitation (convivenza anagrafica: community, institute).
    Convivenza,
}

/// ANPR relationship to the head of the registry record (`codiceLegame`).
#[derive(Copy, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(try_from = "u8", into = "u8")]
pub struct RelationshipCode(u8);

/// A number that is not an ANPR `codiceLegame`.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("not an ANPR relationship code (1-25, 28, 80, 81, 99)")]
pub struct RelationshipCodeError;

impl RelationshipCode {
    /// Intestatario scheda (head of the registry record).
    pub const HEAD: RelationshipCode = RelationshipCode(1);
    /// Marito / Moglie.
    pub const SPOUSE: RelationshipCode = RelationshipCode(2);
    /// Figlio / Figlia.
    pub const CHILD: RelationshipCode = RelationshipCode(3);
    /// Padre / Madre.
    pub const PARENT: RelationshipCode = RelationshipCode(6);
    /// Convivente (con vincoli di adozione o affettivi).
    pub const COHABITANT: RelationshipCode = RelationshipCode(23);
    /// Non definito / comunicato.
    pub const UNDEFINED: RelationshipCode = RelationshipCode(99);

    /// Checks the code against the ANPR table.
    pub fn new(code: u8) -> Result<RelationshipCode, RelationshipCodeError> {
        if RelationshipCode(code).label().is_some() {
            Ok(RelationshipCode(code))
        } else {
            Err(RelationshipCodeError)
        }
    }

    /// The numeric code.
    pub fn code(self) -> u8 {
        self.0
    }

    /// The ANPR label, `None` for an unknown code.
    pub fn label(self) -> Option<&'static str> {
        Some(match self.0 {
            1 => "Intestatario scheda",
            2 => "Marito / Moglie",
            3 => "Figlio / Figlia",
            4 => "Nipote (discendente)",
            5 => "Pronipote (discendente)",
            6 => "Padre / Madre",
            7 => "Nonno / Nonna",
            8 => "Bisnonno / Bisnonna",
            9 => "Fratello / Sorella",
            10 => "Nipote (collaterale)",
            11 => "Zio / Zia (collaterale)",
            12 => "Cugino / Cugina",
            13 => "Altro parente",
            14 => "Figliastro / Figliastra",
            15 => "Patrigno / Matrigna",
            16 => "Genero / Nuora",
            17 => "Suocero / Suocera",
            18 => "Cognato / Cognata",
            19 => "Fratellastro / Sorellastra",
            20 => "Nipote (affine)",
            21 => "Zio / Zia (affine)",
            22 => "Altro affine",
            23 => "Convivente (con vincoli di adozione o affettivi)",
            24 => "Responsabile della convivenza non affettiva",
            25 => "Convivente in convivenza non affettiva",
            28 => "Unito civilmente",
            80 => "Adottato",
            81 => "Nipote",
            99 => "Non definito/comunicato",
            _ => return None,
        })
    }
}

impl TryFrom<u8> for RelationshipCode {
    type Error = RelationshipCodeError;
    fn try_from(code: u8) -> Result<RelationshipCode, RelationshipCodeError> {
        RelationshipCode::new(code)
    }
}

impl From<RelationshipCode> for u8 {
    fn from(code: RelationshipCode) -> u8 {
        code.0
    }
}

impl fmt::Debug for RelationshipCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "RelationshipCode({})", self.0)
    }
}

/// A dated membership of a person in a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Membership {
    /// The member.
    pub person: PersonId,
    /// Relationship to the head (ANPR code); for a nucleo ISEE, to the dichiarante.
    pub relationship: RelationshipCode,
    /// When the person belongs to the group.
    pub valid: DateRange,
}

/// A group (folded state).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Group {
    /// Identifier.
    pub id: GroupId,
    /// Kind.
    pub kind: GroupKind,
    /// ANPR `idFamigliaConvivenzaANPR`, for registry groups.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub anpr_id: Option<String>,
    /// Memberships, in the order they were recorded.
    pub members: Vec<Membership>,
}

impl Group {
    /// The members on `date`.
    pub fn members_on(&self, date: NaiveDate) -> impl Iterator<Item = &Membership> {
        self.members.iter().filter(move |m| m.valid.contains(date))
    }
}

/// An event of the group aggregate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupEvent {
    /// The group was formed.
    Formed {
        /// Identifier.
        id: GroupId,
        /// Kind.
        kind: GroupKind,
        /// ANPR id.
        anpr_id: Option<String>,
    },
    /// A person joined.
    MemberJoined(Membership),
    /// A person left on `on` (last day of membership).
    MemberLeft {
        /// The person.
        person: PersonId,
        /// Last day.
        on: NaiveDate,
    },
}

/// A command to the group aggregate.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum GroupCommand {
    /// Form a group.
    Form {
        /// Kind.
        kind: GroupKind,
        /// ANPR id.
        anpr_id: Option<String>,
    },
    /// Add a member from a day.
    Join {
        /// The person.
        person: PersonId,
        /// Relationship code.
        relationship: RelationshipCode,
        /// First day.
        from: NaiveDate,
    },
    /// A member leaves; `on` is the last day.
    Leave {
        /// The person.
        person: PersonId,
        /// Last day.
        on: NaiveDate,
    },
}

impl crate::engine::Aggregate for Group {
    type Id = GroupId;
    type Command = GroupCommand;
    type Event = GroupEvent;
    const SUBJECT: Subject = Subject::Group;

    fn state_name(state: Option<&Group>) -> &'static str {
        if state.is_some() {
            "formed"
        } else {
            "absent"
        }
    }

    fn decide(
        id: &GroupId,
        state: Option<&Group>,
        command: &GroupCommand,
        _ctx: &crate::engine::CommandContext,
    ) -> Result<Vec<GroupEvent>> {
        match (state, command) {
            (None, GroupCommand::Form { kind, anpr_id }) => Ok(vec![GroupEvent::Formed {
                id: id.clone(),
                kind: *kind,
                anpr_id: anpr_id.clone(),
            }]),
            (Some(_), GroupCommand::Form { .. }) => {
                Err(Error::AlreadyExists { subject: Subject::Group, id: id.to_string() })
            }
            (None, _) => Err(Error::NotFound { subject: Subject::Group, id: id.to_string() }),
            (Some(g), GroupCommand::Join { person, relationship, from }) => {
                let range = DateRange::starting(*from);
                if g.members.iter().any(|m| &m.person == person && m.valid.overlaps(&range)) {
                    return Err(Error::invalid(
                        "join.from",
                        "the person is already a member on an overlapping period",
                    ));
                }
                if g.kind == GroupKind::FamigliaAnagrafica
                    && *relationship == RelationshipCode::HEAD
                    && g.members_on(*from).any(|m| m.relationship == RelationshipCode::HEAD)
                {
                    return Err(Error::invalid(
                        "join.relationship",
                        "the group already has a head",
                    ));
                }
                Ok(vec![GroupEvent::MemberJoined(Membership {
                    person: person.clone(),
                    relationship: *relationship,
                    valid: range,
                })])
            }
            (Some(g), GroupCommand::Leave { person, on }) => {
                let open = g.members.iter().find(|m| &m.person == person && m.valid.to().is_none());
                match open {
                    Some(m) if m.valid.from() <= *on => {
                        Ok(vec![GroupEvent::MemberLeft { person: person.clone(), on: *on }])
                    }
                    Some(_) => Err(Error::invalid("leave.on", "is before the membership began")),
                    None => Err(TransitionError {
                        subject: Subject::Group,
                        state: "formed",
                        command: "leave (not a current member)",
                    }
                    .into()),
                }
            }
        }
    }

    fn apply(state: Option<Group>, event: &GroupEvent) -> Result<Group> {
        match (state, event) {
            (None, GroupEvent::Formed { id, kind, anpr_id }) => Ok(Group {
                id: id.clone(),
                kind: *kind,
                anpr_id: anpr_id.clone(),
                members: Vec::new(),
            }),
            (Some(mut g), GroupEvent::MemberJoined(m)) => {
                g.members.push(m.clone());
                Ok(g)
            }
            (Some(mut g), GroupEvent::MemberLeft { person, on }) => {
                for m in g.members.iter_mut().filter(|m| &m.person == person) {
                    if m.valid.to().is_none() {
                        m.valid = DateRange::new(m.valid.from(), Some(*on))
                            .map_err(|_| Error::invalid("member_left.on", "before start"))?;
                    }
                }
                Ok(g)
            }
            (Some(g), GroupEvent::Formed { .. }) => {
                Err(Error::AlreadyExists { subject: Subject::Group, id: g.id.to_string() })
            }
            (None, _) => Err(Error::NotFound { subject: Subject::Group, id: String::new() }),
        }
    }
}
