//! The expression language: a hand-written lexer and a precedence-climbing parser.
//!
//! Every node carries a [`Span`] (byte offsets in the formula). Nesting is bounded by
//! [`MAX_EXPR_DEPTH`] with an explicit counter, so a formula of ten thousand parentheses is an
//! error, not a stack overflow. Number literals are read as exact decimals.
//!
//! Keywords exist in Italian and English and may be mixed:
//!
//! | Italian | English | meaning |
//! |---|---|---|
//! | `se … allora … altrimenti …` | `if … then … else …` | conditional |
//! | `e`, `o`, `non` | `and`, `or`, `not` | boolean logic |
//! | `mancante`, `presente` | `missing`, `present` | test an optional fact |
//! | `vero`, `falso` | `true`, `false` | boolean literals |
//! | `in` | `in` | membership in a list literal |
//! | `oggi` | `today` | the evaluation date |

use std::fmt;

use rust_decimal::Decimal;

use crate::limits::{MAX_EXPR_DEPTH, MAX_EXPR_NODES};

/// Byte offsets `[start, end)` in the formula text.
#[derive(
    Copy, Clone, Debug, Default, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize,
)]
pub struct Span {
    /// First byte.
    pub start: usize,
    /// One past the last byte.
    pub end: usize,
}

/// A parse error inside a formula.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ExprError {
    /// Where in the formula.
    pub span: Span,
    /// What is wrong.
    pub message: String,
    /// What was expected.
    pub expected: Option<String>,
    /// Whether a limit was exceeded (rather than a syntax error).
    pub limit: bool,
}

/// Binary operators.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
pub enum BinOp {
    /// `+`
    Add,
    /// `-`
    Sub,
    /// `*`
    Mul,
    /// `/`
    Div,
    /// `==` or `=`
    Eq,
    /// `!=` or `<>`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `e` / `and` (short-circuit)
    And,
    /// `o` / `or` (short-circuit)
    Or,
}

impl BinOp {
    /// The operator as written.
    pub fn symbol(self) -> &'static str {
        match self {
            BinOp::Add => "+",
            BinOp::Sub => "-",
            BinOp::Mul => "*",
            BinOp::Div => "/",
            BinOp::Eq => "==",
            BinOp::Ne => "!=",
            BinOp::Lt => "<",
            BinOp::Le => "<=",
            BinOp::Gt => ">",
            BinOp::Ge => ">=",
            BinOp::And => "and",
            BinOp::Or => "or",
        }
    }
}

/// An expression of the rule language, with its span.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Expr {
    /// What it is.
    pub kind: ExprKind,
    /// Where it is in the formula.
    pub span: Span,
}

/// The expression forms.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum ExprKind {
    /// `4500.00`, `3`
    Number(Decimal),
    /// `"residente"` or `'residente'`
    Text(String),
    /// `vero` / `true`, `falso` / `false`
    Bool(bool),
    /// `oggi` / `today`: the evaluation date
    Today,
    /// A name, possibly qualified (`isee`, `nazionale.soglia`).
    Name(String),
    /// `-x`
    Neg(Box<Expr>),
    /// `non x` / `not x`
    Not(Box<Expr>),
    /// `x mancante` / `x missing` (`present: false`), `x presente` / `x present` (`present: true`)
    Presence {
        /// The tested expression (a name).
        operand: Box<Expr>,
        /// `true` for `presente`.
        present: bool,
    },
    /// `a + b`, `a e b`, …
    Binary(BinOp, Box<Expr>, Box<Expr>),
    /// `se c allora a altrimenti b`
    If(Box<Expr>, Box<Expr>, Box<Expr>),
    /// `f(a, b)`
    Call(String, Vec<Expr>),
    /// `[a, b, c]`
    List(Vec<Expr>),
    /// `[(x1, y1), (x2, y2)]`: points of a piecewise-linear scale
    Points(Vec<(Expr, Expr)>),
    /// `x in [a, b]`
    In(Box<Expr>, Vec<Expr>),
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Num(Decimal),
    Str(String),
    Ident(String),
    Op(&'static str),
    LParen,
    RParen,
    LBracket,
    RBracket,
    Comma,
    Dot,
    End,
}

