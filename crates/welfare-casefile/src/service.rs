//! [`CaseFile`]: the access-controlled front door. It checks the access policy before every
//! case command, writes the access log for every read and every write (allowed or denied), and
//! executes commands through [`crate::engine::execute`].

use chrono::NaiveDate;

use crate::access::{self, AccessLogEntry, Action, CaseView, Purpose};
use crate::case::{Case, CaseCommand};
use crate::engine::{execute, load, CommandContext, Executed};
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

    fn require(&self, ctx: &CommandContext, permission: Permission) -> Result<()> {
        let ok = self
            .tenant
            .operators
            .get(&ctx.actor)
            .is_some_and(|o| o.permissions_on(ctx.today()).contains(&permission));
        if ok {
            Ok(())
        } else {
            Err(Error::Denied { reason: format!("missing permission {permission:?}") })
        }
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

    /// Executes a person command (needs [`Permission::RegisterIntake`]).
    pub fn person(
        &mut self,
        ctx: &CommandContext,
        id: &PersonId,
        command_id: &CommandId,
        command: &PersonCommand,
    ) -> Result<Executed<Person>> {
        self.require(ctx, Permission::RegisterIntake)?;
        execute(&mut self.store, &self.tenant.id, id, command_id, command, ctx, Vec::new())
    }

    /// Executes a group command (needs [`Permission::RegisterIntake`]).
    pub fn group(
        &mut self,
        ctx: &CommandContext,
        id: &GroupId,
        command_id: &CommandId,
        command: &GroupCommand,
    ) -> Result<Executed<Group>> {
        self.require(ctx, Permission::RegisterIntake)?;
        execute(&mut self.store, &self.tenant.id, id, command_id, command, ctx, Vec::new())
    }

    /// Executes an intake command (needs [`Permission::RegisterIntake`]).
    pub fn intake(
        &mut self,
        ctx: &CommandContext,
        id: &IntakeId,
        command_id: &CommandId,
        command: &IntakeCommand,
    ) -> Result<Executed<Intake>> {
        self.require(ctx, Permission::RegisterIntake)?;
        execute(&mut self.store, &self.tenant.id, id, command_id, command, ctx, Vec::new())
    }

    /// Executes an istanza command (needs [`Permission::HandleIstanza`];
    /// deciding needs [`Permission::DecideIstanza`]).
    pub fn istanza(
        &mut self,
        ctx: &CommandContext,
        id: &IstanzaId,
        command_id: &CommandId,
        command: &IstanzaCommand,
    ) -> Result<Executed<Istanza>> {
        let needed = if matches!(command, IstanzaCommand::Decide(_)) {
            Permission::DecideIstanza
        } else {
            Permission::HandleIstanza
        };
        self.require(ctx, needed)?;
        execute(&mut self.store, &self.tenant.id, id, command_id, command, ctx, Vec::new())
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
        if !decision.allowed {
            self.store.append_access_log(&self.tenant.id, entry)?;
            return Err(Error::Denied { reason: format!("{:?}", decision.reason) });
        }
        execute(&mut self.store, &self.tenant.id, id, command_id, command, ctx, vec![entry])
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
        self.store.append_access_log(&self.tenant.id, entry)?;
        if !decision.allowed {
            return Err(Error::Denied { reason: format!("{:?}", decision.reason) });
        }
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
        self.store.append_access_log(&self.tenant.id, entry)?;
        if !decision.allowed {
            return Err(Error::Denied { reason: format!("{:?}", decision.reason) });
        }
        Ok(istanza)
    }

    /// Loads a case without access control (for reports and exports run by the system; the
    /// caller is responsible for the purpose).
    pub fn load_case(&self, id: &CaseId) -> Result<Option<Case>> {
        Ok(load::<Case, S>(&self.store, &self.tenant.id, id)?.0)
    }

    /// Every case of the tenant, folded (for reports).
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
