//! The preview server: serves the built site, rebuilds on change, keeps the last good
//! site when a change breaks the build, and recovers when it is fixed.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::panic)]

use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

use pathways::site::output::SiteFiles;
use pathways::site::serve::{self, BuildReport, Builder, Running};

/// A stand-in build: the page shows the rule file; a file saying "broken" fails.
fn build_from(root: &Path) -> Arc<Builder> {
    let file = root.join("rules/area.pathways");
    Arc::new(move || {
        let text = std::fs::read_to_string(&file).map_err(|e| e.to_string())?;
        if text.contains("broken") {
            return Err(format!("rules/area.pathways: {text}"));
        }
        let mut site = SiteFiles::new();
        let page = format!(
            "<!DOCTYPE html><html><head><meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; script-src 'self'\"></head><body>{text}</body></html>"
        );
        site.add("index.html", page).map_err(|e| e.message)?;
        Ok(site)
    })
}

fn get(address: &str, path: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(address).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(30)))
        .unwrap();
    write!(
        stream,
        "GET {path} HTTP/1.1\r\nHost: {address}\r\nConnection: close\r\n\r\n"
    )
    .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_string())
        .unwrap();
    (status, body)
}

fn wait_for_version(running: &Running, version: u64) {
    let start = Instant::now();
    while running.version() < version {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "no rebuild after a change"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

fn save(root: &Path, text: &str) {
    // Written in place, as an editor saving a half-typed file would.
    std::fs::write(root.join("rules/area.pathways"), text).unwrap();
}

#[test]
fn rebuilds_keeps_the_last_good_site_and_recovers() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    std::fs::create_dir_all(root.join("rules")).unwrap();
    save(root, "first");
    let report: Arc<dyn Fn(&BuildReport) + Send + Sync> = Arc::new(|_| {});
    let running = serve::start(0, &[root.join("rules")], build_from(root), report).unwrap();
    running.serve_in_background();
    let address = running.address.clone();

    let (status, body) = get(&address, "/");
    assert_eq!(status, 200);
    assert!(body.contains("first"));
    assert!(
        body.contains("/__pathways/live.js"),
        "the reload script is injected"
    );
    assert!(body.contains("connect-src 'self'"), "and allowed to poll");

    save(root, "second");
    wait_for_version(&running, 2);
    assert!(get(&address, "/").1.contains("second"));

    save(root, "broken: half-writ");
    wait_for_version(&running, 3);
    assert!(running.problems().contains("half-writ"));
    let (status, body) = get(&address, "/");
    assert_eq!(status, 200, "the last good site is still served");
    assert!(body.contains("second"));
    let (_, status_json) = get(&address, "/__pathways/status?since=0");
    assert!(status_json.contains("half-writ"), "{status_json}");

    save(root, "third");
    wait_for_version(&running, 4);
    assert!(running.problems().is_empty());
    assert!(get(&address, "/").1.contains("third"));
    assert_eq!(get(&address, "/missing.html").0, 404);
    let (status, script) = get(&address, "/__pathways/live.js");
    assert_eq!(status, 200);
    assert!(script.contains("location.reload"));
}