impl fmt::Display for Tok {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Tok::Num(n) => write!(f, "number {n}"),
            Tok::Str(_) => write!(f, "a text literal"),
            Tok::Ident(s) => write!(f, "`{s}`"),
            Tok::Op(s) => write!(f, "`{s}`"),
            Tok::LParen => write!(f, "`(`"),
            Tok::RParen => write!(f, "`)`"),
            Tok::LBracket => write!(f, "`[`"),
            Tok::RBracket => write!(f, "`]`"),
            Tok::Comma => write!(f, "`,`"),
            Tok::Dot => write!(f, "`.`"),
            Tok::End => write!(f, "the end of the formula"),
        }
    }
}

fn err(span: Span, message: impl Into<String>, expected: Option<&str>) -> ExprError {
    ExprError { span, message: message.into(), expected: expected.map(str::to_owned), limit: false }
}

fn lex(src: &str) -> Result<Vec<(Tok, Span)>, ExprError> {
    let mut out = Vec::new();
    let mut chars = src.char_indices().peekable();
    while let Some(&(start, c)) = chars.peek() {
        if c.is_whitespace() {
            chars.next();
            continue;
        }
        if c == '#' {
            // A comment to the end of the line.
            while let Some(&(_, c)) = chars.peek() {
                if c == '\n' {
                    break;
                }
                chars.next();
            }
            continue;
        }
        if c.is_ascii_digit() {
            let mut end = start;
            let mut seen_dot = false;
            while let Some(&(i, d)) = chars.peek() {
                if d.is_ascii_digit() || d == '_' {
                    end = i + 1;
                    chars.next();
                } else if d == '.' && !seen_dot {
                    // Only a decimal point if a digit follows.
                    let rest = src.get(i + 1..).unwrap_or("");
                    if rest.starts_with(|x: char| x.is_ascii_digit()) {
                        seen_dot = true;
                        end = i + 1;
                        chars.next();
                    } else {
                        break;
                    }
                } else {
                    break;
                }
            }
            let text: String =
                src.get(start..end).unwrap_or("").chars().filter(|c| *c != '_').collect();
            let span = Span { start, end };
            let n = Decimal::from_str_exact(&text).map_err(|_| {
                err(span, "number literal out of range", Some("at most 28 significant digits"))
            })?;
            out.push((Tok::Num(n), span));
            continue;
        }
        if c.is_alphabetic() || c == '_' {
            let mut end = start;
            while let Some(&(i, d)) = chars.peek() {
                if d.is_alphanumeric() || d == '_' {
                    end = i + d.len_utf8();
                    chars.next();
                } else {
                    break;
                }
            }
            out.push((
                Tok::Ident(src.get(start..end).unwrap_or("").to_owned()),
                Span { start, end },
            ));
            continue;
        }
        if c == '"' || c == '\'' {
            chars.next();
            let mut text = String::new();
            let mut closed = None;
            for (i, d) in chars.by_ref() {
                if d == c {
                    closed = Some(i + 1);
                    break;
                }
                text.push(d);
            }
            let Some(end) = closed else {
                return Err(err(
                    Span { start, end: src.len() },
                    "text literal is not closed",
                    Some("a closing quote"),
                ));
            };
            out.push((Tok::Str(text), Span { start, end }));
            continue;
        }
        chars.next();
        let next = chars.peek().map(|&(_, d)| d);
        let two = |a: char, b: char| c == a && next == Some(b);
        let (tok, len) = if two('<', '=') {
            (Tok::Op("<="), 2)
        } else if two('>', '=') {
            (Tok::Op(">="), 2)
        } else if two('=', '=') {
            (Tok::Op("=="), 2)
        } else if two('!', '=') || two('<', '>') {
            (Tok::Op("!="), 2)
        } else {
            let t = match c {
                '+' => Tok::Op("+"),
                '-' => Tok::Op("-"),
                '*' => Tok::Op("*"),
                '/' => Tok::Op("/"),
                '<' => Tok::Op("<"),
                '>' => Tok::Op(">"),
                '=' => Tok::Op("=="),
                '(' => Tok::LParen,
                ')' => Tok::RParen,
                '[' => Tok::LBracket,
                ']' => Tok::RBracket,
                ',' => Tok::Comma,
                '.' => Tok::Dot,
                _ => {
                    return Err(err(
                        Span { start, end: start + c.len_utf8() },
                        format!("unexpected character `{c}`"),
                        Some("a name, a number, an operator or a parenthesis"),
                    ))
                }
            };
            (t, 1)
        };
        if len == 2 {
            chars.next();
        }
        out.push((tok, Span { start, end: start + len }));
    }
    out.push((Tok::End, Span { start: src.len(), end: src.len() }));
    Ok(out)
}

