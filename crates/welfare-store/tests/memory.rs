//! The conformance suite on the reference implementation, InMemoryStore: the suite itself is
//! checked against the contract's author. Also on a store that keeps the trait's default
//! `cases_of` (the documented scan), so the default meets the contract too.

use welfare_casefile::access::AccessLogEntry;
use welfare_casefile::chain::{ChainHead, RecordedEvent};
use welfare_casefile::events::{AggregateKind, AggregateRef};
use welfare_casefile::ids::{CaseId, CommandId, MessageId, PersonId, TenantId};
use welfare_casefile::store::{
    AppendOutcome, CaseStore, CommandRecord, InMemoryStore, OutboxMessage, StoreError, UnitOfWork,
};

crate::conformance::suite!(Some(InMemoryStore::new()));

/// [`InMemoryStore`] behind every method but `cases_of`, which keeps the trait's default.
#[derive(Debug, Default)]
pub(crate) struct DefaultCasesOf(InMemoryStore);

impl CaseStore for DefaultCasesOf {
    fn append(&mut self, tenant: &TenantId, unit: UnitOfWork) -> Result<AppendOutcome, StoreError> {
        self.0.append(tenant, unit)
    }
    fn load(&self, tenant: &TenantId, a: &AggregateRef) -> Result<Vec<RecordedEvent>, StoreError> {
        self.0.load(tenant, a)
    }
    fn head(&self, tenant: &TenantId, a: &AggregateRef) -> Result<ChainHead, StoreError> {
        self.0.head(tenant, a)
    }
    fn command(
        &self,
        tenant: &TenantId,
        c: &CommandId,
    ) -> Result<Option<CommandRecord>, StoreError> {
        self.0.command(tenant, c)
    }
    fn aggregates(
        &self,
        tenant: &TenantId,
        k: AggregateKind,
    ) -> Result<Vec<AggregateRef>, StoreError> {
        self.0.aggregates(tenant, k)
    }
    fn open_case_of(&self, tenant: &TenantId, p: &PersonId) -> Result<Option<CaseId>, StoreError> {
        self.0.open_case_of(tenant, p)
    }
    fn append_access_log(
        &mut self,
        tenant: &TenantId,
        e: AccessLogEntry,
    ) -> Result<(), StoreError> {
        self.0.append_access_log(tenant, e)
    }
    fn access_log(&self, tenant: &TenantId) -> Result<Vec<AccessLogEntry>, StoreError> {
        self.0.access_log(tenant)
    }
    fn pending_outbox(
        &self,
        tenant: &TenantId,
        n: usize,
    ) -> Result<Vec<OutboxMessage>, StoreError> {
        self.0.pending_outbox(tenant, n)
    }
    fn mark_delivered(&mut self, tenant: &TenantId, m: &MessageId) -> Result<(), StoreError> {
        self.0.mark_delivered(tenant, m)
    }
}

mod default_cases_of {
    crate::conformance::suite!(Some(super::DefaultCasesOf::default()));
}
