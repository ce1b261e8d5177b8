//! # welfare-isee
//!
//! The ISEE (Indicatore della Situazione Economica Equivalente) computed from the components
//! of a DSU exactly as DPCM 5 dicembre 2013 n. 159 and its amendments say: ISR, ISP, ISE, scala
//! di equivalenza and ISEE of every variant, in exact decimals, with a trace that cites the
//! article of every step in Italian or English.
//!
//! ```
//! use chrono::NaiveDate;
//! use welfare_isee::{compute, Dsu, FinancialItem, FinancialKind, Income, IseeKind, Member,
//!                    Relationship, Rent};
//! use welfare_types::Money;
//!
//! let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
//! let eur = Money::from_euros;
//! let member = |id: &str, born, relationship, employee: i64| Member {
//!     id: id.into(),
//!     codice_fiscale: None,
//!     birth_date: born,
//!     relationship,
//!     disability: None,
//!     worked_six_months: employee > 0,
//!     irpef_dependent: false,
//!     income: Income { irpef_total: eur(employee), employee: eur(employee), ..Income::default() },
//! };
//! // Example A: two employed parents, two minors (one aged 2), rent 7,800, accounts 25,000.
//! let dsu = Dsu {
//!     filing_date: d(2026, 3, 2),
//!     members: vec![
//!         member("p1", d(1985, 4, 1), Relationship::Dichiarante, 28_000),
//!         member("p2", d(1987, 9, 1), Relationship::Coniuge, 12_000),
//!         member("f1", d(2016, 5, 1), Relationship::Figlio, 0),
//!         member("f2", d(2023, 11, 20), Relationship::Figlio, 0),
//!     ],
//!     rent: Some(Rent { annual: eur(7_800), registered: true }),
//!     real_estate: vec![],
//!     financial: vec![FinancialItem {
//!         owner: "p1".into(),
//!         kind: FinancialKind::Deposito,
//!         balance: eur(25_000),
//!         average_balance: None,
//!     }],
//!     figurative_income_rate: None,
//!     beneficiary: None,
//!     additional_components: vec![],
//! };
//! let ordinario = compute(&dsu, IseeKind::Ordinario)?;
//! assert_eq!(ordinario.isr.to_string(), "27600.00");
//! assert_eq!(ordinario.isp.to_string(), "15000.00");
//! assert_eq!(ordinario.ise.to_string(), "30600.00");
//! assert_eq!(ordinario.scala.to_string(), "2.76");
//! assert_eq!(ordinario.isee.to_string(), "11086.96");
//! let familiare = compute(&dsu, IseeKind::PrestazioniFamiliari)?;
//! assert_eq!(familiare.isee.to_string(), "10699.30");
//! println!("{}", ordinario.explain(welfare_isee::Language::It));
//! # Ok::<(), welfare_isee::IseeError>(())
//! ```
//!
//! ## The computation
//!
//! * **ISR** (art. 4): per member, the income items of c. 2 less the deductions of c. 3
//!   (employment 20 % up to 3,000; pensions and benefits 20 % up to 1,000; maintenance paid),
//!   not below zero; plus the notional income of financial assets other than deposits; less the
//!   rent (up to 7,000 + 500 per child after the second, registered leases only) and, under the
//!   original 2014 text, the disability franchigie and expenses (health expenses up to 5,000
//!   per disabled member, care staff and residential fees of non-autosufficient members);
//!   not below zero.
//! * **ISP** (art. 5): each property at its IMU value less its own residual mortgage (not below
//!   zero); the main home counts for 2/3 of what exceeds 52,500 + 2,500 per child after the
//!   second (91,500 or 120,000 + 2,500 per child after the first for the 2026 family ISEE);
//!   financial assets (deposits at the larger of total balances and total average balances),
//!   less the government and postal bonds exclusion (from 3 April 2025) and the franchigia
//!   min(6,000 + 2,000 × (members − 1), 10,000) + 1,000 per child after the second.
//! * **ISE** = ISR + 0.2 × ISP; **ISEE** = ISE / scala + componenti aggiuntive.
//! * **Scala** (Allegato 1): 1, 1.57, 2.04, 2.46, 2.85, +0.35 each further member; +0.2 / 0.35 /
//!   0.5 for 3 / 4 / ≥ 5 children (0.10 / 0.25 / 0.40 / 0.55 for 2 / 3 / 4 / ≥ 5 in the 2026
//!   family ISEE); +0.2 (0.3 with a child under three) when every parent worked six months, or
//!   for a non-working single parent with minor children only; +0.5 per disabled member from
//!   28 June 2016.
//! * **Rounding**: every intermediate figure is exact (`rust_decimal`, 28 significant digits
//!   for the 2/3 and the divisions). ISR, ISP, ISE, scala and ISEE are each rounded half-up to
//!   the cent ([`Rounding::CENT_HALF_UP`](welfare_types::Rounding::CENT_HALF_UP)) from their
//!   exact value, only at the end; ISE and ISEE are computed from the exact figures, not the
//!   rounded ones. Without componenti aggiuntive the ISEE is rounded from the exact quotient
//!   ISE / scala in integers, which gives the same cent as rounding the 28-digit decimal
//!   quotient whenever the scala's digits times 10^(decimals of the ISE) stay within 10^12
//!   and the ISEE below 10^12 € (the decimal division is used otherwise).
//!
//! Parameters are dated ([`params`]): a DSU filed before 1 January 2015 is an error, and the
//! 2026 family ISEE does not exist for earlier DSU.
//!
//! ## Variants ([`IseeKind`])
//!
//! | variant | nucleo | extra |
//! |---|---|---|
//! | `ordinario`, `corrente` | every member but a `genitore_non_convivente` | corrente: valid 6 months |
//! | `minorenni`, `universitario` | every member, the non-cohabiting parent included | componente aggiuntiva `genitore_non_convivente` |
//! | `sociosanitario` | adult disabled `beneficiary` with spouse, minor and IRPEF-dependent children; a beneficiary who is a child of the dichiarante is a nucleo of one | |
//! | `sociosanitario_residenze` | as sociosanitario | componente aggiuntiva per `figlio_non_nel_nucleo` |
//! | `prestazioni_familiari` | as ordinario (from 2026) | 2026 home threshold and child maggiorazioni |
//!
//! The componente aggiuntiva follows Allegato 2 c. 1: (ISE / own scale − 9,000) × 0.2 / the
//! beneficiary's scale, nothing when not positive or when the person is `exempt`.
//!
//! ## Known limitations
//!
//! Where our sources mark a rule as unverified, this crate chooses as follows; every choice is
//! covered by a test named `choice_…`.
//!
//! * **Pension deduction vs employee deduction** (art. 4 c. 3; no source settles whether they
//!   are alternatives): both apply by default ([`PensionDeduction::Cumulative`], the literal
//!   reading); [`PensionDeduction::AlternativeToEmployee`] keeps only the larger.
//! * **Notional income rate** (art. 4 c. 2; which year's ten-year BTP yield or legal rate +1 %
//!   INPS applies is reported only by users): not built in. The DSU carries it as
//!   `figurative_income_rate` and computing a DSU with non-deposit assets without it is an
//!   error. Deposits and postal savings books (postal deposits) are excluded from its base,
//!   and so is the excluded part of government and postal bonds.
//! * **Bond exclusion allocation** (DPCM 13/2025; INPS messaggio 1895/2025): 50,000 € per
//!   nucleo, by holder (dichiarante, then members from the oldest, then the non-cohabiting
//!   parent), then by instrument (titoli di Stato, buoni fruttiferi, libretti).
//! * **2026 family ISEE** (L. 199/2025 c. 208–209, INPS messaggio 102/2026): the 2/3 rule on the
//!   main-home excess is kept, children are the `figlio` members of the nucleo with no age
//!   limit, both for the threshold (after the first) and for the maggiorazione.
//! * **Working-parents maggiorazione c)**: for a non-working single parent with minor children
//!   only, the whole of b) applies, including 0.3 with a child under three. "Parents" are the
//!   dichiarante, the coniuge and an attracted non-cohabiting parent; children are `figlio`
//!   members; ages are taken on the filing date.
//! * **Disability expenses of the original text** (art. 4 c. 4 lett. b–c, DSU filed before
//!   28 June 2016; secondary sources agree on the list, the primary text was not read):
//!   certified health expenses for the disabled (`disability_health_expenses`) are deducted up
//!   to 5,000 € **per disabled member** (sources give the cap without saying per what); care
//!   staff (`care_staff_expenses`) and residential-care fees (`residential_care_fees`) of a
//!   non-autosufficient member are deducted in full and **on top of** the franchigia of
//!   lett. d (no source makes them alternatives, and any limit tied to the benefits received
//!   is not modelled). The trace cites both kinds as "lett. b-c", the letter of each not being
//!   confirmed. Whether the health expenses sit in c. 3 and so **survived** DL 42/2016 art.
//!   2-sexies is unverified: we follow the reform as reported by INPS circ. 137/2016 and deduct
//!   none of them from 28 June 2016 (the trace records each one not deducted). Health expenses
//!   need a disability category, care expenses `non_autosufficienza`: otherwise the DSU is
//!   invalid.
//! * **Rent in a restricted nucleo**: the rent deduction applies only when the dichiarante is in
//!   the nucleo computed.
//! * **Componente aggiuntiva of the non-cohabiting parent** (Allegato 2 c. 2): computed with the
//!   formula of c. 1 on the ISE and scale of the parent's own nucleo, which the DSU supplies.
//! * **Validity**: the DSU is valid until 15 January of the next year for DSU filed before 2020
//!   and until 31 December from 2020 (the change took effect during 2019, which this crate does
//!   not split); an ISEE corrente is valid six months (to the day before the same date six
//!   months later), though the rewritten art. 9 may give longer.
//! * **University student autonomy** (art. 8) and the **minorenni exceptions** (art. 7 c. 1) are
//!   the declarant's to apply: the DSU lists who is in the nucleo and which parent generates a
//!   componente aggiuntiva.
//! * **Donations** that still count for residential care (art. 6 c. 3) and the ownership
//!   shares of properties are not modelled separately: the DSU declares the values to count
//!   (`imu_value` is the value of the share owned).
//! * **Children** for the rent cap, the main-home threshold and the franchigia are the `figlio`
//!   members of the nucleo computed (cohabiting by construction), with no age limit.
//! * **INPS rounding steps** are not published: rounding only at the end is our choice.
//!
//! ## Crate features
//!
//! * `schema`: `schemars::JsonSchema` for every public type and `schema::dsu_schema()`.

pub mod attestazione;
pub mod compute;
mod decimal_serde;
pub mod dsu;
pub mod error;
mod exact;
pub mod kind;
pub mod params;
#[cfg(feature = "schema")]
pub mod schema;
pub mod trace;

pub use attestazione::{Attestazione, AttestazioneError, IseeValues, ProtocolError, ProtocolloDsu};
pub use compute::{compute, compute_with, ComputeOptions, IseeResult, PensionDeduction};
pub use dsu::{
    AdditionalComponent, AdditionalRole, Disability, Dsu, FinancialItem, FinancialKind, Income,
    Member, RealEstate, Relationship, Rent,
};
pub use error::{IseeError, IseeErrorKind};
pub use kind::IseeKind;
pub use trace::{Language, Step, TraceStep};
