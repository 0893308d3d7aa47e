//! The preview server behind `pathways serve`: serves a site built in memory on
//! 127.0.0.1, rebuilds it when the area's files change, and reloads the open page.
//!
//! A failed rebuild never takes the preview down: the last good site keeps being
//! served, the problems are printed in the terminal and shown over the page, and the
//! next good build replaces it. Only this server injects its small reload script (and
//! the `connect-src 'self'` it needs); built sites never contain it.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard};
use std::time::{Duration, Instant};

use notify_debouncer_mini::notify::RecursiveMode;
use serde::Serialize;
use tiny_http::{Header, Request, Response, Server};

use super::output::SiteFiles;

/// How long the browser's status request waits for a change before answering anyway.
const LONG_POLL: Duration = Duration::from_secs(25);
/// Editors write files in bursts; one rebuild per burst.
const DEBOUNCE: Duration = Duration::from_millis(120);
/// Where the preview's own endpoints live (no site page can be there).
const INTERNAL: &str = "/__pathways/";
const LIVE_SCRIPT: &str = include_str!("live.js");

/// Builds the whole site in memory, or says what is wrong (already rendered for people).
pub type Builder = dyn Fn() -> Result<SiteFiles, String> + Send + Sync;

/// What the server is showing: the last good site and the latest build's problems.
struct Preview {
    site: SiteFiles,
    /// Bumped on every rebuild, good or bad, so open pages know to look again.
    version: u64,
    /// The latest build's problems; empty after a good build.
    problems: String,
}

/// The state shared by the server's threads.
pub struct Shared {
    preview: Mutex<Preview>,
    changed: Condvar,
}

impl Shared {
    fn lock(&self) -> MutexGuard<'_, Preview> {
        self.preview
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

/// The JSON the reload script polls.
#[derive(Serialize)]
struct Status<'a> {
    version: u64,
    problems: &'a str,
}

/// A running preview: where it listens, and its state (for tests and the CLI).
pub struct Running {
    pub address: String,
    pub shared: Arc<Shared>,
    server: Arc<Server>,
    /// Watching stops when this is dropped.
    _watcher: Watcher,
}

type Watcher = notify_debouncer_mini::Debouncer<notify_debouncer_mini::notify::RecommendedWatcher>;

impl Running {
    /// The number of builds so far (the first is 1).
    pub fn version(&self) -> u64 {
        self.shared.lock().version
    }

    /// The latest build's problems (empty when it was good).
    pub fn problems(&self) -> String {
        self.shared.lock().problems.clone()
    }

    /// Serves requests on this thread until the process ends.
    pub fn serve_forever(&self) {
        for request in self.server.incoming_requests() {
            let shared = Arc::clone(&self.shared);
            std::thread::spawn(move || respond(&shared, request));
        }
    }

    /// Serves requests on background threads (for tests).
    pub fn serve_in_background(&self) {
        let server = Arc::clone(&self.server);
        let shared = Arc::clone(&self.shared);
        std::thread::spawn(move || {
            for request in server.incoming_requests() {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || respond(&shared, request));
            }
        });
    }
}

/// Builds once, binds `127.0.0.1:port` (0 picks a free port) and watches `watched`
/// for changes; `report` is told about every build (its problems, or the time taken).
pub fn start(
    port: u16,
    watched: &[PathBuf],
    build: Arc<Builder>,
    report: Arc<dyn Fn(&BuildReport) + Send + Sync>,
) -> Result<Running, String> {
    let server = Server::http(("127.0.0.1", port))
        .map_err(|e| format!("could not listen on 127.0.0.1:{port}: {e}"))?;
    let address = server
        .server_addr()
        .to_ip()
        .map_or_else(|| format!("127.0.0.1:{port}"), |a| a.to_string());
    let shared = Arc::new(Shared {
        preview: Mutex::new(Preview {
            site: SiteFiles::new(),
            version: 0,
            problems: String::new(),
        }),
        changed: Condvar::new(),
    });
    rebuild(&shared, build.as_ref(), report.as_ref());
    let watcher = watch(watched, Arc::clone(&shared), build, report)?;
    Ok(Running {
        address,
        shared,
        server: Arc::new(server),
        _watcher: watcher,
    })
}

