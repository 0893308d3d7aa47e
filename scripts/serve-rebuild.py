#!/usr/bin/env python3
"""Times `pathways serve` rebuilding after a one-line rule change, as a user sees it.

    scripts/serve-rebuild.py PATHWAYS_BIN AREA EDITS RUN_JSON

Copies AREA's directory, rules and site folders to a temporary folder, starts
`pathways serve` there, then EDITS times rewrites one `because` line of the first rule
file (alternately with and without a few words added) and waits for serve's
"built N files in X ms" line. Prints one JSON line: the rebuild times serve reported
(from its file watcher firing to the new site being served) and the times from the
file being saved to that line (which add the watcher's 120 ms debounce and the file
system's notification).
"""
import json
import queue
import re
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BUILT = re.compile(r"built (\d+) files in (\d+) ms")


def copy_area(area, into):
    for folder in ["directory", "rules", "site"]:
        if (area / folder).is_dir():
            shutil.copytree(area / folder, into / folder)


def reader(stream, lines):
    for line in stream:
        lines.put(line)


def next_build(lines, timeout=60):
    """Waits for serve's next report of a build: (files, ms)."""
    deadline = time.monotonic() + timeout
    while True:
        line = lines.get(timeout=max(0.1, deadline - time.monotonic()))
        found = BUILT.search(line)
        if found:
            return int(found.group(1)), int(found.group(2))
        if "could not be built" in line:
            sys.exit(f"the edited area did not build: {line}")


def edited_line(rules):
    """The first rule file and the index of its first `because` line."""
    for path in sorted(rules.glob("*.pathways")):
        text = path.read_text().split("\n")
        for i, line in enumerate(text):
            if line.strip().startswith('because "'):
                return path, text, i
    sys.exit("no `because` line to edit")


def main():
    binary, area, edits, run = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3]), json.loads(sys.argv[4])
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        copy_area(area, root)
        serve = subprocess.Popen([binary, "--root", str(root), "--color", "never", "serve", "--port", "0"],
                                 stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True)
        lines = queue.Queue()
        threading.Thread(target=reader, args=(serve.stderr, lines), daemon=True).start()
        try:
            files, first_ms = next_build(lines)
            path, text, i = edited_line(root / "rules")
            original = text[i]
            rebuild, after_save = [], []
            for n in range(edits):
                time.sleep(0.5)
                text[i] = original.replace('because "', 'because "Edited. ', 1) if n % 2 == 0 else original
                saved = time.monotonic()
                path.write_text("\n".join(text))
                _, ms = next_build(lines)
                after_save.append(round((time.monotonic() - saved) * 1000))
                rebuild.append(ms)
        finally:
            serve.terminate()
            serve.wait()
    print(json.dumps({"run": run, "files": files, "first_build_ms": first_ms,
                      "edited": f"{path.name} line {i + 1}", "rebuild_ms": rebuild, "after_save_ms": after_save}))


if __name__ == "__main__":
    main()
