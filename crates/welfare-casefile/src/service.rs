//! [`CaseFile`]: the access-controlled front door. Every operator access to personal data goes
//! through a pure policy function of [`crate::access`] and leaves one [`AccessLogEntry`] (ids
//! and codes only), allowed or denied.
//!
//! ## What is logged
//!
//! | method | action logged | purpose | decided by |
//! |---|---|---|---|
//! | [`CaseFile::case`] | [`action_for`] the command | [`Purpose::CaseWork`] | [`access::decide`] |
//! | [`CaseFile::person`] | [`Action::WritePerson`] | [`Purpose::Intake`] | [`access::decide_permission`] |
//! | [`CaseFile::group`] | [`Action::WriteGroup`] | [`Purpose::Intake`] | [`access::decide_permission`] |
//! | [`CaseFile::intake`] | [`Action::WriteIntake`] | [`Purpose::Intake`] | [`access::decide_permission`] |
//! | [`CaseFile::istanza`] | [`Action::HandleIstanza`] / [`Action::DecideIstanza`] | [`Purpose::IstanzaInstruction`] | [`access::decide_istanza_command`] |
//! | [`CaseFile::read_case`] | [`Action::ReadCase`] | the caller's | [`access::decide`] |
//! | [`CaseFile::read_istanza`] | [`Action::ReadIstanza`] | the caller's | [`access::decide_istanza`] |
//! | [`CaseFile::read_person`] | [`Action::ReadPerson`] | the caller's | [`access::decide_person`] |
//! | [`CaseFile::read_group`] | [`Action::ReadGroup`] | the caller's | [`access::decide_group`] |
//! | [`CaseFile::read_intake`] | [`Action::ReadIntake`] | the caller's | [`access::decide_intake`] |
//!
//! * A **denied** command or read appends its entry on its own and returns [`Error::Denied`];
//!   a denied command changes no state.
//! * An **allowed** command that writes events commits its entry in the same unit of work as
//!   the events ([`crate::engine::execute`]): both are stored or neither. An allowed command
//!   that writes nothing (a repeated command id, or a command that produces no events) still
//!   returns the state, so its entry is appended on its own. An allowed command that fails
//!   (e.g. a refused transition, a version conflict) stores nothing, its entry included.
//! * An **allowed** read appends its entry, then returns the data.
//! * A read, or a case command other than opening, on an aggregate that does not exist returns
//!   [`Error::NotFound`] and is not logged: no personal data was accessed. So does an istanza
//!   command other than a draft. Person, group and intake commands are decided on a permission
//!   alone, before anything is loaded: a denied one is logged whether or not the aggregate
//!   exists, an allowed one on a missing aggregate fails like any other allowed command that
//!   fails.
//! * [`CaseFile::load_case`] and [`CaseFile::all_cases`] are **unlogged system reads** for
//!   reports and exports run by the system, not by an operator; they check no policy either.
//!   So is anything done directly on the store through [`CaseFile::store`] or
//!   [`CaseFile::store_mut`] (e.g. delivering the outbox): operator-facing code must not hand
//!   those out.

use chrono::NaiveDate;

use crate::access::{self, AccessLogEntry, Action, CaseView, PersonView, Purpose};
use crate::case::{Case, CaseCommand};
use crate::engine::{execute, load, CommandContext, Executed, Streamed};
use crate::error::{Error, Result, Subject};
use crate::events::AggregateRef;
use crate::group::{Group, GroupCommand};
use crate::ids::{CaseId, CommandId, GroupId, IntakeId, IstanzaId, PersonId};
use crate::intake::{Intake, IntakeCommand};
use crate::istanza::{Istanza, IstanzaCommand};
use crate::person::{Person, PersonCommand};
use crate::store::CaseStore;
use crate::tenancy::{Permission, Tenant};

/// The action a case command needs.
pub fn action_for(command: &CaseCommand) -> Action {
    match command {
        CaseCommand::Open { .. } => Action::WriteJournal,
        CaseCommand::Refer { .. }
        | CaseCommand::Assign { .. }
        | CaseCommand::EndAssignment { .. }
        | CaseCommand::Share(_) => Action::ManageTeam,
        CaseCommand::TakeInCharge { .. } => Action::TakeInCharge,
        CaseCommand::AddEntry { .. } => Action::WriteJournal,
        CaseCommand::OpenPai(_) | CaseCommand::MonitorPai { .. } | CaseCommand::ClosePai { .. } => {
            Action::ManagePai
        }
        CaseCommand::PlanIntervention(_) | CaseCommand::ChangeInterventionStatus { .. } => {
            Action::PlanIntervention
        }
        CaseCommand::RecordDelivery(_) => Action::RecordDelivery,
        CaseCommand::Close { .. } | CaseCommand::Reopen { .. } => Action::CloseCase,
    }
}

