//! The ISEE variants.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// Which ISEE: the ordinary one or a variant for specific benefits.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum IseeKind {
    /// ISEE ordinario (DPCM 159/2013 art. 2–5). — The ordinary ISEE.
    Ordinario,
    /// ISEE per prestazioni ai minorenni (art. 7): il genitore non convivente entra nel nucleo
    /// o genera una componente aggiuntiva. — For benefits to minors: the non-cohabiting parent
    /// joins the nucleo or adds a component.
    Minorenni,
    /// ISEE sociosanitario (art. 6): nucleo ristretto del beneficiario maggiorenne disabile. —
    /// Social-health ISEE: the restricted nucleo of an adult disabled beneficiary.
    Sociosanitario,
    /// ISEE sociosanitario per prestazioni residenziali (art. 6 c. 3): più una componente
    /// aggiuntiva per ogni figlio non nel nucleo (Allegato 2). — For residential care: plus an
    /// additional component for each child outside the nucleo.
    SociosanitarioResidenze,
    /// ISEE per le prestazioni per il diritto allo studio universitario (art. 8). — For
    /// university study grants.
    Universitario,
    /// ISEE corrente (art. 9): redditi degli ultimi dodici mesi. — Current ISEE: incomes of the
    /// last twelve months.
    Corrente,
    /// ISEE per specifiche prestazioni familiari e per l'inclusione (L. 199/2025 art. 1 c.
    /// 208–209), dal 2026. — ISEE for family and inclusion benefits, from 2026.
    PrestazioniFamiliari,
}

impl IseeKind {
    /// Every variant, in declaration order.
    pub const ALL: [IseeKind; 7] = [
        IseeKind::Ordinario,
        IseeKind::Minorenni,
        IseeKind::Sociosanitario,
        IseeKind::SociosanitarioResidenze,
        IseeKind::Universitario,
        IseeKind::Corrente,
        IseeKind::PrestazioniFamiliari,
    ];

    /// The serialized name (`"prestazioni_familiari"`).
    pub const fn as_str(self) -> &'static str {
        match self {
            IseeKind::Ordinario => "ordinario",
            IseeKind::Minorenni => "minorenni",
            IseeKind::Sociosanitario => "sociosanitario",
            IseeKind::SociosanitarioResidenze => "sociosanitario_residenze",
            IseeKind::Universitario => "universitario",
            IseeKind::Corrente => "corrente",
            IseeKind::PrestazioniFamiliari => "prestazioni_familiari",
        }
    }

    /// The legal basis of the variant.
    pub const fn article(self) -> &'static str {
        match self {
            IseeKind::Ordinario => "DPCM 159/2013 art. 3",
            IseeKind::Minorenni => "DPCM 159/2013 art. 7",
            IseeKind::Sociosanitario => "DPCM 159/2013 art. 6 c. 2",
            IseeKind::SociosanitarioResidenze => "DPCM 159/2013 art. 6 c. 3",
            IseeKind::Universitario => "DPCM 159/2013 art. 8",
            IseeKind::Corrente => "DPCM 159/2013 art. 9",
            IseeKind::PrestazioniFamiliari => "L. 199/2025 art. 1 c. 208-209",
        }
    }
}

impl fmt::Display for IseeKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The text is not the name of an ISEE variant.
#[derive(Copy, Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error(
    "unknown ISEE kind (expected ordinario, minorenni, sociosanitario, sociosanitario_residenze, \
     universitario, corrente or prestazioni_familiari)"
)]
pub struct UnknownKind;

impl FromStr for IseeKind {
    type Err = UnknownKind;
    fn from_str(s: &str) -> Result<IseeKind, UnknownKind> {
        let wanted = s.trim().to_ascii_lowercase().replace('-', "_");
        IseeKind::ALL.into_iter().find(|k| k.as_str() == wanted).ok_or(UnknownKind)
    }
}