/// What one build did, for the terminal.
pub enum BuildReport {
    Built { pages: usize, took: Duration },
    Failed { problems: String },
}

fn rebuild(shared: &Shared, build: &Builder, report: &(dyn Fn(&BuildReport) + Send + Sync)) {
    let started = Instant::now();
    let result = build();
    let mut preview = shared.lock();
    preview.version += 1;
    match result {
        Ok(site) => {
            report(&BuildReport::Built {
                pages: site.len(),
                took: started.elapsed(),
            });
            preview.site = site;
            preview.problems.clear();
        }
        Err(problems) => {
            report(&BuildReport::Failed {
                problems: problems.clone(),
            });
            preview.problems = problems;
        }
    }
    shared.changed.notify_all();
}

fn watch(
    watched: &[PathBuf],
    shared: Arc<Shared>,
    build: Arc<Builder>,
    report: Arc<dyn Fn(&BuildReport) + Send + Sync>,
) -> Result<Watcher, String> {
    // The watcher also reports files being read (by the build itself), so a rebuild
    // happens only when what is on disk has really changed.
    let roots = watched.to_vec();
    let last = Mutex::new(fingerprint(&roots));
    let mut debouncer = notify_debouncer_mini::new_debouncer(
        DEBOUNCE,
        move |events: notify_debouncer_mini::DebounceEventResult| {
            if !events.is_ok_and(|e| !e.is_empty()) {
                return;
            }
            let now = fingerprint(&roots);
            let mut last = last
                .lock()
                .unwrap_or_else(std::sync::PoisonError::into_inner);
            if *last != now {
                *last = now;
                rebuild(&shared, build.as_ref(), report.as_ref());
            }
        },
    )
    .map_err(|e| format!("could not watch the area's files: {e}"))?;
    for path in watched.iter().filter(|p| p.exists()) {
        debouncer
            .watcher()
            .watch(path, RecursiveMode::Recursive)
            .map_err(|e| format!("could not watch {}: {e}", path.display()))?;
    }
    Ok(debouncer)
}

/// Every file under the watched folders with its size and modification time.
fn fingerprint(roots: &[PathBuf]) -> Vec<(PathBuf, u64, Option<std::time::SystemTime>)> {
    roots
        .iter()
        .flat_map(|root| walkdir::WalkDir::new(root).sort_by_file_name())
        .filter_map(Result::ok)
        .filter_map(|entry| {
            let meta = entry.metadata().ok()?;
            Some((entry.into_path(), meta.len(), meta.modified().ok()))
        })
        .collect()
}

fn respond(shared: &Shared, request: Request) {
    let url = request.url().to_string();
    let path = url.split(['?', '#']).next().unwrap_or("/");
    let response = match path.strip_prefix(INTERNAL) {
        Some("live.js") => asset(LIVE_SCRIPT.as_bytes().to_vec(), "text/javascript"),
        Some("status") => status(shared, since(&url)),
        _ => page(shared, path),
    };
    let _ = request.respond(response);
}

fn since(url: &str) -> u64 {
    url.split_once("since=")
        .and_then(|(_, v)| v.split('&').next())
        .and_then(|v| v.parse().ok())
        .unwrap_or(0)
}

/// Answers when the version moves past `since`, or after [`LONG_POLL`].
fn status(shared: &Shared, since: u64) -> Response<std::io::Cursor<Vec<u8>>> {
    let preview = shared.lock();
    let (preview, _) = shared
        .changed
        .wait_timeout_while(preview, LONG_POLL, |p| p.version <= since)
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let body = serde_json::to_vec(&Status {
        version: preview.version,
        problems: &preview.problems,
    })
    .unwrap_or_default();
    asset(body, "application/json")
}

