//! The fast reader against serde_yaml: whenever it answers, its documents are
//! serde_yaml's, value for value and number type for number type.

use proptest::prelude::*;
use serde::Deserialize;
use serde_json::{json, Value};

use super::read_stream;
use crate::yaml::tree::JsonTree;

/// Every document as serde_yaml reads it (nulls kept), or its error.
fn slow(text: &str) -> Result<Vec<Value>, String> {
    serde_yaml::Deserializer::from_str(text)
        .map(|doc| JsonTree::deserialize(doc).map(|t| t.0))
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())
}

fn printed(documents: &[Value]) -> String {
    serde_json::to_string(documents).unwrap_or_default()
}

/// Whether the fast reader took `text`; when it did, it read what serde_yaml reads.
fn agrees(text: &str) -> bool {
    let Some(fast) = read_stream(text) else {
        return false;
    };
    match slow(text) {
        // `to_string` too: it tells 1 from 1.0 and -0.0 from 0.0.
        Ok(slow) => assert!(
            fast == slow && printed(&fast) == printed(&slow),
            "read differently:\n{text}\nfast: {fast:?}\nslow: {slow:?}"
        ),
        Err(e) => panic!("the fast reader took what serde_yaml refuses ({e}):\n{text}"),
    }
    true
}

#[test]
fn reads_the_forms_templates_print() {
    for text in [
        "",
        "\n\n",
        "# only a comment\n",
        "---\n",
        "---\n---\n",
        "a: 1\n",
        "---\na: 1\n---\n\n---\nb: 2\n",
        "# head\na: 1\n---\nb: 2\n",
        "a: 1\n---\n",
        "apiVersion: v1\nkind: Service\nmetadata: {\"name\":\"a\",\"labels\":{\"x\":\"y\"}}\n",
        "spec:\n  ports:\n    - name: http\n      port: 80\n      targetPort: 8080\n",
        "spec:\n  list:\n  - a\n  next:\n  - b\n  -\n  - c: 1\n    d:\n    - e\nlast: 1\n",
        "- a:\n  - x\n  b: 1\n-\n- - y\n",
        "a:\n  - - 1\n    - 2\n  - -\n    - x\n",
        "a:\n  -\n    b: 1\n  -\n",
        "k: \"\"\nl: []\nm: {}\nn: [1,-2,0,-0,1.5,-0.0,true,false,null]\n",
        "s: \"quote \\\" backslash \\\\ nl \\n tab \\t cr \\r \\b \\f \\u0001 \\u00e9 \\u2028\"\n",
        "s: [\"a:b\",\"# not a comment\",\"- x\",\"{y}\"]\n",
        "k: null\nt: True\nf: FALSE\nw: yes\nv: v1.2-x_y/z\n",
        "cpu: 2000m\nmemory: 1024Mi\ninterval: 10s\nversion: 1.2.3\nx: 1_000\ny: 1e5x\n",
        "a:\nb:\n  c:\n",
        "a: 18446744073709551615\nb: -9223372036854775808\n",
        "e: [1e3,1E-7,-2.5e+300,0e0]\nf: 1e3\n",
        "s: [ \"a\", \"b\" ,1 , true ]\nm: { \"a\" : 1 , \"b\": [ ] }\n",
        "  indented: root\n  second: 2\n",
        "a: 1   \nb:   2\n",
        "- a\n- b: 1\n  c: 2\n",
        "\"quoted key\": 1\n\"null\": 2\n\"a: b # c\":\n  \"x\\\"y\": \"z\"\n",
        "- \"k\": 1\n  \"l\": 2\n",
        "a: 1 # comment\nb: # comment\nc: [1] # c\nd: \"x # y\" #c\ne: # c\n  f: 1 # c\n  # c\ng:\n- # c\n  h: 1\n",
    ] {
        assert!(agrees(text), "not taken:\n{text}");
    }
}

