//! JSON Schemas of the public data types (feature `schema`).

#[cfg(feature = "schema")]
#[test]
fn schemas_generate_for_the_main_types() {
    use welfare_casefile::{
        access, case, chain, events, forms, istanza, person, siuss, store, tenancy,
    };
    let schemas = [
        serde_json::to_value(schemars::schema_for!(events::EventEnvelope)).unwrap(),
        serde_json::to_value(schemars::schema_for!(chain::RecordedEvent)).unwrap(),
        serde_json::to_value(schemars::schema_for!(case::Case)).unwrap(),
        serde_json::to_value(schemars::schema_for!(istanza::Istanza)).unwrap(),
        serde_json::to_value(schemars::schema_for!(person::Person)).unwrap(),
        serde_json::to_value(schemars::schema_for!(tenancy::Tenant)).unwrap(),
        serde_json::to_value(schemars::schema_for!(forms::FormRegistry)).unwrap(),
        serde_json::to_value(schemars::schema_for!(access::AccessLogEntry)).unwrap(),
        serde_json::to_value(schemars::schema_for!(access::CaseView)).unwrap(),
        serde_json::to_value(schemars::schema_for!(access::PersonView)).unwrap(),
        serde_json::to_value(schemars::schema_for!(store::OutboxMessage)).unwrap(),
        serde_json::to_value(schemars::schema_for!(siuss::PrestazioneSociale)).unwrap(),
    ];
    for s in &schemas {
        assert!(s.get("title").is_some() || s.get("$defs").is_some() || s.get("type").is_some());
    }
    // Identifiers carry their pattern.
    let env = &schemas[0];
    assert!(env.to_string().contains("^[A-Za-z0-9._:-]{1,64}$"));
}
