//! YAML → a positioned node tree, with the limits enforced while the events stream in.
//!
//! The parser is `yaml-rust2` (maintained, pure Rust, YAML 1.2, an event API with line and
//! column on every event). `serde_yaml` is archived and its `Value` carries no positions.
//! Scalars are kept as their source text: numbers are read later as exact decimals, never as
//! floats.

use yaml_rust2::parser::{Event, Parser};
use yaml_rust2::scanner::TScalarStyle;

use crate::error::{Diagnostic, DiagnosticKind, LoadError, Location};
use crate::limits::{MAX_FILE_BYTES, MAX_STRING_BYTES, MAX_YAML_DEPTH, MAX_YAML_NODES};

/// A YAML node with its place in the source.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Node {
    /// The value.
    pub value: NodeValue,
    /// YAML path from the document root (`definitions.retta.formula`, `parameters.x.versions[0]`).
    pub path: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

/// The value of a [`Node`].
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum NodeValue {
    /// A scalar as written; `quoted` when it was in quotes or a block (never a null/bool/number).
    Scalar {
        /// The text.
        text: String,
        /// Whether it was quoted or a block scalar.
        quoted: bool,
    },
    /// A sequence.
    Seq(Vec<Node>),
    /// A mapping with string keys, in source order.
    Map(Vec<(Key, Node)>),
}

/// A mapping key with its position.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Key {
    /// The key text.
    pub text: String,
    /// 1-based line.
    pub line: usize,
    /// 1-based column.
    pub column: usize,
}

impl Node {
    /// The location of this node in `file`.
    pub fn location(&self, file: &str) -> Location {
        Location {
            file: file.to_owned(),
            path: self.path.clone(),
            line: self.line,
            column: self.column,
        }
    }

    /// The scalar text, if this is a scalar.
    pub fn as_str(&self) -> Option<&str> {
        match &self.value {
            NodeValue::Scalar { text, .. } => Some(text),
            _ => None,
        }
    }

    /// Whether this is a plain `null`, `~` or empty scalar.
    pub fn is_null(&self) -> bool {
        matches!(&self.value, NodeValue::Scalar { text, quoted: false } if text.is_empty() || text == "~" || text == "null")
    }

    /// The value for `key`, if this is a mapping that has it.
    pub fn get(&self, key: &str) -> Option<&Node> {
        match &self.value {
            NodeValue::Map(entries) => entries.iter().find(|(k, _)| k.text == key).map(|(_, v)| v),
            _ => None,
        }
    }

    /// The entries, if this is a mapping.
    pub fn entries(&self) -> Option<&[(Key, Node)]> {
        match &self.value {
            NodeValue::Map(entries) => Some(entries),
            _ => None,
        }
    }

    /// The items, if this is a sequence.
    pub fn items(&self) -> Option<&[Node]> {
        match &self.value {
            NodeValue::Seq(items) => Some(items),
            _ => None,
        }
    }

    /// A short name of the node's shape, for "expected … found …" messages.
    pub fn shape(&self) -> &'static str {
        match &self.value {
            NodeValue::Scalar { .. } if self.is_null() => "null",
            NodeValue::Scalar { .. } => "a scalar",
            NodeValue::Seq(_) => "a list",
            NodeValue::Map(_) => "a mapping",
        }
    }
}

enum Frame {
    Seq { node: Node, items: Vec<Node> },
    Map { node: Node, entries: Vec<(Key, Node)>, pending: Option<Key> },
}

/// The YAML path of the node an event starts under `parent` (for a mapping key, the mapping's
/// own path). Built by hand: `format!` was a tenth of the cost of reading a rulebook.
fn child_path(parent: &Frame) -> String {
    match parent {
        Frame::Seq { node, items } => indexed_path(&node.path, items.len()),
        Frame::Map { node, pending: Some(k), .. } => {
            if node.path.is_empty() {
                k.text.clone()
            } else {
                let mut path = String::with_capacity(node.path.len() + 1 + k.text.len());
                path.push_str(&node.path);
                path.push('.');
                path.push_str(&k.text);
                path
            }
        }
        Frame::Map { node, .. } => node.path.clone(),
    }
}

