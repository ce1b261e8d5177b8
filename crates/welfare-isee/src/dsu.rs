//! The Dichiarazione Sostitutiva Unica (DSU): what a household declares.
//!
//! Every field is documented in Italian and in English; the JSON Schema
//! (`schema::dsu_schema()`, feature `schema`) carries the same text. Unknown fields are an
//! error, so a misspelt field is never silently ignored.
//!
//! Members are referred to by a local `id` (`"p1"`, `"figlio2"`…), never by their codice
//! fiscale: the id is what traces and error messages print.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use welfare_types::{CodiceFiscale, Money};

use crate::error::IseeError;

fn is_zero(value: &Money) -> bool {
    value.is_zero()
}

/// Below zero, checked on the sign bit (cheaper than a decimal comparison).
fn negative(value: Money) -> bool {
    let amount = value.amount();
    amount.is_sign_negative() && !amount.is_zero()
}

/// Whether two member ids are equal; ids are short and usually differ in their last or first
/// character, so those are compared before the whole text.
pub(crate) fn same_id(a: &str, b: &str) -> bool {
    a.len() == b.len()
        && a.as_bytes().last() == b.as_bytes().last()
        && a.as_bytes().first() == b.as_bytes().first()
        && a == b
}

fn is_false(value: &bool) -> bool {
    !*value
}

/// Dichiarazione Sostitutiva Unica. — The single self-declaration (DSU) an ISEE is computed from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Dsu {
    /// Data di presentazione della DSU: sceglie i parametri in vigore. — Date the DSU was
    /// filed: it selects the parameters in force.
    pub filing_date: NaiveDate,
    /// Componenti del nucleo familiare (uno e un solo dichiarante). — Members of the household
    /// (exactly one `dichiarante`).
    pub members: Vec<Member>,
    /// Canone di locazione della casa di abitazione, se in affitto. — Rent of the home, for
    /// renters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rent: Option<Rent>,
    /// Patrimonio immobiliare, un elemento per immobile. — Real estate, one item per property.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub real_estate: Vec<RealEstate>,
    /// Patrimonio mobiliare, un elemento per rapporto finanziario. — Financial assets, one item
    /// per account or holding.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub financial: Vec<FinancialItem>,
    /// Tasso annuo in percentuale per il reddito figurativo delle attività finanziarie diverse
    /// dai depositi (es. "3.04"); obbligatorio se tali attività ci sono. — Annual rate, in
    /// percent, for the notional income of financial assets other than deposits (e.g. "3.04");
    /// required when there are such assets.
    #[serde(
        default,
        skip_serializing_if = "Option::is_none",
        with = "crate::decimal_serde::option"
    )]
    #[cfg_attr(feature = "schema", schemars(with = "Option<String>"))]
    pub figurative_income_rate: Option<Decimal>,
    /// Id del beneficiario della prestazione sociosanitaria (ISEE sociosanitario e residenze).
    /// — Id of the beneficiary of the social-health benefit (sociosanitario ISEE variants).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub beneficiary: Option<String>,
    /// Componenti aggiuntive: genitore non convivente (art. 7) e figli non nel nucleo (art. 6
    /// c. 3). — Additional components: non-cohabiting parent (art. 7) and children outside the
    /// nucleo (art. 6 c. 3).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub additional_components: Vec<AdditionalComponent>,
}

/// Componente del nucleo familiare. — A member of the household.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Member {
    /// Identificativo locale, unico nella DSU, usato da tracce e riferimenti (non il codice
    /// fiscale). — Local identifier, unique in the DSU, used by traces and references (not the
    /// codice fiscale).
    pub id: String,
    /// Codice fiscale (facoltativo; validato, mai stampato). — Codice fiscale (optional;
    /// validated, never printed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub codice_fiscale: Option<CodiceFiscale>,
    /// Data di nascita. — Date of birth.
    pub birth_date: NaiveDate,
    /// Rapporto con il dichiarante. — Relationship to the declarant.
    pub relationship: Relationship,
    /// Condizione di disabilità (DPCM 159/2013 Allegato 3), se presente. — Disability category
    /// (DPCM 159/2013 Allegato 3), if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub disability: Option<Disability>,
    /// Ha lavorato almeno sei mesi nell'anno di riferimento dei redditi. — Worked (employed or
    /// self-employed) at least six months in the income reference year.
    #[serde(default, skip_serializing_if = "is_false")]
    pub worked_six_months: bool,
    /// Figlio maggiorenne a carico ai fini IRPEF (nucleo ristretto sociosanitario). — Adult child
    /// dependent for IRPEF (restricted sociosanitario nucleo).
    #[serde(default, skip_serializing_if = "is_false")]
    pub irpef_dependent: bool,
    /// Redditi del componente nell'anno di riferimento. — The member's incomes in the reference
    /// year.
    #[serde(default)]
    pub income: Income,
}

