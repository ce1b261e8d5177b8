//! Published input limits: every rulebook and every evaluation stays inside them.
//!
//! Limits are checked *before or while* parsing, never after: a 10 MB string is refused by its
//! length before the YAML scanner sees it, an alias bomb is refused at its first alias, a deep
//! nesting at the first level too deep. Exceeding a limit is an ordinary error, never a panic
//! or a stack overflow.

/// Largest rulebook or test file accepted, in bytes (1 MiB).
pub const MAX_FILE_BYTES: usize = 1024 * 1024;
/// Deepest YAML nesting accepted (mappings and sequences inside each other).
pub const MAX_YAML_DEPTH: usize = 32;
/// Most YAML nodes (scalars, mappings, sequences) in one file.
pub const MAX_YAML_NODES: usize = 200_000;
/// Most YAML aliases in one file. Anchors and aliases are not part of the rulebook language,
/// so none is accepted: an alias bomb ("billion laughs") cannot be expressed.
pub const MAX_YAML_ALIASES: usize = 0;
/// Longest single scalar (a formula, a label, a source), in bytes.
pub const MAX_STRING_BYTES: usize = 64 * 1024;
/// Most rows in a band table.
pub const MAX_TABLE_ROWS: usize = 1_000;
/// Most columns in a band table.
pub const MAX_TABLE_COLUMNS: usize = 32;
/// Most points in a piecewise-linear scale.
pub const MAX_SCALE_POINTS: usize = 1_000;
/// Most dated versions of one parameter.
pub const MAX_PARAMETER_VERSIONS: usize = 500;
/// Most definitions, conditions, parameters and inputs together in one linked program.
pub const MAX_NAMES: usize = 10_000;
/// Deepest expression nesting (parentheses, operators, calls inside each other).
pub const MAX_EXPR_DEPTH: usize = 64;
/// Most expression nodes in one formula.
pub const MAX_EXPR_NODES: usize = 10_000;
/// Most expression nodes evaluated for one household (aggregations count once per member).
pub const MAX_EVAL_STEPS: u64 = 1_000_000;
/// Most members in one household's facts.
pub const MAX_MEMBERS: usize = 100;
/// Deepest chain of `extends` / `imports` between rulebooks.
pub const MAX_LINK_DEPTH: usize = 8;