/// A tenant's case file over a store.
#[derive(Debug)]
pub struct CaseFile<S> {
    tenant: Tenant,
    store: S,
}

impl<S: CaseStore> CaseFile<S> {
    /// A case file for a validated tenant.
    pub fn new(tenant: Tenant, store: S) -> Result<CaseFile<S>> {
        tenant
            .validate()
            .map_err(|e| Error::Invalid { field: "tenant".into(), problem: e.to_string() })?;
        Ok(CaseFile { tenant, store })
    }

    /// A case file whose tenant configuration is loaded from its own event stream
    /// (see [`crate::tenancy::TenantEvent`]).
    pub fn from_store(store: S, tenant: &crate::ids::TenantId) -> Result<CaseFile<S>> {
        let (config, _) = load::<Tenant, S>(&store, tenant, tenant)?;
        let config = config
            .ok_or_else(|| Error::NotFound { subject: Subject::Tenant, id: tenant.to_string() })?;
        CaseFile::new(config, store)
    }

    /// The tenant.
    pub fn tenant(&self) -> &Tenant {
        &self.tenant
    }

    /// The store.
    pub fn store(&self) -> &S {
        &self.store
    }

    /// The store, mutably (e.g. to deliver the outbox).
    pub fn store_mut(&mut self) -> &mut S {
        &mut self.store
    }

    fn log(
        &self,
        ctx: &CommandContext,
        aggregate: AggregateRef,
        action: Action,
        purpose: Purpose,
        d: access::Decision,
    ) -> AccessLogEntry {
        AccessLogEntry {
            at: ctx.now,
            tenant: self.tenant.id.clone(),
            operator: ctx.actor.clone(),
            aggregate,
            action,
            purpose,
            allowed: d.allowed,
            reason: d.reason,
        }
    }

    /// Executes `command` on aggregate `id` when `entry` records an allowed decision, and
    /// stores `entry` as the module docs say: alone when denied (then [`Error::Denied`]), in
    /// the unit of work with the events, or alone when the command wrote nothing.
    fn execute_logged<A: Streamed>(
        &mut self,
        ctx: &CommandContext,
        id: &A::Id,
        command_id: &CommandId,
        command: &A::Command,
        entry: AccessLogEntry,
    ) -> Result<Executed<A>> {
        if !entry.allowed {
            let reason = entry.reason;
            self.store.append_access_log(&self.tenant.id, entry)?;
            return Err(Error::Denied { reason: format!("{reason:?}") });
        }
        let done = execute(
            &mut self.store,
            &self.tenant.id,
            id,
            command_id,
            command,
            ctx,
            vec![entry.clone()],
        )?;
        if done.recorded.is_empty() {
            self.store.append_access_log(&self.tenant.id, entry)?;
        }
        Ok(done)
    }

    /// A command decided by a permission on the day ([`access::decide_permission`]).
    fn permission_command<A: Streamed>(
        &mut self,
        ctx: &CommandContext,
        id: &A::Id,
        command_id: &CommandId,
        command: &A::Command,
        (action, permission, purpose): (Action, Permission, Purpose),
    ) -> Result<Executed<A>> {
        let decision = access::decide_permission(&self.tenant, &ctx.actor, permission, ctx.today());
        let entry = self.log(ctx, A::aggregate_ref(id), action, purpose, decision);
        self.execute_logged(ctx, id, command_id, command, entry)
    }

    /// Executes a person command (needs [`Permission::RegisterIntake`]); logs
    /// [`Action::WritePerson`] for [`Purpose::Intake`].
    pub fn person(
        &mut self,
        ctx: &CommandContext,
        id: &PersonId,
        command_id: &CommandId,
        command: &PersonCommand,
    ) -> Result<Executed<Person>> {
        let rule = (Action::WritePerson, Permission::RegisterIntake, Purpose::Intake);
        self.permission_command(ctx, id, command_id, command, rule)
    }