/// Rapporto con il dichiarante. — Relationship to the declarant.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum Relationship {
    /// Il dichiarante. — The declarant.
    Dichiarante,
    /// Coniuge o unito civilmente del dichiarante. — Spouse or civil partner of the declarant.
    Coniuge,
    /// Figlio del dichiarante o del coniuge. — Child of the declarant or of the spouse.
    Figlio,
    /// Genitore non convivente e non coniugato che ha riconosciuto il figlio: fa parte del nucleo
    /// solo per l'ISEE minorenni e universitario (art. 7). — Non-cohabiting, non-married parent
    /// who recognised the child: part of the nucleo only for the minorenni and universitario
    /// variants (art. 7).
    GenitoreNonConvivente,
    /// Altro componente. — Any other member.
    Altro,
}

/// Condizione di disabilità, DPCM 159/2013 Allegato 3. — Disability category, DPCM 159/2013
/// Allegato 3.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Disability {
    /// Disabilità media. — Medium disability.
    Media,
    /// Disabilità grave. — Severe disability.
    Grave,
    /// Non autosufficienza. — Not self-sufficient.
    NonAutosufficienza,
}

/// Redditi di un componente e spese che ne sono detratte (importi annui in euro). — A member's
/// incomes and the expenses deducted from them (annual, euro).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Income {
    /// Reddito complessivo ai fini IRPEF (art. 4 c. 2 lett. a). — Total income for IRPEF.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub irpef_total: Money,
    /// Redditi soggetti a imposta sostitutiva o a ritenuta a titolo d'imposta (lett. b). —
    /// Income taxed by a substitute tax or a final withholding.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub substitute_tax: Money,
    /// Redditi esenti e redditi da lavoro dipendente prestato all'estero (lett. c). — Exempt
    /// income and employment income taxed only abroad.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub exempt: Money,
    /// Quota del reddito IRPEF da lavoro dipendente e assimilati (base della detrazione del 20%).
    /// — Share of the IRPEF income from employment (base of the 20 % deduction).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub employee: Money,
    /// Quota del reddito IRPEF da pensione (base della detrazione del 20%). — Share of the IRPEF
    /// income from pensions (base of the 20 % deduction).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub pension: Money,
    /// Trattamenti assistenziali, previdenziali e indennitari non inclusi nel reddito IRPEF,
    /// esclusi quelli per la disabilità (lett. f). — Welfare and social-security benefits not in
    /// IRPEF income, except disability benefits.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub assistance_benefits: Money,
    /// Trattamenti percepiti in ragione della disabilità: contano solo con le regole originarie
    /// (DSU fino al 27/06/2016). — Disability-related benefits: counted only under the original
    /// rules (DSU up to 27 June 2016).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub disability_benefits: Money,
    /// Assegni di mantenimento per i figli effettivamente percepiti (lett. e). — Child
    /// maintenance actually received.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub maintenance_received: Money,
    /// Assegni periodici al coniuge e per il mantenimento dei figli corrisposti (art. 4 c. 3). —
    /// Maintenance paid to a (former) spouse and for children.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub maintenance_paid: Money,
    /// Proventi agrari (base IRAP al netto del costo del personale, lett. d), non già nel reddito
    /// IRPEF. — Agricultural proceeds (IRAP base net of staff costs), not already in IRPEF
    /// income.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub agricultural: Money,
    /// Spese sanitarie per disabili, per cani guida e per l'interpretariato dei sordi, e spese
    /// mediche e di assistenza specifica, certificate ai fini fiscali, sostenute per questo
    /// componente (che deve avere una condizione di disabilità); detratte fino a 5.000 euro solo
    /// con il testo originario (DSU fino al 27/06/2016). — Health expenses for the disabled,
    /// guide dogs and sign interpreting, and medical and specific-care expenses, certified for
    /// tax purposes, borne for this member (who must have a disability category); deducted up
    /// to 5,000 € only under the original text (DSU up to 27 June 2016).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub disability_health_expenses: Money,
    /// Spese per collaboratori domestici e addetti all'assistenza personale di questo componente
    /// non autosufficiente; detratte solo con il testo originario (DSU fino al 27/06/2016). —
    /// Expenses for domestic workers and personal-care assistants of this non-self-sufficient
    /// member; deducted only under the original text (DSU up to 27 June 2016).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub care_staff_expenses: Money,
    /// Rette di ricovero in struttura residenziale di questo componente non autosufficiente;
    /// detratte solo con il testo originario (DSU fino al 27/06/2016). — Residential-care fees
    /// of this non-self-sufficient member; deducted only under the original text (DSU up to
    /// 27 June 2016).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub residential_care_fees: Money,
}

