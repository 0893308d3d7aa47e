//! Writing a user's files so that nothing is lost: each is written beside its place
//! and renamed into it, so an interrupted or failed run leaves the old file or the new
//! one, never half of one (`fmt`, `test --bless`, `new`, `schema`, `man`).

use std::io::Write;
use std::path::Path;

/// Writes a temporary file beside `path`, then renames it over `path`, so that an
/// interrupted run leaves either the old file or the new one, never half of one. The
/// temporary file is hidden and named after its file (`.NAME.XXXXXX.tmp`), so one left
/// by a killed run is plainly not an area file and is never read as one.
pub fn write_atomically(path: &Path, content: &str) -> std::io::Result<()> {
    // Through a symbolic link to the file it names: the link stays a link.
    let resolved = std::fs::canonicalize(path);
    let path = resolved.as_deref().unwrap_or(path);
    let temporary = written_beside(path, content)?;
    if let Ok(metadata) = std::fs::metadata(path) {
        std::fs::set_permissions(temporary.path(), metadata.permissions())?;
    }
    temporary.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// [`write_atomically`] for a file that must not exist yet: one made meanwhile is
/// never replaced (the rename fails instead).
pub fn create_atomically(path: &Path, content: &str) -> std::io::Result<()> {
    written_beside(path, content)?
        .persist_noclobber(path)
        .map_err(|error| error.error)?;
    Ok(())
}

/// `content` in a hidden temporary file in `path`'s folder, written to the disk.
fn written_beside(path: &Path, content: &str) -> std::io::Result<tempfile::NamedTempFile> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let name = path
        .file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned());
    let prefix = format!(".{name}.");
    let mut builder = tempfile::Builder::new();
    builder.prefix(&prefix).suffix(".tmp");
    // A new file gets the usual permissions (the umask applies), not a temporary
    // file's owner-only ones.
    #[cfg(unix)]
    builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
    let mut temporary = builder.tempfile_in(folder)?;
    temporary.write_all(content.as_bytes())?;
    temporary.as_file().sync_all()?;
    Ok(temporary)
}