fn keyword(word: &str) -> Option<&'static str> {
    Some(match word {
        "se" | "if" => "if",
        "allora" | "then" => "then",
        "altrimenti" | "else" => "else",
        "e" | "and" => "and",
        "o" | "or" => "or",
        "non" | "not" => "not",
        "mancante" | "missing" => "missing",
        "presente" | "present" => "present",
        "vero" | "true" => "true",
        "falso" | "false" => "false",
        "in" => "in",
        "oggi" | "today" => "today",
        _ => return None,
    })
}

struct P {
    toks: Vec<(Tok, Span)>,
    pos: usize,
    depth: usize,
    nodes: usize,
}

impl P {
    fn peek(&self) -> &Tok {
        self.toks.get(self.pos).map_or(&Tok::End, |t| &t.0)
    }
    fn span(&self) -> Span {
        self.toks.get(self.pos).map_or(Span::default(), |t| t.1)
    }
    fn prev_end(&self) -> usize {
        self.pos.checked_sub(1).and_then(|i| self.toks.get(i)).map_or(0, |t| t.1.end)
    }
    fn bump(&mut self) -> (Tok, Span) {
        let t = self.toks.get(self.pos).cloned().unwrap_or((Tok::End, Span::default()));
        if self.pos < self.toks.len() {
            self.pos += 1;
        }
        t
    }
    fn is_kw(&self, kw: &str) -> bool {
        matches!(self.peek(), Tok::Ident(w) if keyword(w) == Some(kw))
    }
    fn expect_kw(&mut self, kw: &str, shown: &str) -> Result<(), ExprError> {
        if self.is_kw(kw) {
            self.bump();
            Ok(())
        } else {
            Err(err(self.span(), format!("found {}", self.peek()), Some(shown)))
        }
    }
    fn expect(&mut self, tok: Tok) -> Result<(), ExprError> {
        if *self.peek() == tok {
            self.bump();
            Ok(())
        } else {
            Err(err(self.span(), format!("found {}", self.peek()), Some(&tok.to_string())))
        }
    }
    fn node(&mut self, kind: ExprKind, start: usize) -> Result<Expr, ExprError> {
        self.nodes += 1;
        if self.nodes > MAX_EXPR_NODES {
            let mut e = err(
                self.span(),
                "formula too large",
                Some(&format!("at most {MAX_EXPR_NODES} nodes")),
            );
            e.limit = true;
            return Err(e);
        }
        Ok(Expr { kind, span: Span { start, end: self.prev_end().max(start) } })
    }
    fn enter(&mut self) -> Result<(), ExprError> {
        self.depth += 1;
        if self.depth > MAX_EXPR_DEPTH {
            let mut e = err(
                self.span(),
                "formula nested too deeply",
                Some(&format!("at most {MAX_EXPR_DEPTH} levels")),
            );
            e.limit = true;
            return Err(e);
        }
        Ok(())
    }

    fn expr(&mut self) -> Result<Expr, ExprError> {
        self.enter()?;
        let start = self.span().start;
        let r = if self.is_kw("if") {
            self.bump();
            let c = self.expr()?;
            self.expect_kw("then", "`allora` / `then`")?;
            let a = self.expr()?;
            self.expect_kw("else", "`altrimenti` / `else`")?;
            let b = self.expr()?;
            self.node(ExprKind::If(Box::new(c), Box::new(a), Box::new(b)), start)
        } else {
            self.or()
        };
        self.depth -= 1;
        r
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        let start = self.span().start;
        let mut lhs = self.and()?;
        while self.is_kw("or") {
            self.bump();
            let rhs = self.and()?;
            lhs = self.node(ExprKind::Binary(BinOp::Or, Box::new(lhs), Box::new(rhs)), start)?;
        }
        Ok(lhs)
    }

