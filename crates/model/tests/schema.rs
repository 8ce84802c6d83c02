//! The committed JSON Schema must be the one the types generate. After changing the record,
//! regenerate it with `TINSTREAM_BLESS=1 cargo test -p tinstream-model --test schema`.

use std::path::Path;

#[test]
fn committed_schema_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("schema/article.v1.schema.json");
    let generated = serde_json::to_string_pretty(&tinstream_model::json_schema()).unwrap() + "\n";
    if std::env::var_os("TINSTREAM_BLESS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{} is out of date; regenerate it with TINSTREAM_BLESS=1 cargo test -p tinstream-model --test schema",
        path.display()
    );
}

#[test]
fn schema_requires_every_field_and_documents_dates() {
    let schema = tinstream_model::json_schema();
    let required: Vec<&str> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    for field in [
        "id",
        "url",
        "canonical_url",
        "site",
        "title",
        "body",
        "authors",
        "tags",
        "images",
        "word_count",
        "content_hash",
        "fetched_at",
        "schema_version",
    ] {
        assert!(required.contains(&field), "{field} is not required");
    }
    let time = &schema["$defs"]["ArticleTime"];
    assert_eq!(time["type"], "string");
    let formats: Vec<&str> = time["anyOf"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["format"].as_str().unwrap())
        .collect();
    assert_eq!(formats, ["date-time", "date"]);
}
