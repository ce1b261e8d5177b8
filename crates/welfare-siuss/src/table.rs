//! The INPS `CodicePrestazione` table as data, with its labels and flags.
//!
//! The full table is published by INPS only inside the SIUSS web application; what is public
//! and collected here:
//!
//! * A1.01–A1.20, A2.01–A2.12, A3.01–A3.03 and Z9.99 with their labels: the PSA subset
//!   (benefits conditioned on ISEE) used by the INPS ISEE consultation service
//!   (`PrestazioneDaErogare` of the `ConsultazioneISEE` service). `psa` is true for these.
//! * A1.05.01, A1.21–A1.23, A2.13–A2.29 and A3.04: codes in use in regional case-management
//!   systems that export to INPS. Their labels are not published (`label` is `None`), except
//!   A3.04 "Edilizia residenziale pubblica".
//! * Codes A2.16–A2.29 "costituiscono informazioni da inserire nel Casellario solo in caso di
//!   presa in carico da parte del servizio sociale professionale": `only_if_presa_in_carico`.
//! * A `SINA` assessment may be linked only to A1.04, A1.10–A1.16, A1.23, A2.07, A2.08, A2.14,
//!   A2.20, A2.21 and A3.02: `sina_linkable`.
//!
//! No validity dates are published for any code: `valid_from`/`valid_to` are `None` (valid
//! for every date) until INPS publishes them. A code missing from this table is reported by
//! the validator as a warning ([`Rule::UnknownCode`](crate::Rule::UnknownCode)), not an
//! error.

use chrono::NaiveDate;
use serde::Serialize;

/// One row of the INPS benefit table.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PrestazioneInps {
    /// The code as written in `CodicePrestazione` (`A1.04`).
    pub code: &'static str,
    /// The official label, when published.
    pub label: Option<&'static str>,
    /// Part of the PSA subset (benefits conditioned on ISEE).
    pub psa: bool,
    /// May be sent only with `PresaCarico=1` (codes A2.16–A2.29).
    pub only_if_presa_in_carico: bool,
    /// A `SINA` assessment may be attached.
    pub sina_linkable: bool,
    /// First day of validity, when known.
    pub valid_from: Option<NaiveDate>,
    /// Last day of validity, when known.
    pub valid_to: Option<NaiveDate>,
}

impl PrestazioneInps {
    /// Whether the code is valid on `date` (always, while no validity dates are known).
    pub fn is_valid_on(&self, date: NaiveDate) -> bool {
        self.valid_from.is_none_or(|from| date >= from) && self.valid_to.is_none_or(|to| date <= to)
    }

    /// The macro-area the first two characters name: `A1` economic transfers, `A2` services
    /// and interventions, `A3` facilities, `Z9` other.
    pub fn macro_area(&self) -> &'static str {
        match self.code.get(..2) {
            Some("A1") => "contributi economici",
            Some("A2") => "interventi e servizi",
            Some("A3") => "strutture",
            _ => "altro",
        }
    }
}

const fn row(
    code: &'static str,
    label: Option<&'static str>,
    psa: bool,
    only_if_presa_in_carico: bool,
    sina_linkable: bool,
) -> PrestazioneInps {
    PrestazioneInps {
        code,
        label,
        psa,
        only_if_presa_in_carico,
        sina_linkable,
        valid_from: None,
        valid_to: None,
    }
}

/// PSA row with label.
const fn psa(code: &'static str, label: &'static str, sina: bool) -> PrestazioneInps {
    row(code, Some(label), true, false, sina)
}

/// Non-PSA row without a published label.
const fn other(code: &'static str, only_if_pic: bool, sina: bool) -> PrestazioneInps {
    row(code, None, false, only_if_pic, sina)
}

/// The table, sorted by code.
pub const TABLE: &[PrestazioneInps] = &[
    psa("A1.01", "Assegno per il nucleo familiare erogato dai comuni", false),
    psa("A1.02", "Assegno di maternità erogato dai comuni", false),
    psa("A1.03", "Carta acquisti", false),
    psa("A1.04", "Contributi economici a integrazione del reddito familiare", true),
    psa("A1.05", "Contributi economici per alloggio", false),
    other("A1.05.01", false, false),
    psa("A1.06", "Buoni spesa o buoni pasto", false),
    psa("A1.07", "Contributi e integrazioni a rette per asili nido", false),
    psa("A1.08", "Contributi e integrazioni a rette per servizi integrativi o innovativi per la prima infanzia", false),
    psa("A1.09", "Contributi economici per i servizi scolastici", false),
    psa("A1.10", "Contributi economici per cure o prestazioni sociali a rilevanza sanitaria", true),
    psa("A1.11", "Assegnazioni economiche per il sostegno della domiciliarità e dell'autonomia personale", true),
    psa("A1.12", "Contributi e integrazioni a rette per accesso a centri diurni", true),
    psa("A1.13", "Contributi e integrazioni a rette per accesso ai servizi semi-residenziali", true),
    psa("A1.14", "Contributi e integrazioni a rette per accesso a servizi residenziali", true),
    psa("A1.15", "Contributi per servizi alla persona", true),
    psa("A1.16", "Contributi economici per servizio trasporto e mobilità", true),
    psa("A1.17", "Contributi economici erogati a titolo di prestito / prestiti d'onore", false),
    psa("A1.18", "Contributi economici per l'inserimento lavorativo", false),
    psa("A1.19", "Borse di studio", false),
    psa("A1.20", "Buono vacanze", false),
    other("A1.21", false, false),
    other("A1.22", false, false),
    other("A1.23", false, true),
    psa("A2.01", "Mensa sociale", false),
    psa("A2.02", "Sostegno socio-educativo territoriale o domiciliare", false),
    psa("A2.03", "Prestazioni del diritto allo studio universitario", false),
    psa("A2.04", "Agevolazioni per tasse universitarie", false),
    psa("A2.05", "Agevolazioni per i servizi di pubblica utilità (telefono, luce, gas)", false),
    psa("A2.06", "Agevolazioni tributarie comunali (nettezza urbana, ecc.)", false),
    psa("A2.07", "Assistenza domiciliare socio-assistenziale", true),
    psa("A2.08", "ADI – Assistenza domiciliare integrata con servizi sanitari", true),
    psa("A2.09", "Supporto all'inserimento lavorativo", false),
    psa("A2.10", "Servizi integrativi per la prima infanzia", false),
    psa("A2.11", "Sostegno socio-educativo scolastico", false),
    psa("A2.12", "Mensa scolastica", false),
    other("A2.13", false, false),
    other("A2.14", false, true),
    other("A2.15", false, false),
    other("A2.16", true, false),
    other("A2.17", true, false),
    other("A2.18", true, false),
    other("A2.19", true, false),
    other("A2.20", true, true),
    other("A2.21", true, true),
    other("A2.22", true, false),
    other("A2.23", true, false),
    other("A2.24", true, false),
    other("A2.25", true, false),
    other("A2.26", true, false),
    other("A2.27", true, false),
    other("A2.28", true, false),
    other("A2.29", true, false),
    psa("A3.01", "Strutture semiresidenziali", false),
    psa("A3.02", "Strutture residenziali", true),
    psa("A3.03", "Asilo nido", false),
    row("A3.04", Some("Edilizia residenziale pubblica"), false, false, false),
    psa("Z9.99", "Altro", false),
];

/// The row of a code, or `None` for a code this table does not know.
pub fn lookup(code: &str) -> Option<&'static PrestazioneInps> {
    TABLE.binary_search_by(|row| row.code.cmp(code)).ok().and_then(|i| TABLE.get(i))
}