    /// Executes a group command (needs [`Permission::RegisterIntake`]); logs
    /// [`Action::WriteGroup`] for [`Purpose::Intake`].
    pub fn group(
        &mut self,
        ctx: &CommandContext,
        id: &GroupId,
        command_id: &CommandId,
        command: &GroupCommand,
    ) -> Result<Executed<Group>> {
        let rule = (Action::WriteGroup, Permission::RegisterIntake, Purpose::Intake);
        self.permission_command(ctx, id, command_id, command, rule)
    }

    /// Executes an intake command (needs [`Permission::RegisterIntake`]); logs
    /// [`Action::WriteIntake`] for [`Purpose::Intake`].
    pub fn intake(
        &mut self,
        ctx: &CommandContext,
        id: &IntakeId,
        command_id: &CommandId,
        command: &IntakeCommand,
    ) -> Result<Executed<Intake>> {
        let rule = (Action::WriteIntake, Permission::RegisterIntake, Purpose::Intake);
        self.permission_command(ctx, id, command_id, command, rule)
    }

    /// Executes an istanza command (needs [`Permission::HandleIstanza`], logged as
    /// [`Action::HandleIstanza`]; deciding needs [`Permission::DecideIstanza`], logged as
    /// [`Action::DecideIstanza`]), for [`Purpose::IstanzaInstruction`], decided by
    /// [`access::decide_istanza_command`]: the permission must be held in a unit of the
    /// istanza's organisation (the stored istanza's; for a draft of a new istanza, the one the
    /// draft names). A command other than a draft on an istanza that does not exist returns
    /// [`Error::NotFound`] and is not logged.
    pub fn istanza(
        &mut self,
        ctx: &CommandContext,
        id: &IstanzaId,
        command_id: &CommandId,
        command: &IstanzaCommand,
    ) -> Result<Executed<Istanza>> {
        let (action, permission) = if matches!(command, IstanzaCommand::Decide(_)) {
            (Action::DecideIstanza, Permission::DecideIstanza)
        } else {
            (Action::HandleIstanza, Permission::HandleIstanza)
        };
        let (state, _) = load::<Istanza, S>(&self.store, &self.tenant.id, id)?;
        let organisation = match (&state, command) {
            (Some(istanza), _) => istanza.organisation.clone(),
            (None, IstanzaCommand::Draft { organisation, .. }) => organisation.clone(),
            (None, _) => {
                return Err(Error::NotFound { subject: Subject::Istanza, id: id.to_string() })
            }
        };
        let decision = access::decide_istanza_command(
            &self.tenant,
            &ctx.actor,
            permission,
            &organisation,
            ctx.today(),
        );
        let aggregate = AggregateRef::Istanza(id.clone());
        let entry = self.log(ctx, aggregate, action, Purpose::IstanzaInstruction, decision);
        self.execute_logged(ctx, id, command_id, command, entry)
    }

    /// Executes a case command after the access policy allowed it; the decision is logged in
    /// the same unit of work (or on its own when denied). Opening a case needs
    /// [`Permission::CreateCase`] and membership of the case's unit.
    pub fn case(
        &mut self,
        ctx: &CommandContext,
        id: &CaseId,
        command_id: &CommandId,
        command: &CaseCommand,
    ) -> Result<Executed<Case>> {
        let aggregate = AggregateRef::Case(id.clone());
        let today = ctx.today();
        let decision = if let CaseCommand::Open { unit, .. } = command {
            let member = self.tenant.operators.get(&ctx.actor).is_some_and(|o| {
                o.units_on(today).contains(unit)
                    && o.permissions_on(today).contains(&Permission::CreateCase)
            });
            if member {
                access::Decision { allowed: true, reason: access::Reason::UnitCase }
            } else {
                access::Decision { allowed: false, reason: access::Reason::MissingPermission }
            }
        } else {
            let (state, _) = load::<Case, S>(&self.store, &self.tenant.id, id)?;
            let case = state
                .ok_or_else(|| Error::NotFound { subject: Subject::Case, id: id.to_string() })?;
            access::decide(&self.tenant, &ctx.actor, &case, &action_for(command), today)
        };
        let entry = self.log(ctx, aggregate, action_for(command), Purpose::CaseWork, decision);
        self.execute_logged(ctx, id, command_id, command, entry)
    }