/// Appends `n` in decimal.
/// The YAML path of item `n` of the list at `path`: `path[n]`.
pub(crate) fn indexed_path(path: &str, n: usize) -> String {
    let mut out = String::with_capacity(path.len() + 6);
    out.push_str(path);
    out.push('[');
    push_index(&mut out, n);
    out.push(']');
    out
}

fn push_index(out: &mut String, n: usize) {
    if n >= 10 {
        push_index(out, n / 10);
    }
    out.push(char::from(b'0' + (n % 10) as u8));
}

/// The path of the node the next event starts (see [`child_path`]).
fn path_here(stack: &[Frame]) -> String {
    stack.last().map(child_path).unwrap_or_default()
}

/// Parses one YAML document into a [`Node`], enforcing [`crate::limits`].
///
/// Anchors, aliases and tags are refused: the rulebook language does not need them, and
/// refusing aliases makes "billion laughs" impossible by construction.
pub fn parse(text: &str, file: &str) -> Result<Node, LoadError> {
    let at = |line: usize, column: usize, path: &str| Location {
        file: file.to_owned(),
        path: path.to_owned(),
        line,
        column,
    };
    if text.len() > MAX_FILE_BYTES {
        return Err(LoadError::one(
            Diagnostic::new(
                DiagnosticKind::Limit,
                at(1, 1, ""),
                format!("file has {} bytes", text.len()),
            )
            .expected(format!("at most {MAX_FILE_BYTES} bytes")),
        ));
    }
    let mut parser = Parser::new_from_str(text);
    let mut stack: Vec<Frame> = Vec::new();
    let mut root: Option<Node> = None;
    let mut nodes = 0usize;
    let mut documents = 0usize;
    loop {
        let (event, mark) = parser.next_token().map_err(|e| {
            let m = e.marker();
            let limit = e.info().contains("recursion limit");
            LoadError::one(Diagnostic::new(
                if limit { DiagnosticKind::Limit } else { DiagnosticKind::Yaml },
                at(m.line(), m.col() + 1, ""),
                format!("not well-formed yaml: {}", e.info()),
            ))
        })?;
        let (line, column) = (mark.line(), mark.col() + 1);
        // Paths are built only for the nodes that keep one and for errors: not for the end of a
        // mapping or list, nor for a mapping key.
        let unsupported = |what: &str, stack: &[Frame]| {
            Err(LoadError::one(
                Diagnostic::new(
                    DiagnosticKind::Unsupported,
                    at(line, column, &path_here(stack)),
                    format!("yaml {what} are not allowed in rulebooks"),
                )
                .expected("plain mappings, lists and scalars"),
            ))
        };
        let new_node = match event {
            Event::StreamStart | Event::Nothing => continue,
            Event::StreamEnd => break,
            Event::DocumentStart => {
                documents += 1;
                if documents > 1 {
                    return Err(LoadError::one(
                        Diagnostic::new(
                            DiagnosticKind::Structure,
                            at(line, column, ""),
                            "more than one yaml document",
                        )
                        .expected("one document per file"),
                    ));
                }
                continue;
            }
            Event::DocumentEnd => continue,
            Event::Alias(_) => return unsupported("aliases", &stack),
            Event::Scalar(text, style, anchor, tag) => {
                if anchor != 0 {
                    return unsupported("anchors", &stack);
                }
                if tag.is_some() {
                    return unsupported("tags", &stack);
                }
                if text.len() > MAX_STRING_BYTES {
                    return Err(LoadError::one(
                        Diagnostic::new(
                            DiagnosticKind::Limit,
                            at(line, column, &path_here(&stack)),
                            format!("string has {} bytes", text.len()),
                        )
                        .expected(format!("at most {MAX_STRING_BYTES} bytes")),
                    ));
                }
                if matches!(stack.last(), Some(Frame::Map { pending: None, .. })) {
                    // A mapping key: it becomes the pending key without a node of its own.
                    nodes += 1;
                    if nodes > MAX_YAML_NODES {
                        return Err(too_many_nodes(at(line, column, &path_here(&stack))));
                    }
                    if let Some(Frame::Map { pending, .. }) = stack.last_mut() {
                        *pending = Some(Key { text, line, column });
                    }
                    continue;
                }
                let quoted = !matches!(style, TScalarStyle::Plain);
                let path = path_here(&stack);
                Some(Node { value: NodeValue::Scalar { text, quoted }, path, line, column })
            }
            Event::SequenceStart(anchor, ref tag) | Event::MappingStart(anchor, ref tag) => {
                if anchor != 0 {
                    return unsupported("anchors", &stack);
                }
                if tag.is_some() {
                    return unsupported("tags", &stack);
                }
                let path = path_here(&stack);
                if stack.len() >= MAX_YAML_DEPTH {
                    return Err(LoadError::one(
                        Diagnostic::new(
                            DiagnosticKind::Limit,
                            at(line, column, &path),
                            "yaml nesting too deep",
                        )
                        .expected(format!("at most {MAX_YAML_DEPTH} levels")),
                    ));
                }
                nodes += 1;
                if nodes > MAX_YAML_NODES {
                    return Err(too_many_nodes(at(line, column, &path)));
                }
                let is_seq = matches!(event, Event::SequenceStart(..));
                let node = Node { value: NodeValue::Seq(Vec::new()), path, line, column };
                stack.push(if is_seq {
                    Frame::Seq { node, items: Vec::new() }
                } else {
                    Frame::Map { node, entries: Vec::new(), pending: None }
                });
                None
            }
            Event::SequenceEnd | Event::MappingEnd => match stack.pop() {
                Some(Frame::Seq { mut node, items }) => {
                    node.value = NodeValue::Seq(items);
                    Some(node)
                }
                Some(Frame::Map { mut node, entries, .. }) => {
                    node.value = NodeValue::Map(entries);
                    Some(node)
                }
                None => continue,
            },
        };
        let Some(node) = new_node else { continue };
        nodes += 1;
        if nodes > MAX_YAML_NODES {
            return Err(too_many_nodes(at(line, column, &node.path)));
        }
        match stack.last_mut() {
            None => root = Some(node),
            Some(Frame::Seq { items, .. }) => items.push(node),
            Some(Frame::Map { entries, pending, .. }) => match pending.take() {
                Some(key) => {
                    if let Some((first, _)) = entries.iter().find(|(k, _)| k.text == key.text) {
                        let related = at(first.line, first.column, "");
                        return Err(LoadError::one(
                            Diagnostic::new(
                                DiagnosticKind::Duplicate,
                                at(key.line, key.column, &node.path),
                                format!("key `{}` appears twice", key.text),
                            )
                            .related(related),
                        ));
                    }
                    entries.push((key, node));
                }
                None => match node.value {
                    NodeValue::Scalar { text, .. } => {
                        *pending = Some(Key { text, line: node.line, column: node.column });
                    }
                    _ => {
                        return Err(LoadError::one(
                            Diagnostic::new(
                                DiagnosticKind::Structure,
                                at(node.line, node.column, &node.path),
                                "mapping key is not a scalar",
                            )
                            .expected("a name"),
                        ))
                    }
                },
            },
        }
    }
    root.ok_or_else(|| {
        LoadError::one(
            Diagnostic::new(DiagnosticKind::Structure, at(1, 1, ""), "file is empty")
                .expected("a yaml mapping"),
        )
    })
}

fn too_many_nodes(location: Location) -> LoadError {
    LoadError::one(
        Diagnostic::new(DiagnosticKind::Limit, location, "too many yaml nodes")
            .expected(format!("at most {MAX_YAML_NODES}")),
    )
}

/// Converts a node to JSON: quoted scalars are strings, plain `true`/`false`/`null` and whole
/// numbers keep their JSON type, and any other plain scalar (decimals included) stays a string,
/// so amounts are never read as floats.
pub fn to_json(node: &Node) -> serde_json::Value {
    crate::syntax::node_to_json(node)
}
