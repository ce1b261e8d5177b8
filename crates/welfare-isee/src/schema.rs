//! JSON Schemas of the public input types (feature `schema`).

use schemars::Schema;

/// The JSON Schema of a [`Dsu`](crate::Dsu), with every field described in Italian and English.
pub fn dsu_schema() -> Schema {
    schemars::schema_for!(crate::Dsu)
}

/// The JSON Schema of an [`Attestazione`](crate::Attestazione).
pub fn attestazione_schema() -> Schema {
    schemars::schema_for!(crate::Attestazione)
}

#[cfg(test)]
mod tests {
    #[test]
    fn dsu_schema_describes_fields_in_both_languages() {
        let text = serde_json::to_string(&super::dsu_schema()).unwrap();
        assert!(text.contains("Data di presentazione della DSU"));
        assert!(text.contains("Date the DSU was"));
        assert!(text.contains("\"additionalProperties\":false"));
    }
}