    fn and(&mut self) -> Result<Expr, ExprError> {
        let start = self.span().start;
        let mut lhs = self.not()?;
        while self.is_kw("and") {
            self.bump();
            let rhs = self.not()?;
            lhs = self.node(ExprKind::Binary(BinOp::And, Box::new(lhs), Box::new(rhs)), start)?;
        }
        Ok(lhs)
    }

    fn not(&mut self) -> Result<Expr, ExprError> {
        let start = self.span().start;
        if self.is_kw("not") {
            self.bump();
            self.enter()?;
            let inner = self.not()?;
            self.depth -= 1;
            return self.node(ExprKind::Not(Box::new(inner)), start);
        }
        self.cmp()
    }

    fn cmp(&mut self) -> Result<Expr, ExprError> {
        let start = self.span().start;
        let lhs = self.add()?;
        if self.is_kw("missing") || self.is_kw("present") {
            let present = self.is_kw("present");
            self.bump();
            return self.node(ExprKind::Presence { operand: Box::new(lhs), present }, start);
        }
        if self.is_kw("in") {
            self.bump();
            self.expect(Tok::LBracket)?;
            let items = self.list_items()?;
            return self.node(ExprKind::In(Box::new(lhs), items), start);
        }
        let op = match self.peek() {
            Tok::Op("==") => BinOp::Eq,
            Tok::Op("!=") => BinOp::Ne,
            Tok::Op("<") => BinOp::Lt,
            Tok::Op("<=") => BinOp::Le,
            Tok::Op(">") => BinOp::Gt,
            Tok::Op(">=") => BinOp::Ge,
            _ => return Ok(lhs),
        };
        self.bump();
        let rhs = self.add()?;
        if matches!(self.peek(), Tok::Op("==" | "!=" | "<" | "<=" | ">" | ">=")) {
            return Err(err(
                self.span(),
                "comparisons cannot be chained",
                Some("`e` / `and` between two comparisons"),
            ));
        }
        self.node(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), start)
    }

    fn add(&mut self) -> Result<Expr, ExprError> {
        let start = self.span().start;
        let mut lhs = self.mul()?;
        loop {
            let op = match self.peek() {
                Tok::Op("+") => BinOp::Add,
                Tok::Op("-") => BinOp::Sub,
                _ => return Ok(lhs),
            };
            self.bump();
            let rhs = self.mul()?;
            lhs = self.node(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), start)?;
        }
    }

    fn mul(&mut self) -> Result<Expr, ExprError> {
        let start = self.span().start;
        let mut lhs = self.unary()?;
        loop {
            let op = match self.peek() {
                Tok::Op("*") => BinOp::Mul,
                Tok::Op("/") => BinOp::Div,
                _ => return Ok(lhs),
            };
            self.bump();
            let rhs = self.unary()?;
            lhs = self.node(ExprKind::Binary(op, Box::new(lhs), Box::new(rhs)), start)?;
        }
    }

    fn unary(&mut self) -> Result<Expr, ExprError> {
        let start = self.span().start;
        if *self.peek() == Tok::Op("-") {
            self.bump();
            self.enter()?;
            let inner = self.unary()?;
            self.depth -= 1;
            return self.node(ExprKind::Neg(Box::new(inner)), start);
        }
        self.primary()
    }

    fn list_items(&mut self) -> Result<Vec<Expr>, ExprError> {
        let mut items = Vec::new();
        if *self.peek() == Tok::RBracket {
            self.bump();
            return Ok(items);
        }
        loop {
            items.push(self.expr()?);
            match self.peek() {
                Tok::Comma => {
                    self.bump();
                }
                Tok::RBracket => {
                    self.bump();
                    return Ok(items);
                }
                _ => {
                    return Err(err(
                        self.span(),
                        format!("found {}", self.peek()),
                        Some("`,` or `]`"),
                    ))
                }
            }
        }
    }

    fn primary(&mut self) -> Result<Expr, ExprError> {
        let (tok, span) = self.bump();
        let start = span.start;
        match tok {
            Tok::Num(n) => self.node(ExprKind::Number(n), start),
            Tok::Str(s) => self.node(ExprKind::Text(s), start),
            Tok::LParen => {
                self.enter()?;
                let inner = self.expr()?;
                self.depth -= 1;
                self.expect(Tok::RParen)?;
                Ok(inner)
            }
            Tok::LBracket => {
                self.enter()?;
                // `[(x, y), …]` is a list of points; `[a, b]` a plain list.
                if *self.peek() == Tok::LParen {
                    let mut points = Vec::new();
                    loop {
                        self.expect(Tok::LParen)?;
                        let x = self.expr()?;
                        self.expect(Tok::Comma)?;
                        let y = self.expr()?;
                        self.expect(Tok::RParen)?;
                        points.push((x, y));
                        match self.peek() {
                            Tok::Comma => {
                                self.bump();
                            }
                            Tok::RBracket => {
                                self.bump();
                                break;
                            }
                            _ => {
                                return Err(err(
                                    self.span(),
                                    format!("found {}", self.peek()),
                                    Some("`,` or `]`"),
                                ))
                            }
                        }
                    }
                    self.depth -= 1;
                    self.node(ExprKind::Points(points), start)
                } else {
                    let items = self.list_items()?;
                    self.depth -= 1;
                    self.node(ExprKind::List(items), start)
                }
            }
            Tok::Ident(word) => match keyword(&word) {
                Some("true") => self.node(ExprKind::Bool(true), start),
                Some("false") => self.node(ExprKind::Bool(false), start),
                Some("today") => self.node(ExprKind::Today, start),
                Some(_) => Err(err(
                    span,
                    format!("keyword `{word}` cannot start a value"),
                    Some("a value"),
                )),
                None => {
                    let mut name = word;
                    while *self.peek() == Tok::Dot {
                        self.bump();
                        match self.bump() {
                            (Tok::Ident(part), _) => {
                                name.push('.');
                                name.push_str(&part);
                            }
                            (t, s) => {
                                return Err(err(s, format!("found {t}"), Some("a name after `.`")))
                            }
                        }
                    }
                    if *self.peek() == Tok::LParen {
                        self.bump();
                        self.enter()?;
                        let mut args = Vec::new();
                        if *self.peek() == Tok::RParen {
                            self.bump();
                        } else {
                            loop {
                                args.push(self.expr()?);
                                match self.peek() {
                                    Tok::Comma => {
                                        self.bump();
                                    }
                                    Tok::RParen => {
                                        self.bump();
                                        break;
                                    }
                                    _ => {
                                        return Err(err(
                                            self.span(),
                                            format!("found {}", self.peek()),
                                            Some("`,` or `)`"),
                                        ))
                                    }
                                }
                            }
                        }
                        self.depth -= 1;
                        self.node(ExprKind::Call(name, args), start)
                    } else {
                        self.node(ExprKind::Name(name), start)
                    }
                }
            },
            t => Err(err(
                span,
                format!("found {t}"),
                Some("a value: a number, a name, a call or `(`"),
            )),
        }
    }
}

/// Parses a formula into an [`Expr`].
///
/// ```
/// use welfare_rules::expr::{parse, ExprKind};
/// let e = parse("se isee mancante allora 415.00 altrimenti min(isee / 100, 280)").unwrap();
/// assert!(matches!(e.kind, ExprKind::If(..)));
/// assert!(parse(&"(".repeat(10_000)).is_err()); // an error, not a stack overflow
/// ```
pub fn parse(src: &str) -> Result<Expr, ExprError> {
    let toks = lex(src)?;
    let mut p = P { toks, pos: 0, depth: 0, nodes: 0 };
    let e = p.expr()?;
    if *p.peek() != Tok::End {
        return Err(err(
            p.span(),
            format!("found {} after a complete formula", p.peek()),
            Some("an operator or the end of the formula"),
        ));
    }
    Ok(e)
}