impl Income {
    /// Whether any disability expense is declared (DPCM 159/2013 art. 4 c. 4 lett. b–c,
    /// original text).
    pub fn has_disability_expenses(&self) -> bool {
        !(self.disability_health_expenses.is_zero()
            && self.care_staff_expenses.is_zero()
            && self.residential_care_fees.is_zero())
    }
}

/// Locazione della casa di abitazione. — Lease of the home.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Rent {
    /// Canone annuo del contratto. — Annual contractual rent.
    pub annual: Money,
    /// Contratto registrato (senza registrazione nessuna detrazione). — The lease is registered
    /// (no deduction without registration).
    pub registered: bool,
}

/// Immobile. — A property.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RealEstate {
    /// Id del componente titolare. — Id of the owning member.
    pub owner: String,
    /// Valore ai fini IMU (IVIE se all'estero) della quota posseduta. — IMU value (IVIE abroad)
    /// of the share owned.
    pub imu_value: Money,
    /// Quota capitale residua del mutuo per acquisto o costruzione. — Residual mortgage for its
    /// purchase or construction.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub residual_mortgage: Money,
    /// Casa di abitazione del nucleo. — The household's own home.
    #[serde(default, skip_serializing_if = "is_false")]
    pub main_home: bool,
    /// Immobile all'estero (art. 5 c. 3). — Property abroad.
    #[serde(default, skip_serializing_if = "is_false")]
    pub abroad: bool,
    /// Casa in un comune capoluogo di città metropolitana (soglia 120.000 dell'ISEE per
    /// prestazioni familiari). — Home in the capital comune of a metropolitan city (120,000
    /// threshold of the family-benefits ISEE).
    #[serde(default, skip_serializing_if = "is_false")]
    pub metropolitan_capital: bool,
}

/// Tipo di rapporto finanziario. — Kind of financial holding.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FinancialKind {
    /// Depositi e conti correnti bancari e postali. — Bank and postal deposits and accounts.
    Deposito,
    /// Titoli di Stato (rapporti 02 e 06). — Government bonds.
    TitoliDiStato,
    /// Buoni fruttiferi postali (rapporto 07). — Postal savings bonds.
    BuoniFruttiferiPostali,
    /// Libretti di risparmio postale (rapporto 03). — Postal savings books.
    LibrettiPostali,
    /// Ogni altra attività finanziaria. — Any other financial asset.
    Altro,
}

/// Rapporto finanziario. — A financial holding.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct FinancialItem {
    /// Id del componente titolare. — Id of the holding member.
    pub owner: String,
    /// Tipo di rapporto. — Kind of holding.
    pub kind: FinancialKind,
    /// Saldo o valore al 31 dicembre dell'anno di riferimento. — Balance or value on 31 December
    /// of the reference year.
    pub balance: Money,
    /// Giacenza media annua (solo depositi e conti). — Average annual balance (deposits and
    /// accounts only).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub average_balance: Option<Money>,
}