    /// Reads a case for `purpose`: checks the policy, logs the read (allowed or denied), and
    /// returns the redacted view. The subject's age on `ctx`'s day decides the minors category.
    pub fn read_case(
        &mut self,
        ctx: &CommandContext,
        id: &CaseId,
        purpose: Purpose,
    ) -> Result<CaseView> {
        let today: NaiveDate = ctx.today();
        let (state, _) = load::<Case, S>(&self.store, &self.tenant.id, id)?;
        let case =
            state.ok_or_else(|| Error::NotFound { subject: Subject::Case, id: id.to_string() })?;
        let decision = access::decide(&self.tenant, &ctx.actor, &case, &Action::ReadCase, today);
        let entry =
            self.log(ctx, AggregateRef::Case(id.clone()), Action::ReadCase, purpose, decision);
        self.append_read(entry)?;
        let (person, _) = load::<Person, S>(&self.store, &self.tenant.id, &case.person)?;
        let minor = person.is_some_and(|p| p.is_minor_on(today));
        access::case_view(&self.tenant, &ctx.actor, &case, today, minor)
            .ok_or_else(|| Error::Denied { reason: "ReadCase".into() })
    }

    /// Reads an istanza for `purpose`: checks [`access::decide_istanza`], logs the read
    /// (allowed or denied), returns the istanza.
    pub fn read_istanza(
        &mut self,
        ctx: &CommandContext,
        id: &IstanzaId,
        purpose: Purpose,
    ) -> Result<Istanza> {
        let (state, _) = load::<Istanza, S>(&self.store, &self.tenant.id, id)?;
        let istanza = state
            .ok_or_else(|| Error::NotFound { subject: Subject::Istanza, id: id.to_string() })?;
        let decision = access::decide_istanza(&self.tenant, &ctx.actor, &istanza, ctx.today());
        let entry = self.log(
            ctx,
            AggregateRef::Istanza(id.clone()),
            Action::ReadIstanza,
            purpose,
            decision,
        );
        self.append_read(entry)?;
        Ok(istanza)
    }

    /// Reads a person for `purpose`: checks [`access::decide_person`], logs the read
    /// ([`Action::ReadPerson`], allowed or denied), and returns the view of
    /// [`access::person_view`] (legal protection measures hidden from an operator without
    /// justice data, or minors data for a minor). Unless the front-office permission decides,
    /// the decision folds the person's cases, found through [`CaseStore::cases_of`] (not
    /// every case of the tenant).
    pub fn read_person(
        &mut self,
        ctx: &CommandContext,
        id: &PersonId,
        purpose: Purpose,
    ) -> Result<PersonView> {
        let today = ctx.today();
        let (state, _) = load::<Person, S>(&self.store, &self.tenant.id, id)?;
        let person = state
            .ok_or_else(|| Error::NotFound { subject: Subject::Person, id: id.to_string() })?;
        let decide =
            |cases: &[Case]| access::decide_person(&self.tenant, &ctx.actor, id, cases, today);
        let decision = self.with_cases([id], decide)?;
        let entry =
            self.log(ctx, AggregateRef::Person(id.clone()), Action::ReadPerson, purpose, decision);
        self.append_read(entry)?;
        Ok(access::person_view(&self.tenant, &ctx.actor, &person, today))
    }

    /// Reads a group for `purpose`: checks [`access::decide_group`], logs the read
    /// ([`Action::ReadGroup`], allowed or denied), and returns the group. A group holds person
    /// ids, relationship codes and dates only: no special category, nothing to redact. Unless
    /// the front-office permission decides, the decision folds the cases of the group's
    /// members on the day ([`CaseStore::cases_of`]).
    pub fn read_group(
        &mut self,
        ctx: &CommandContext,
        id: &GroupId,
        purpose: Purpose,
    ) -> Result<Group> {
        let today = ctx.today();
        let (state, _) = load::<Group, S>(&self.store, &self.tenant.id, id)?;
        let group =
            state.ok_or_else(|| Error::NotFound { subject: Subject::Group, id: id.to_string() })?;
        let members = group.members_on(today).map(|m| &m.person);
        let decision = self.with_cases(members, |cases| {
            access::decide_group(&self.tenant, &ctx.actor, &group, cases, today)
        })?;
        let entry =
            self.log(ctx, AggregateRef::Group(id.clone()), Action::ReadGroup, purpose, decision);
        self.append_read(entry)?;
        Ok(group)
    }

