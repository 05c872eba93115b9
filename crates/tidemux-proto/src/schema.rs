//! JSON Schemas of every message, generated from the Rust types (`schemars`), as checked into
//! `docs/api/` by `tidemux api-schema --out docs/api`. A test in this module fails when the
//! checked-in files differ from what the types generate.

use crate::codec::{Hello, RpcReply, RpcRequest, Welcome};
use crate::msg::Event;

/// The schema files: `(file name, pretty JSON ending in a newline)`.
///
/// - `hello.schema.json`: the client's negotiation line ([`Hello`]).
/// - `welcome.schema.json`: the server's negotiation line ([`Welcome`]).
/// - `request.schema.json`: a request line, one `oneOf` branch per method ([`RpcRequest`]).
/// - `reply.schema.json`: a reply line, one branch per result type ([`RpcReply`]).
/// - `event.schema.json`: one event as `events` streams it ([`Event`]).
pub fn files() -> Vec<(&'static str, String)> {
    fn pretty(s: schemars::Schema) -> String {
        let mut t = serde_json::to_string_pretty(&s).expect("a schema serialises");
        t.push('\n');
        t
    }
    vec![
        ("hello.schema.json", pretty(schemars::schema_for!(Hello))),
        (
            "welcome.schema.json",
            pretty(schemars::schema_for!(Welcome)),
        ),
        (
            "request.schema.json",
            pretty(schemars::schema_for!(RpcRequest)),
        ),
        ("reply.schema.json", pretty(schemars::schema_for!(RpcReply))),
        ("event.schema.json", pretty(schemars::schema_for!(Event))),
    ]
}

/// Writes [`files`] into `dir` (created if missing) and removes other `*.schema.json` files
/// there; returns the paths written.
///
/// # Errors
/// I/O errors.
pub fn write(dir: &std::path::Path) -> std::io::Result<Vec<std::path::PathBuf>> {
    std::fs::create_dir_all(dir)?;
    let wanted = files();
    for e in std::fs::read_dir(dir)? {
        let p = e?.path();
        let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if name.ends_with(".schema.json") && !wanted.iter().any(|(n, _)| *n == name) {
            std::fs::remove_file(&p)?;
        }
    }
    let mut out = Vec::new();
    for (name, text) in wanted {
        let p = dir.join(name);
        std::fs::write(&p, text)?;
        out.push(p);
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    #[test]
    fn checked_in_schema_matches_the_types() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/api");
        let fix = "regenerate with: cargo run -p tidemux -- api-schema --out docs/api";
        let mut names = Vec::new();
        for (name, text) in super::files() {
            let have = std::fs::read_to_string(dir.join(name))
                .unwrap_or_else(|e| panic!("docs/api/{name}: {e}; {fix}"));
            assert!(have == text, "docs/api/{name} is out of date; {fix}");
            names.push(name.to_owned());
        }
        for e in std::fs::read_dir(&dir).expect("docs/api") {
            let n = e.expect("entry").file_name().to_string_lossy().into_owned();
            assert!(
                !n.ends_with(".schema.json") || names.contains(&n),
                "docs/api/{n} is not generated any more; {fix}"
            );
        }
    }
}
