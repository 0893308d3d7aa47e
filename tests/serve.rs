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

/// Lines the running server writes to standard error, as they come.
fn stderr_lines(child: &mut std::process::Child) -> std::sync::mpsc::Receiver<String> {
    let stderr = child.stderr.take().unwrap();
    let (send, receive) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in std::io::BufRead::lines(std::io::BufReader::new(stderr)) {
            let Ok(line) = line else { break };
            if send.send(line).is_err() {
                break;
            }
        }
    });
    receive
}

/// The next line containing `wanted`, waiting at most a minute.
fn line_with(lines: &std::sync::mpsc::Receiver<String>, wanted: &str) -> String {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let left = deadline.saturating_duration_since(Instant::now());
        match lines.recv_timeout(left) {
            Ok(line) if line.contains(wanted) => return line,
            Ok(_) => {}
            Err(e) => panic!("no line with `{wanted}`: {e}"),
        }
    }
}

/// The real `pathways serve` on a copy of the example area: a rule file saved half
/// written fails the rebuild and the last good site is still served, byte for byte;
/// fixing it (with an edit) rebuilds and serves the new site.
#[test]
fn the_real_server_survives_a_half_written_rule_file() {
    let area = tempfile::tempdir().unwrap();
    let example = Path::new(env!("CARGO_MANIFEST_DIR"));
    for folder in ["directory", "directory/services", "rules"] {
        std::fs::create_dir_all(area.path().join(folder)).unwrap();
        for entry in std::fs::read_dir(example.join(folder)).unwrap() {
            let path = entry.unwrap().path();
            if path.is_file() {
                let to = area.path().join(folder).join(path.file_name().unwrap());
                std::fs::copy(&path, to).unwrap();
            }
        }
    }
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_pathways"))
        .arg("--root")
        .arg(area.path())
        .args(["--color", "never", "serve", "--port", "0"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let lines = stderr_lines(&mut child);
    let serving = line_with(&lines, "serving the site");
    let address = serving
        .split("http://")
        .nth(1)
        .and_then(|rest| rest.split('/').next())
        .unwrap()
        .to_string();
    let page = "/services/idva.html";
    let (status, good) = get(&address, page);
    assert_eq!(status, 200);
    assert!(good.contains("Independent domestic violence advocates"));

    let rules = area.path().join("rules/victims.pathways");
    let whole = std::fs::read_to_string(&rules).unwrap();
    let mut half = whole.len() / 2;
    while !whole.is_char_boundary(half) {
        half -= 1;
    }
    std::fs::write(&rules, &whole[..half]).unwrap();
    line_with(&lines, "still serving the last good site");
    assert_eq!(
        get(&address, page),
        (200, good.clone()),
        "the last good site"
    );

    let service = area.path().join("directory/services/idva.yaml");
    let yaml = std::fs::read_to_string(&service).unwrap();
    std::fs::write(
        &service,
        yaml.replace(
            "name: Independent domestic violence advocates",
            "name: Renamed advocates",
        ),
    )
    .unwrap();
    std::fs::write(&rules, &whole).unwrap();
    let deadline = Instant::now() + Duration::from_secs(60);
    while !get(&address, page).1.contains("Renamed advocates") {
        assert!(Instant::now() < deadline, "no rebuild after the fix");
        std::thread::sleep(Duration::from_millis(100));
    }
    child.kill().unwrap();
    child.wait().unwrap();
}
