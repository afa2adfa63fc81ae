//! Writes a picture as a Graphviz DOT digraph (`dot -Tsvg`): left to right,
//! the waypoint as a cluster around its Services, dimmed parts grey and
//! dashed, added green, removed red, changed amber.

use super::picture::{Change, Edge, Item, Node, Picture, Shape};

/// Text made safe inside a DOT double-quoted string: `"` and `\` escaped
/// (so `\n`, `\l` and friends in user text stay literal), line breaks as
/// spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn label(lines: &[String]) -> String {
    let escaped: Vec<String> = lines.iter().map(|l| escape(l)).collect();
    format!("\"{}\"", escaped.join("\\n"))
}

const DIMMED: &str = "style=\"rounded,dashed,filled\", fillcolor=\"#f6f8fa\", color=\"#afb8c1\", fontcolor=\"#8c959f\"";
const ADDED: &str =
    "style=\"rounded,filled\", fillcolor=\"#dafbe1\", color=\"#1a7f37\", penwidth=2";
const REMOVED: &str = "style=\"rounded,dashed,filled\", fillcolor=\"#ffebe9\", color=\"#cf222e\", fontcolor=\"#8c959f\"";
const CHANGED: &str =
    "style=\"rounded,filled\", fillcolor=\"#fff8c5\", color=\"#9a6700\", penwidth=2";

fn node_attrs(n: &Node) -> String {
    let mut attrs = vec![format!("label={}", label(&n.lines))];
    if n.shape == Shape::Stadium {
        attrs.push("shape=oval".into());
    }
    match n.change {
        Change::Removed => attrs.push(REMOVED.into()),
        Change::Added => attrs.push(ADDED.into()),
        Change::Changed => attrs.push(CHANGED.into()),
        Change::Same if n.dimmed => attrs.push(DIMMED.into()),
        Change::Same => {}
    }
    attrs.join(", ")
}

fn edge_attrs(e: &Edge) -> String {
    let mut attrs = Vec::new();
    if !e.lines.is_empty() {
        attrs.push(format!("label={}", label(&e.lines)));
    }
    if e.invisible {
        attrs.push("style=invis".into());
    } else if e.dashed {
        attrs.push("style=dashed".into());
    }
    match e.change {
        Change::Removed => attrs.push("color=\"#cf222e\", fontcolor=\"#cf222e\"".into()),
        Change::Added => attrs.push("color=\"#1a7f37\", fontcolor=\"#1a7f37\"".into()),
        Change::Changed => {
            attrs.push("color=\"#9a6700\", fontcolor=\"#9a6700\", penwidth=2".into())
        }
        Change::Same if e.dashed => attrs.push("color=\"#afb8c1\", fontcolor=\"#8c959f\"".into()),
        Change::Same => {}
    }
    if attrs.is_empty() {
        String::new()
    } else {
        format!(" [{}]", attrs.join(", "))
    }
}

/// The digraph, ending with a newline.
pub fn write(p: &Picture) -> String {
    let mut out = vec![
        "digraph hubgw {".to_string(),
        "  rankdir=LR;".into(),
        "  node [shape=box, style=rounded, fontname=\"Helvetica\", fontsize=11];".into(),
        "  edge [fontname=\"Helvetica\", fontsize=10];".into(),
    ];
    for item in p.items() {
        match item {
            Item::Node(n) => out.push(format!("  {} [{}];", n.id, node_attrs(n))),
            Item::Group(g, nodes) => {
                out.push(format!("  subgraph cluster_{} {{", g.id));
                out.push(format!("    label={};", label(&g.lines)));
                let look = match g.change {
                    Change::Added => "color=\"#1a7f37\", penwidth=2",
                    Change::Removed => "color=\"#cf222e\"",
                    Change::Changed => "color=\"#9a6700\", penwidth=2",
                    Change::Same => "color=\"#57606a\"",
                };
                out.push(format!(
                    "    style=\"rounded,dashed\"; {};",
                    look.replace(", ", "; ")
                ));
                out.push("    fontname=\"Helvetica\"; fontsize=11;".into());
                for n in nodes {
                    out.push(format!("    {} [{}];", n.id, node_attrs(n)));
                }
                out.push("  }".into());
            }
        }
    }
    for e in &p.edges {
        out.push(format!(
            "  {} -> {}{};",
            p.id(&e.from),
            p.id(&e.to),
            edge_attrs(e)
        ));
    }
    out.push("}".into());
    out.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_quotes_and_backslashes() {
        assert_eq!(escape("PathPrefix /api"), "PathPrefix /api");
        assert_eq!(escape(r#"a "b" \l"#), r#"a \"b\" \\l"#);
        assert_eq!(escape("x\ny"), "x y");
    }

    #[test]
    fn labels_join_lines_with_dot_newlines() {
        let lines = ["Service a".to_string(), "ExternalName :80".to_string()];
        assert_eq!(label(&lines), "\"Service a\\nExternalName :80\"");
    }
}