/// Forms whose meaning needs more than this reader knows: each is left to serde_yaml.
#[test]
fn leaves_everything_else_to_serde_yaml() {
    for text in [
        "a: 1\na: 2\n",
        "m: {\"a\":1,\"a\":2}\n",
        "a: 1#c\n",
        "a: \"x\"#c\n",
        "a: 0123\n",
        "a: 0x1F\n",
        "a: 0xZZ\n",
        "a: 1.\n",
        "a: +1\n",
        "a: .5\n",
        "a: .inf\n",
        "a: ~\n",
        "a: 18446744073709551616\n",
        "a: -9223372036854775809\n",
        "a: 'single'\n",
        "a: &x 1\nb: *x\n",
        "a: !tag x\n",
        "a: |\n  block\n",
        "a: >\n  folded\n",
        "a: plain\n  continued\n",
        "a: two words\n",
        "a: x:y\n",
        "a:b\n",
        "\"a\":b\n",
        "\"a\" : 1\n",
        "\"a\"x: 1\n",
        "true: 1\n",
        "null: 1\n",
        "1: x\n",
        "a:\n  b: 1\n c: 2\n",
        "a:\n    b: 1\n  c: 2\n",
        "a: 1\n  b: 2\n",
        "- a\n  - b\n",
        "a: {\"b\":1}\n  c: 2\n",
        "a: {\"b\":1\n",
        "a: [1,2\n",
        "a: [a,b]\n",
        "a: \"\\ud83d\\ude00\"\n",
        "a: \"\\x41\"\n",
        "a: \"\\u+041\"\n",
        "a: \"unterminated\n",
        "a: \"x\" y\n",
        "a:\tb\n",
        "a: b\r\n",
        "a: é\n",
        "a: \u{85}\n",
        "--- a: 1\n",
        "...\n",
        "%YAML 1.2\n---\na: 1\n",
        "? a\n: b\n",
        "just text\n",
        "[1, 2]\n",
    ] {
        assert!(
            !agrees(text),
            "taken, but serde_yaml should read it:\n{text}"
        );
    }
}

#[test]
fn deep_nesting_is_left_to_serde_yaml() {
    let flow = format!("a: {}1{}\n", "[".repeat(200), "]".repeat(200));
    assert!(!agrees(&flow));
    let block: String = (0..200).map(|i| format!("{}k:\n", " ".repeat(i))).collect();
    assert!(!agrees(&block));
    let nested = format!("a: {}1{}\n", "[".repeat(30), "]".repeat(30));
    assert!(agrees(&nested));
}

/// Every template's output for every shipped example is read here, not by serde_yaml.
#[test]
fn takes_every_shipped_example() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("values/examples");
    let mut examples: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    examples.sort();
    assert!(examples.len() >= 5);
    let templates =
        crate::render::load_templates(&crate::render::TemplateSource::Embedded).unwrap();
    for example in examples {
        let input = crate::values::ValuesInput {
            files: vec![example.display().to_string()],
            ..Default::default()
        };
        let loaded = crate::values::load(&input, &mut std::io::empty()).unwrap();
        let plan = crate::plan::build(&loaded).unwrap();
        for rendered in crate::render::render(&plan, &templates).unwrap() {
            assert!(
                agrees(&rendered.text),
                "{} {}:\n{}",
                example.display(),
                rendered.template,
                rendered.text
            );
        }
    }
}

/// Strings with the characters that matter to YAML.
fn tricky_string() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            8 => proptest::char::range('a', 'z'),
            2 => proptest::char::range('0', '9'),
            6 => prop::sample::select(vec![
                ' ', ':', '#', '-', '"', '\\', '\'', '{', '}', '[', ']', ',', '&', '*', '!',
                '|', '>', '%', '@', '`', '?', '.', '/', '_', '~', '\n', '\t', '\r', 'é',
                '\u{85}', '\u{2028}', '\u{1}', '\u{7f}', '\u{feff}', '😀',
            ]),
        ],
        0..8,
    )
    .prop_map(|chars| chars.into_iter().collect())
}

fn scalar() -> impl Strategy<Value = Value> {
    prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        any::<u64>().prop_map(Value::from),
        (-1e6f64..1e6).prop_map(Value::from),
        tricky_string().prop_map(Value::String),
        "[a-z][a-z0-9.-]{0,6}".prop_map(Value::String),
    ]
}

/// A plain map key; the null and bool words are keys serde_yaml reads its own way.
fn key() -> impl Strategy<Value = String> {
    "[a-z][a-zA-Z0-9./_-]{0,5}".prop_filter("a null or bool word", |k| {
        !matches!(k.as_str(), "null" | "true" | "false")
    })
}

fn tree() -> impl Strategy<Value = Value> {
    scalar().prop_recursive(4, 40, 5, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..5).prop_map(Value::Array),
            proptest::collection::vec((key(), inner), 0..5)
                .prop_map(|entries| Value::Object(entries.into_iter().collect())),
        ]
    })
}

/// Block YAML as a template writes it: nested maps and lists, each value
/// printed as JSON on its line (`inline` picks where the block stops).
fn template_style(
    value: &Value,
    indent: usize,
    inline: &mut impl Iterator<Item = bool>,
    out: &mut String,
) {
    let pad = " ".repeat(indent);
    match value {
        Value::Object(map) if !map.is_empty() => {
            for (key, v) in map {
                out.push_str(&format!("{pad}{key}:"));
                entry(v, indent, inline, out);
            }
        }
        Value::Array(items) if !items.is_empty() => {
            for v in items {
                out.push_str(&format!("{pad}-"));
                entry(v, indent, inline, out);
            }
        }
        _ => out.push_str(&format!("{pad}{value}\n")),
    }
}

