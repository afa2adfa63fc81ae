//! Writes a picture as a Mermaid flowchart that GitHub renders inside a
//! ```` ```mermaid ```` block. The syntax is kept to what every Mermaid
//! since 9.x reads: `flowchart LR`, generated ids, every label quoted and
//! escaped with entity codes, `-.->` for dashed edges, `~~~` for layout-only
//! links, `classDef` + `class` and `linkStyle` for looks.

use super::picture::{Change, Edge, Item, Node, Picture, Shape};

/// Looks, in the order their `classDef`s are written.
const CLASSES: &[(&str, &str)] = &[
    (
        "dimmed",
        "fill:#f6f8fa,stroke:#afb8c1,color:#8c959f,stroke-dasharray:5 3",
    ),
    ("added", "fill:#dafbe1,stroke:#1a7f37,stroke-width:2px"),
    (
        "removed",
        "fill:#ffebe9,stroke:#cf222e,color:#8c959f,stroke-dasharray:5 3",
    ),
    ("changed", "fill:#fff8c5,stroke:#9a6700,stroke-width:2px"),
];

/// Text made safe inside a quoted Mermaid label. `"` ends the label, `#`
/// starts an entity code, `<` and `&` would be read as HTML, a backtick
/// starts a Markdown string and `%%` a comment; line breaks become spaces.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut last = '\0';
    for c in text.chars() {
        match c {
            '"' => out.push_str("#quot;"),
            '#' => out.push_str("#35;"),
            '<' => out.push_str("#lt;"),
            '&' => out.push_str("#amp;"),
            '`' => out.push_str("#96;"),
            '%' if last == '%' => out.push_str("#37;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
        last = c;
    }
    out
}

fn label(lines: &[String]) -> String {
    let escaped: Vec<String> = lines.iter().map(|l| escape(l)).collect();
    format!("\"{}\"", escaped.join("<br/>"))
}

const LINK_STYLES: &[(&str, &str)] = &[
    ("dimmed", "stroke:#afb8c1,color:#8c959f"),
    ("added", "stroke:#1a7f37,stroke-width:2px,color:#1a7f37"),
    ("removed", "stroke:#cf222e,color:#cf222e"),
    ("changed", "stroke:#9a6700,stroke-width:2px,color:#9a6700"),
];

fn link_look(e: &Edge) -> Option<&'static str> {
    match e.change {
        _ if e.invisible => None,
        Change::Removed => Some("removed"),
        Change::Added => Some("added"),
        Change::Changed => Some("changed"),
        Change::Same if e.dashed => Some("dimmed"),
        Change::Same => None,
    }
}

fn class_of(node: &Node) -> Option<&'static str> {
    match node.change {
        Change::Removed => Some("removed"),
        Change::Added => Some("added"),
        Change::Changed => Some("changed"),
        Change::Same if node.dimmed => Some("dimmed"),
        Change::Same => None,
    }
}

fn node_line(node: &Node) -> String {
    let text = label(&node.lines);
    match node.shape {
        Shape::Stadium => format!("{}([{text}])", node.id),
        Shape::Box => format!("{}[{text}]", node.id),
    }
}

fn edge_line(p: &Picture, e: &Edge) -> String {
    let (from, to) = (p.id(&e.from), p.id(&e.to));
    if e.invisible {
        return format!("{from} ~~~ {to}");
    }
    let arrow = if e.dashed { "-.->" } else { "-->" };
    if e.lines.is_empty() {
        format!("{from} {arrow} {to}")
    } else {
        format!("{from} {arrow}|{}| {to}", label(&e.lines))
    }
}