    /// Reads an intake for `purpose`: checks [`access::decide_intake`], logs the read
    /// ([`Action::ReadIntake`], allowed or denied), and returns the intake. An intake carries
    /// no field typed as a special category (its areas and coded needs are the front office's
    /// SIUSS classification, recorded by operators who hold no special-category permission),
    /// so nothing is redacted; notes must not carry special-category content. Unless the
    /// front-office permission decides, the decision folds the cases of the intake's
    /// identified person ([`CaseStore::cases_of`]).
    pub fn read_intake(
        &mut self,
        ctx: &CommandContext,
        id: &IntakeId,
        purpose: Purpose,
    ) -> Result<Intake> {
        let today = ctx.today();
        let (state, _) = load::<Intake, S>(&self.store, &self.tenant.id, id)?;
        let intake = state
            .ok_or_else(|| Error::NotFound { subject: Subject::Intake, id: id.to_string() })?;
        let decision = self.with_cases(intake.access.person.iter(), |cases| {
            access::decide_intake(&self.tenant, &ctx.actor, &intake, cases, today)
        })?;
        let entry =
            self.log(ctx, AggregateRef::Intake(id.clone()), Action::ReadIntake, purpose, decision);
        self.append_read(entry)?;
        Ok(intake)
    }

    /// Runs a record-read decision without cases first; only a deny for want of a relation
    /// (the one outcome cases can change) folds the cases of `persons` and decides again.
    ///
    /// The decision functions count only the cases whose subject is one of the persons they
    /// relate to the record, and take the first case that allows in the order given. So
    /// handing them the cases of `persons` (a superset of those persons) in case id order —
    /// the order of [`CaseFile::all_cases`] — gives the decision, reason included, that every
    /// case of the tenant would give.
    fn with_cases<'p>(
        &self,
        persons: impl IntoIterator<Item = &'p PersonId>,
        decide: impl Fn(&[Case]) -> access::Decision,
    ) -> Result<access::Decision> {
        let first = decide(&[]);
        if first.allowed || first.reason != access::Reason::NoRelationToCase {
            return Ok(first);
        }
        Ok(decide(&self.cases_of_persons(persons)?))
    }

    /// The cases whose subject is one of `persons`, folded, in case id order: an unlogged
    /// system read like [`CaseFile::all_cases`], for the record-read decisions.
    fn cases_of_persons<'p>(
        &self,
        persons: impl IntoIterator<Item = &'p PersonId>,
    ) -> Result<Vec<Case>> {
        let mut ids = std::collections::BTreeSet::new();
        for person in persons {
            ids.extend(self.store.cases_of(&self.tenant.id, person)?);
        }
        let mut out = Vec::with_capacity(ids.len());
        for id in &ids {
            if let Some(c) = self.load_case(id)? {
                out.push(c);
            }
        }
        Ok(out)
    }

    /// Appends a read's entry; a denied read then fails with [`Error::Denied`].
    fn append_read(&mut self, entry: AccessLogEntry) -> Result<()> {
        let (allowed, reason) = (entry.allowed, entry.reason);
        self.store.append_access_log(&self.tenant.id, entry)?;
        if allowed {
            Ok(())
        } else {
            Err(Error::Denied { reason: format!("{reason:?}") })
        }
    }

    /// Loads a case without access control and **without an access-log entry**: a system read
    /// for reports and exports run by the system, not by an operator (the caller is
    /// responsible for the purpose). Operators' reads go through [`CaseFile::read_case`].
    pub fn load_case(&self, id: &CaseId) -> Result<Option<Case>> {
        Ok(load::<Case, S>(&self.store, &self.tenant.id, id)?.0)
    }

    /// Every case of the tenant, folded, without access control and **without an access-log
    /// entry**: a system read for reports, like [`CaseFile::load_case`].
    pub fn all_cases(&self) -> Result<Vec<Case>> {
        let mut out = Vec::new();
        for a in self.store.aggregates(&self.tenant.id, crate::events::AggregateKind::Case)? {
            if let AggregateRef::Case(id) = a {
                if let Some(c) = self.load_case(&id)? {
                    out.push(c);
                }
            }
        }
        Ok(out)
    }
}