fn entry(v: &Value, indent: usize, inline: &mut impl Iterator<Item = bool>, out: &mut String) {
    let block = matches!(v, Value::Object(m) if !m.is_empty())
        || matches!(v, Value::Array(a) if !a.is_empty());
    if block && !inline.next().unwrap_or(true) {
        out.push('\n');
        template_style(v, indent + 2, inline, out);
    } else {
        out.push_str(&format!(" {v}\n"));
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 600, ..ProptestConfig::default() })]

    /// Printed as serde_yaml prints it: whatever the reader takes, it reads alike.
    #[test]
    fn agrees_on_serde_yaml_output(docs in proptest::collection::vec(tree(), 1..3)) {
        let text: String = docs.iter().map(|d| format!("---\n{}", serde_yaml::to_string(d).unwrap())).collect();
        agrees(&text);
    }

    /// Printed as templates print it: taken whenever the text is printable ASCII.
    #[test]
    fn takes_template_style_output(
        value in tree(),
        inline in proptest::collection::vec(any::<bool>(), 0..40),
    ) {
        let doc = json!({ "kind": "K", "spec": value });
        let mut text = String::from("---\n");
        template_style(&doc, 0, &mut inline.into_iter(), &mut text);
        let taken = agrees(&text);
        if text.bytes().all(|b| b == b'\n' || (b' '..=b'~').contains(&b)) {
            prop_assert!(taken, "not taken:\n{}", text);
        }
    }

    /// Plain scalars and flow tokens resolve to serde_yaml's null, bool, number or string.
    #[test]
    fn plain_scalars_read_as_serde_yaml_reads_them(
        token in prop_oneof![
            "[-+]?[0-9]{1,4}(\\.[0-9]{0,2})?([eE][-+]?[0-9]{0,2})?",
            "[-+]?0[0-9xob.][0-9a-f]{0,3}",
            "[-+.0-9eExob]{1,6}",
            "[0-9][0-9a-zA-Z._/-]{0,5}",
            "[-+.~a-zA-Z0-9_:#/ ]{1,8}",
            "(null|Null|NULL|true|True|TRUE|false|False|FALSE|yes|no|on|off|y|n|inf|nan|\\.inf|-\\.inf|\\.nan)",
        ],
    ) {
        for text in [format!("k: {token}\n"), format!("k: [{token}]\n"), format!("- {token}\n"), format!("{token}: v\n")] {
            agrees(&text);
        }
    }

    /// Damaged streams: taken only when serde_yaml reads them the same.
    #[test]
    fn agrees_on_damaged_streams(
        value in tree(),
        edits in proptest::collection::vec(
            (any::<prop::sample::Index>(), 0..3usize, "[ :#\"{}\\[\\],\n0a.-]{0,2}"),
            1..3,
        ),
    ) {
        let doc = json!({ "kind": "K", "spec": value });
        let mut text = String::from("---\n");
        template_style(&doc, 0, &mut std::iter::repeat(false), &mut text);
        let mut chars: Vec<char> = text.chars().collect();
        for (at, removed, inserted) in edits {
            let at = at.index(chars.len() + 1);
            let end = (at + removed).min(chars.len());
            chars.splice(at..end, inserted.chars());
        }
        agrees(&chars.into_iter().collect::<String>());
    }
}

/// Values files the fast reader takes read as serde_yaml reads them; the
/// shipped ones are all taken.
#[test]
fn fast_read_values_are_serde_yaml_values() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![
        root.join("values/values.yaml"),
        root.join("values/starter.yaml"),
    ];
    for dir in ["values/examples", "tests/fixtures/values"] {
        for entry in std::fs::read_dir(root.join(dir)).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "yaml") {
                files.push(path);
            }
        }
    }
    let mut taken = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let Some(documents) = read_stream(&text) else {
            continue;
        };
        let [document] = documents.as_slice() else {
            continue;
        };
        let expected: serde_yaml::Value = serde_yaml::from_str(&text).unwrap();
        assert_eq!(
            crate::yaml::from_json(document),
            expected,
            "{}",
            path.display()
        );
        taken += 1;
    }
    assert!(taken >= 12, "{taken} of {} files taken", files.len());
    for shipped in ["values/values.yaml", "values/examples/east-west.yaml"] {
        let text = std::fs::read_to_string(root.join(shipped)).unwrap();
        assert!(read_stream(&text).is_some(), "{shipped}");
    }
}