/// Chi genera una componente aggiuntiva. — Who an additional component belongs to.
#[derive(Copy, Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AdditionalRole {
    /// Genitore non convivente coniugato con altri o con figli da altri (art. 7 c. 1 lett. a-b),
    /// per l'ISEE minorenni e universitario. — Non-cohabiting parent married to someone else or
    /// with children by someone else, for the minorenni and universitario variants.
    GenitoreNonConvivente,
    /// Figlio non nel nucleo del beneficiario di prestazioni residenziali (art. 6 c. 3). — Child
    /// outside the nucleo of a residential-care beneficiary.
    FiglioNonNelNucleo,
}

/// Componente aggiuntiva (DPCM 159/2013 Allegato 2). — Additional component.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct AdditionalComponent {
    /// Identificativo locale. — Local identifier.
    pub id: String,
    /// Chi è. — Whose component it is.
    pub role: AdditionalRole,
    /// ISE della persona (solo i suoi redditi e patrimoni; donazioni escluse). — ISE of the
    /// person alone (own incomes and assets; donations excluded).
    pub ise: Money,
    /// Scala di equivalenza del nucleo della persona. — Equivalence scale of the person's own
    /// nucleo.
    #[serde(with = "crate::decimal_serde")]
    #[cfg_attr(feature = "schema", schemars(with = "String"))]
    pub scala: Decimal,
    /// Componente non calcolata (disabilità o estraneità accertata, art. 6 c. 3 lett. b). — Not
    /// computed (disability, or estrangement ascertained by a court or social services).
    #[serde(default, skip_serializing_if = "is_false")]
    pub exempt: bool,
}

impl Dsu {
    /// Checks what the types cannot: one dichiarante, unique ids, known owners, amounts not
    /// negative, shares within the IRPEF total, one main home, birth dates before filing.
    ///
    /// Errors name the field path (`members[1].income.employee`), never a value.
    pub fn validate(&self) -> Result<(), IseeError> {
        let invalid = |path: String, reason: &'static str| Err(IseeError::Invalid { path, reason });
        if self.members.is_empty() {
            return invalid("members".into(), "the nucleo has no members");
        }
        let (mut declarants, mut spouses) = (0_usize, 0_usize);
        for m in &self.members {
            match m.relationship {
                Relationship::Dichiarante => declarants += 1,
                Relationship::Coniuge => spouses += 1,
                _ => {}
            }
        }
        if declarants != 1 {
            return invalid("members".into(), "exactly one member must be the dichiarante");
        }
        if spouses > 1 {
            return invalid("members".into(), "at most one member can be the coniuge");
        }
        for (i, member) in self.members.iter().enumerate() {
            if member.id.bytes().all(|b| b.is_ascii_whitespace()) {
                return invalid(format!("members[{i}].id"), "member id is empty");
            }
            let earlier = self.members.get(..i).unwrap_or_default();
            if earlier.iter().any(|m| same_id(&m.id, &member.id)) {
                return invalid(format!("members[{i}].id"), "member id is used twice");
            }
            if member.birth_date > self.filing_date {
                return invalid(format!("members[{i}].birth_date"), "born after the filing date");
            }
            member.income.validate(i)?;
            if member.income.has_disability_expenses() {
                let reason = match member.disability {
                    None if !member.income.disability_health_expenses.is_zero() => Some((
                        "disability_health_expenses",
                        "disability expenses need a disability category",
                    )),
                    Some(Disability::NonAutosufficienza) => None,
                    _ if !member.income.care_staff_expenses.is_zero() => Some((
                        "care_staff_expenses",
                        "care expenses are deducted only for a non autosufficiente member",
                    )),
                    _ if !member.income.residential_care_fees.is_zero() => Some((
                        "residential_care_fees",
                        "care expenses are deducted only for a non autosufficiente member",
                    )),
                    _ => None,
                };
                if let Some((field, reason)) = reason {
                    return invalid(format!("members[{i}].income.{field}"), reason);
                }
            }
        }
        if let Some(rent) = &self.rent {
            if negative(rent.annual) {
                return invalid("rent.annual".into(), "amount is negative");
            }
        }
        let mut main_homes = 0_usize;
        for (i, item) in self.real_estate.iter().enumerate() {
            self.check_owner(&item.owner, || format!("real_estate[{i}].owner"))?;
            if negative(item.imu_value) {
                return invalid(format!("real_estate[{i}].imu_value"), "amount is negative");
            }
            if negative(item.residual_mortgage) {
                return invalid(
                    format!("real_estate[{i}].residual_mortgage"),
                    "amount is negative",
                );
            }
            if item.main_home {
                main_homes += 1;
                if main_homes > 1 {
                    return invalid(
                        format!("real_estate[{i}].main_home"),
                        "only one property can be the main home",
                    );
                }
            }
        }
        for (i, item) in self.financial.iter().enumerate() {
            self.check_owner(&item.owner, || format!("financial[{i}].owner"))?;
            if negative(item.balance) {
                return invalid(format!("financial[{i}].balance"), "amount is negative");
            }
            if let Some(average) = item.average_balance {
                if item.kind != FinancialKind::Deposito {
                    return invalid(
                        format!("financial[{i}].average_balance"),
                        "an average balance is declared only for deposits and accounts",
                    );
                }
                if negative(average) {
                    return invalid(
                        format!("financial[{i}].average_balance"),
                        "amount is negative",
                    );
                }
            }
        }
        if let Some(rate) = self.figurative_income_rate {
            if rate.is_sign_negative() || rate > Decimal::ONE_HUNDRED {
                return invalid("figurative_income_rate".into(), "rate must be 0-100 percent");
            }
        }
        if let Some(beneficiary) = &self.beneficiary {
            self.check_owner(beneficiary, || "beneficiary".into())?;
        }
        for (i, extra) in self.additional_components.iter().enumerate() {
            if negative(extra.ise) {
                return invalid(format!("additional_components[{i}].ise"), "amount is negative");
            }
            if extra.scala < Decimal::ONE {
                return invalid(
                    format!("additional_components[{i}].scala"),
                    "an equivalence scale is at least 1",
                );
            }
        }
        Ok(())
    }

