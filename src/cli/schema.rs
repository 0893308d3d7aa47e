//! `pathways schema`: writes the JSON Schemas of the directory and scenario files
//! (for editors).

use super::Outcome;
use super::args::SchemaArgs;
use super::output::Output;
use crate::files::write_atomically;
use crate::golden::schema;

pub fn run(args: &SchemaArgs, out: &Output) -> Outcome {
    if let Err(error) = std::fs::create_dir_all(&args.out) {
        out.note(&format!(
            "error: cannot make `{}`: {error}",
            args.out.display()
        ));
        return Outcome::Failure;
    }
    for file in schema::all() {
        let path = args.out.join(file.name);
        if let Err(error) = write_atomically(&path, &file.text) {
            out.note(&format!(
                "error: cannot write `{}`: {error}",
                path.display()
            ));
            return Outcome::Failure;
        }
        out.note(&format!("wrote {} ({})", path.display(), file.describes));
    }
    Outcome::Success
}
