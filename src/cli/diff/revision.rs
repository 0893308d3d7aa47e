//! A git revision of the repository holding the area root, materialised: the area's
//! `directory/` and `rules/` at that revision, written into a temporary folder that
//! is removed again when the checkout is dropped.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The area's folders at one revision, in a temporary folder.
pub struct Checkout {
    /// The temporary area root.
    pub root: PathBuf,
    /// The area root's path inside the repository (`""` or `sub/folder/`).
    pub prefix: String,
}

impl Drop for Checkout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.root);
    }
}

/// Whether `revision` names a commit of the repository holding `root`.
pub fn exists(root: &Path, revision: &str) -> bool {
    git(
        root,
        &[
            "rev-parse",
            "--verify",
            "--quiet",
            &format!("{revision}^{{commit}}"),
        ],
    )
    .is_ok()
}

/// Writes the area's `directory/` and `rules/` at `revision` into a new temporary
/// folder. The area root may be a subfolder of the repository.
pub fn checkout(root: &Path, revision: &str) -> Result<Checkout, String> {
    let commit = git(
        root,
        &["rev-parse", "--verify", &format!("{revision}^{{commit}}")],
    )?;
    let top = PathBuf::from(git(root, &["rev-parse", "--show-toplevel"])?);
    let prefix = git(root, &["rev-parse", "--show-prefix"])?;
    let listing = git(
        &top,
        &[
            "ls-tree",
            "-r",
            "-z",
            "--name-only",
            &commit,
            "--",
            &format!("{prefix}directory"),
            &format!("{prefix}rules"),
        ],
    )?;
    let paths: Vec<&str> = listing.split('\0').filter(|p| !p.is_empty()).collect();
    let checkout = Checkout {
        root: temporary_folder()?,
        prefix: prefix.clone(),
    };
    let contents = read_blobs(&top, &commit, &paths)?;
    for (path, bytes) in paths.iter().zip(contents) {
        let Some(bytes) = bytes else { continue };
        let relative = path.strip_prefix(prefix.as_str()).unwrap_or(path);
        let target = checkout.root.join(relative);
        if let Some(parent) = target.parent() {
            std::fs::create_dir_all(parent).map_err(|e| io_error(parent, &e))?;
        }
        std::fs::write(&target, bytes).map_err(|e| io_error(&target, &e))?;
    }
    Ok(checkout)
}

/// The contents of each path at `commit`, read in one `git cat-file --batch`
/// (`None` for an entry that is not a file, such as a submodule).
fn read_blobs(top: &Path, commit: &str, paths: &[&str]) -> Result<Vec<Option<Vec<u8>>>, String> {
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args(["cat-file", "--batch"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("could not run git: {e}"))?;
    let requests: String = paths.iter().map(|p| format!("{commit}:{p}\n")).collect();
    let mut stdin = child.stdin.take().ok_or("could not talk to git")?;
    // Written from a thread: git answers while it reads, and both pipes must drain.
    let writer = std::thread::spawn(move || stdin.write_all(requests.as_bytes()));
    let output = child
        .wait_with_output()
        .map_err(|e| format!("git cat-file failed: {e}"))?;
    let written = writer
        .join()
        .map_err(|_| "could not talk to git".to_string())?;
    written.map_err(|e| format!("could not talk to git: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    parse_batch(&output.stdout, paths.len())
}

/// Parses `git cat-file --batch` output: per request, `<oid> <type> <size>\n<bytes>\n`,
/// or `<request> missing\n`.
fn parse_batch(mut out: &[u8], count: usize) -> Result<Vec<Option<Vec<u8>>>, String> {
    let malformed = || "unexpected output from git cat-file".to_string();
    let mut blobs = Vec::with_capacity(count);
    for _ in 0..count {
        let end = out.iter().position(|&b| b == b'\n').ok_or_else(malformed)?;
        let header = String::from_utf8_lossy(out.get(..end).ok_or_else(malformed)?).to_string();
        out = out.get(end + 1..).ok_or_else(malformed)?;
        let fields: Vec<&str> = header.split(' ').collect();
        match fields.as_slice() {
            [_, kind, size] => {
                let size: usize = size.parse().map_err(|_| malformed())?;
                let bytes = out.get(..size).ok_or_else(malformed)?.to_vec();
                out = out.get(size + 1..).ok_or_else(malformed)?;
                blobs.push((*kind == "blob").then_some(bytes));
            }
            _ => blobs.push(None),
        }
    }
    Ok(blobs)
}

/// Runs git in `dir`; its trimmed standard output, or its error message.
fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .map_err(|e| format!("could not run git: {e}"))?;
    if output.status.success() {
        Ok(String::from_utf8_lossy(&output.stdout).trim().to_string())
    } else {
        Err(String::from_utf8_lossy(&output.stderr).trim().to_string())
    }
}

fn temporary_folder() -> Result<PathBuf, String> {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    let n = NEXT.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("pathways-diff-{}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).map_err(|e| io_error(&dir, &e))?;
    Ok(dir)
}

fn io_error(path: &Path, error: &std::io::Error) -> String {
    format!("could not write `{}`: {error}", path.display())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn parses_blobs_and_missing_entries() {
        let out = b"abc blob 5\nhello\nHEAD:x missing\ndef blob 0\n\n";
        let blobs = parse_batch(out, 3).unwrap();
        assert_eq!(blobs, vec![Some(b"hello".to_vec()), None, Some(Vec::new())]);
        assert!(parse_batch(b"abc blob 9\nshort\n", 1).is_err());
    }
}