    fn check_owner(&self, id: &str, path: impl FnOnce() -> String) -> Result<(), IseeError> {
        if self.members.iter().any(|m| same_id(&m.id, id)) {
            Ok(())
        } else {
            Err(IseeError::Invalid { path: path(), reason: "no member has this id" })
        }
    }
}

impl Income {
    fn validate(&self, member: usize) -> Result<(), IseeError> {
        // A negative amount has its sign bit set: one pass over the bits first, the search
        // for which field (and the check that it is not a negative zero) only if one is.
        let negative = |m: &Money| m.amount().is_sign_negative();
        let signs = negative(&self.irpef_total)
            | negative(&self.substitute_tax)
            | negative(&self.exempt)
            | negative(&self.employee)
            | negative(&self.pension)
            | negative(&self.assistance_benefits)
            | negative(&self.disability_benefits)
            | negative(&self.maintenance_received)
            | negative(&self.maintenance_paid)
            | negative(&self.agricultural)
            | negative(&self.disability_health_expenses)
            | negative(&self.care_staff_expenses)
            | negative(&self.residential_care_fees);
        if signs {
            self.find_negative(member)?;
        }
        let shares = if self.pension.is_zero() {
            self.employee
        } else {
            self.employee.checked_add(self.pension)?
        };
        if !shares.is_zero() && crate::exact::greater(shares, self.irpef_total) {
            return Err(IseeError::Invalid {
                path: format!("members[{member}].income.employee"),
                reason: "employee and pension shares exceed the IRPEF total",
            });
        }
        Ok(())
    }

    fn find_negative(&self, member: usize) -> Result<(), IseeError> {
        let values = [
            self.irpef_total,
            self.substitute_tax,
            self.exempt,
            self.employee,
            self.pension,
            self.assistance_benefits,
            self.disability_benefits,
            self.maintenance_received,
            self.maintenance_paid,
            self.agricultural,
            self.disability_health_expenses,
            self.care_staff_expenses,
            self.residential_care_fees,
        ];
        if let Some(i) = values.iter().position(|v| negative(*v)) {
            const NAMES: [&str; 13] = [
                "irpef_total",
                "substitute_tax",
                "exempt",
                "employee",
                "pension",
                "assistance_benefits",
                "disability_benefits",
                "maintenance_received",
                "maintenance_paid",
                "agricultural",
                "disability_health_expenses",
                "care_staff_expenses",
                "residential_care_fees",
            ];
            let name = NAMES.get(i).copied().unwrap_or("amount");
            return Err(IseeError::Invalid {
                path: format!("members[{member}].income.{name}"),
                reason: "amount is negative",
            });
        }
        Ok(())
    }
}