fn page(shared: &Shared, path: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let preview = shared.lock();
    let wanted = site_path(path);
    match preview.site.get(&wanted) {
        Some(bytes) => typed(bytes, &wanted, 200),
        None => match preview.site.get("404.html") {
            Some(bytes) => typed(bytes, "404.html", 404),
            None => typed(
                not_built(&preview.problems).as_bytes(),
                "index.html",
                if preview.problems.is_empty() {
                    404
                } else {
                    503
                },
            ),
        },
    }
}

/// A page while no build has succeeded yet: the reload script shows the problems.
fn not_built(problems: &str) -> String {
    let state = if problems.is_empty() {
        "Nothing has been built here."
    } else {
        "The site could not be built yet; the problems are shown below and in the terminal."
    };
    format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>pathways preview</title></head><body><p>{state}</p></body></html>"
    )
}

/// `/` and `/dir/` are index pages; other paths map to files, percent-decoded.
fn site_path(path: &str) -> String {
    let decoded = percent_decode(path.trim_start_matches('/'));
    if decoded.is_empty() || decoded.ends_with('/') {
        format!("{decoded}index.html")
    } else {
        decoded
    }
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while let Some(&b) = bytes.get(i) {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (b, hex) {
            (b'%', Some(value)) => {
                out.push(value);
                i += 3;
            }
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn typed(bytes: &[u8], path: &str, status: u16) -> Response<std::io::Cursor<Vec<u8>>> {
    let kind = content_type(path);
    let body = if kind.starts_with("text/html") {
        with_live_reload(&String::from_utf8_lossy(bytes)).into_bytes()
    } else {
        bytes.to_vec()
    };
    asset(body, kind).with_status_code(status)
}

fn asset(body: Vec<u8>, kind: &str) -> Response<std::io::Cursor<Vec<u8>>> {
    let mut response = Response::from_data(body);
    for (name, value) in [
        ("Content-Type", kind),
        ("Cache-Control", "no-store"),
        ("X-Content-Type-Options", "nosniff"),
    ] {
        if let Ok(header) = Header::from_bytes(name, value) {
            response.add_header(header);
        }
    }
    response
}

fn content_type(path: &str) -> &'static str {
    match Path::new(path).extension().and_then(|e| e.to_str()) {
        Some("html") => "text/html; charset=utf-8",
        Some("css") => "text/css; charset=utf-8",
        Some("js") => "text/javascript; charset=utf-8",
        Some("json") => "application/json",
        Some("svg") => "image/svg+xml",
        Some("png") => "image/png",
        Some("txt") => "text/plain; charset=utf-8",
        _ => "application/octet-stream",
    }
}

/// Adds the reload script and lets it poll this server, within the page's CSP.
fn with_live_reload(html: &str) -> String {
    let script = format!("<script src=\"{INTERNAL}live.js\" defer></script>");
    let html = html.replacen(
        "default-src 'none';",
        "default-src 'none'; connect-src 'self';",
        1,
    );
    match html.rfind("</body>") {
        Some(at) => {
            let (head, tail) = html.split_at(at);
            format!("{head}{script}{tail}")
        }
        None => format!("{html}{script}"),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn paths_map_to_pages() {
        assert_eq!(site_path("/"), "index.html");
        assert_eq!(site_path("/finder/"), "finder/index.html");
        assert_eq!(site_path("/services/marac.html"), "services/marac.html");
        assert_eq!(site_path("/a%20b.html"), "a b.html");
    }

    #[test]
    fn reload_script_goes_in_with_its_csp() {
        let page = "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'\"><body>x</body>";
        let served = with_live_reload(page);
        assert!(served.contains("connect-src 'self'"));
        assert!(served.ends_with("<script src=\"/__pathways/live.js\" defer></script></body>"));
    }

    #[test]
    fn since_reads_the_query() {
        assert_eq!(since("/__pathways/status?since=7"), 7);
        assert_eq!(since("/__pathways/status"), 0);
    }
}