/// The flowchart, one statement per line, ending with a newline.
pub fn write(p: &Picture) -> String {
    let mut out = vec!["flowchart LR".to_string()];
    for item in p.items() {
        match item {
            Item::Node(n) => out.push(format!("  {}", node_line(n))),
            Item::Group(g, nodes) => {
                out.push(format!("  subgraph {}[{}]", g.id, label(&g.lines)));
                for n in nodes {
                    out.push(format!("    {}", node_line(n)));
                }
                out.push("  end".into());
            }
        }
    }
    for e in &p.edges {
        out.push(format!("  {}", edge_line(p, e)));
    }
    let mut groups_by_class: Vec<(&str, Vec<&str>)> = Vec::new();
    for (class, _) in CLASSES {
        let ids: Vec<&str> = p
            .nodes
            .iter()
            .filter(|n| class_of(n) == Some(class))
            .map(|n| n.id.as_str())
            .chain(
                p.groups
                    .iter()
                    .filter(|g| match g.change {
                        Change::Added => *class == "added",
                        Change::Removed => *class == "removed",
                        Change::Changed => *class == "changed",
                        Change::Same => false,
                    })
                    .map(|g| g.id.as_str()),
            )
            .collect();
        if !ids.is_empty() {
            groups_by_class.push((class, ids));
        }
    }
    for (class, style) in CLASSES {
        if groups_by_class.iter().any(|(c, _)| c == class) {
            out.push(format!("  classDef {class} {style}"));
        }
    }
    for (class, ids) in groups_by_class {
        out.push(format!("  class {} {class}", ids.join(",")));
    }
    // Links are numbered in the order written; `~~~` links count too.
    for (look, style) in LINK_STYLES {
        let indexes: Vec<String> = p
            .edges
            .iter()
            .enumerate()
            .filter(|(_, e)| link_look(e) == Some(look))
            .map(|(i, _)| i.to_string())
            .collect();
        if !indexes.is_empty() {
            out.push(format!("  linkStyle {} {style}", indexes.join(",")));
        }
    }
    out.join("\n") + "\n"
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::graph::model::{Backend, HttpRoute, Rule, Share, Traffic};
    use crate::graph::picture;

    #[test]
    fn escape_keeps_plain_text_and_defuses_the_rest() {
        assert_eq!(escape("PathPrefix /api"), "PathPrefix /api");
        assert_eq!(escape("50% -> 80%"), "50% -> 80%");
        assert_eq!(escape(r#"say "hi""#), "say #quot;hi#quot;");
        assert_eq!(escape("a#b;"), "a#35;b;");
        assert_eq!(escape("<script>&"), "#lt;script>#amp;");
        assert_eq!(escape("`md`"), "#96;md#96;");
        assert_eq!(escape("100%%"), "100%#37;");
        assert_eq!(escape("two\nlines"), "two lines");
    }

    fn sample() -> Picture {
        let backends = [("a", 1), ("b\"]-->x", 0)]
            .iter()
            .map(|&(n, w)| Backend {
                service: n.into(),
                weight: w,
                share: Share::of(w, 1),
                host_header: None,
            })
            .collect();
        picture::of(&Traffic {
            http_routes: vec![HttpRoute {
                kind: "HTTPRoute".into(),
                name: "r".into(),
                hostnames: vec![],
                parents: vec![],
                rules: vec![Rule {
                    name: "rule 1".into(),
                    matches: vec!["PathPrefix /".into()],
                    backends,
                }],
            }],
            ..Default::default()
        })
    }

    #[test]
    fn every_statement_is_one_of_the_conservative_forms() {
        let text = write(&sample());
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("flowchart LR"));
        for line in lines {
            let line = line.trim();
            let ok = line == "end"
                || line.starts_with("subgraph ")
                || line.starts_with("classDef ")
                || line.starts_with("class ")
                || line.starts_with("linkStyle ")
                || line.contains("[\"")
                || line.contains(" --> ")
                || line.contains(" -.-> ")
                || line.contains(" -->|\"")
                || line.contains(" -.->|\"")
                || line.contains(" ~~~ ");
            assert!(ok, "unexpected statement: {line}");
            // Labels are quoted, and no quote is left inside one.
            if let Some(start) = line.find('"') {
                let end = line.rfind('"').unwrap();
                assert!(!line[start + 1..end].contains('"'), "{line}");
            }
        }
    }

    #[test]
    fn dashed_zero_weight_edges_and_dimmed_class() {
        let text = write(&sample());
        assert!(text.contains("  rule1 -->|\"100%\"| svc1\n"), "{text}");
        assert!(text.contains("  rule1 -.->|\"0%\"| svc2\n"), "{text}");
        assert!(
            text.contains("svc2[\"Service b#quot;]-->x<br/>not in this render\"]"),
            "{text}"
        );
        assert!(text.contains("  classDef dimmed "), "{text}");
        assert!(text.contains("  class svc2 dimmed\n"), "{text}");
        // The second link written (hr1 -> rule1 is the first) is the 0% one.
        assert!(text.contains("  linkStyle 2 stroke:#afb8c1"), "{text}");
        assert!(
            !text.contains("classDef added"),
            "only used classes are defined"
        );
    }

    #[test]
    fn ids_are_plain_words() {
        for n in &sample().nodes {
            assert!(n.id.chars().all(|c| c.is_ascii_alphanumeric()), "{}", n.id);
            assert_ne!(n.id, "end");
        }
    }
}
