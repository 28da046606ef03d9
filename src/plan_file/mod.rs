//! The plan file: YAML schema, loading with source locations, and validation into a checked plan.
//! Pure: reads no files itself (callers pass the text and the path for messages).

pub mod schema;
