//! Build-time half of the precompiled CEL rules (included by `build.rs` through `#[path]`;
//! not a module of the crate): parses each embedded rule with the `cel`
//! crate's Pratt parser (the one `src/crd_schema/cel.rs` uses at run time) and prints Rust
//! that builds the very same AST with the helpers of `cel::ast` in that file. A run then
//! allocates a rule's nodes instead of lexing and parsing its text: parsing the 57 rules an
//! east-west render meets was a quarter of its instructions.

use std::fmt::Write as _;

use cel::common::ast::{EntryExpr, Expr, IdedEntryExpr, IdedExpr, LiteralValue};

/// What the build makes of one CEL text.
pub struct Built {
    /// The Rust expression that builds the text's AST.
    pub ast: String,
    /// The literal patterns the text hands to `matches`, to be compiled at build time too.
    pub patterns: Vec<String>,
}

/// `None` when the fast parser refuses `text` (the run time then compiles the text as
/// before, with the environment's parser).
pub fn builder(text: &str) -> Option<Built> {
    let expr = cel::parser::PrattParser::new()
        .enable_optional_syntax(true)
        .parse(text)
        .ok()?;
    let mut ast = String::new();
    write_expr(&mut ast, &expr);
    let mut patterns = Vec::new();
    matches_patterns(&expr, &mut patterns);
    Some(Built { ast, patterns })
}

/// The string literals given as the pattern of `s.matches(p)` or `matches(s, p)`.
fn matches_patterns(e: &IdedExpr, out: &mut Vec<String>) {
    if let Expr::Call(c) = &e.expr {
        let pattern = match (&c.target, c.args.as_slice()) {
            (Some(_), [p]) | (None, [_, p]) if c.func_name == "matches" => Some(p),
            _ => None,
        };
        if let Some(IdedExpr {
            expr: Expr::Literal(LiteralValue::String(p)),
            ..
        }) = pattern
        {
            out.push(p.inner().to_owned());
        }
    }
    let mut walk = |e: &IdedExpr| matches_patterns(e, out);
    match &e.expr {
        Expr::Call(c) => {
            c.target.iter().for_each(|t| walk(t));
            c.args.iter().for_each(walk);
        }
        Expr::Select(s) => walk(&s.operand),
        Expr::List(l) => l.elements.iter().for_each(walk),
        Expr::Map(m) => m.entries.iter().for_each(|en| entry(en, &mut walk)),
        Expr::Struct(s) => s.entries.iter().for_each(|en| entry(en, &mut walk)),
        Expr::Comprehension(c) => {
            [
                &c.iter_range,
                &c.accu_init,
                &c.loop_cond,
                &c.loop_step,
                &c.result,
            ]
            .into_iter()
            .for_each(walk);
        }
        Expr::Unspecified | Expr::Ident(_) | Expr::Literal(_) => {}
    }
}

fn entry(e: &IdedEntryExpr, walk: &mut impl FnMut(&IdedExpr)) {
    match &e.expr {
        EntryExpr::MapEntry(m) => {
            walk(&m.key);
            walk(&m.value);
        }
        EntryExpr::StructField(f) => walk(&f.value),
    }
}

fn write_expr(out: &mut String, e: &IdedExpr) {
    let id = e.id;
    match &e.expr {
        Expr::Unspecified => write!(out, "unspecified({id})"),
        Expr::Ident(name) => write!(out, "ident({id}, {name:?})"),
        Expr::Literal(lit) => write_literal(out, id, lit),
        Expr::Select(s) => {
            write!(out, "select({id}, ").expect("write to String");
            write_expr(out, &s.operand);
            write!(out, ", {:?}, {})", s.field, s.test)
        }
        Expr::Call(c) => {
            write!(out, "call({id}, {:?}, ", c.func_name).expect("write to String");
            match &c.target {
                Some(t) => {
                    out.push_str("Some(");
                    write_expr(out, t);
                    out.push(')');
                }
                None => out.push_str("None"),
            }
            out.push_str(", ");
            write_list(out, &c.args);
            write!(out, ")")
        }
        Expr::List(l) => {
            write!(out, "list({id}, ").expect("write to String");
            write_list(out, &l.elements);
            write!(out, ", vec!{:?})", l.optional_indices)
        }
        Expr::Map(m) => {
            write!(out, "map({id}, ").expect("write to String");
            write_entries(out, &m.entries);
            write!(out, ")")
        }
        Expr::Struct(s) => {
            write!(out, "structure({id}, {:?}, ", s.type_name).expect("write to String");
            write_entries(out, &s.entries);
            write!(out, ")")
        }
        Expr::Comprehension(c) => {
            write!(out, "comprehension({id}, ").expect("write to String");
            write_expr(out, &c.iter_range);
            write!(
                out,
                ", {:?}, {:?}, {:?}, ",
                c.iter_var, c.iter_var2, c.accu_var
            )
            .expect("write to String");
            for (i, part) in [&c.accu_init, &c.loop_cond, &c.loop_step, &c.result]
                .into_iter()
                .enumerate()
            {
                if i > 0 {
                    out.push_str(", ");
                }
                write_expr(out, part);
            }
            write!(out, ")")
        }
    }
    .expect("write to String");
}

fn write_list(out: &mut String, items: &[IdedExpr]) {
    out.push_str("vec![");
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_expr(out, item);
    }
    out.push(']');
}

fn write_entries(out: &mut String, entries: &[IdedEntryExpr]) {
    out.push_str("vec![");
    for (i, entry) in entries.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        let id = entry.id;
        match &entry.expr {
            EntryExpr::MapEntry(m) => {
                write!(out, "map_entry({id}, ").expect("write to String");
                write_expr(out, &m.key);
                out.push_str(", ");
                write_expr(out, &m.value);
                write!(out, ", {})", m.optional).expect("write to String");
            }
            EntryExpr::StructField(f) => {
                write!(out, "struct_field({id}, {:?}, ", f.field).expect("write to String");
                write_expr(out, &f.value);
                write!(out, ", {})", f.optional).expect("write to String");
            }
        }
    }
    out.push(']');
}

fn write_literal(out: &mut String, id: u64, lit: &LiteralValue) -> std::fmt::Result {
    match lit {
        LiteralValue::Boolean(b) => write!(out, "boolean({id}, {})", b.inner()),
        LiteralValue::Int(i) => write!(out, "int({id}, {})", i.inner()),
        LiteralValue::UInt(u) => write!(out, "uint({id}, {})", u.inner()),
        // By its bits: the exact double, NaN and infinities included.
        LiteralValue::Double(d) => write!(out, "double({id}, {:#x})", d.inner().to_bits()),
        LiteralValue::String(s) => write!(out, "string({id}, {:?})", s.inner()),
        LiteralValue::Bytes(b) => write!(out, "bytes({id}, &{:?})", b.inner()),
        LiteralValue::Null => write!(out, "null({id})"),
    }
}
