// End-to-end tests of the built site in headless Chromium, run by tests/browser.rs:
//   node tests/browser/e2e.mjs SITE_DIR SCENARIOS_JSON
// SCENARIOS_JSON comes from the Rust side: the area's exit URL, its questions (text and
// value labels) and scenarios (answers, and the services `pathways refer` gives).
// Prints one line per check and a final "N passed, N failed"; exits 1 on any failure.
// With PATHWAYS_SCREENSHOTS=DIR, also saves finder.png and results.png (1000x800) there.
import fs from "node:fs";
import http from "node:http";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { chromium } from "playwright-core";

const here = path.dirname(fileURLToPath(import.meta.url));
const AXE = path.join(here, "node_modules/axe-core/axe.min.js");
const AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"];
const CHROMIUM = process.env.PATHWAYS_CHROMIUM || "/usr/bin/chromium";
const VIEWPORT = { width: 1000, height: 800 };

const [siteDir, scenariosFile] = process.argv.slice(2);
if (!siteDir || !scenariosFile) {
  console.error("usage: node e2e.mjs SITE_DIR SCENARIOS_JSON");
  process.exit(2);
}
const spec = JSON.parse(fs.readFileSync(scenariosFile, "utf8"));

let passed = 0;
let failed = 0;
async function check(name, body) {
  const started = Date.now();
  try {
    await body();
    passed++;
    console.log(`ok   ${name} (${Date.now() - started} ms)`);
  } catch (error) {
    failed++;
    console.log(`FAIL ${name}\n     ${String(error && error.message ? error.message : error).replace(/\n/g, "\n     ")}`);
  }
}

function assert(condition, message) {
  if (!condition) throw new Error(message);
}

function same(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  assert(a === e, `${what}:\n  got      ${a}\n  expected ${e}`);
}

// ---- A tiny static server for the built site (404.html for anything missing). ----

const TYPES = {
  ".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
  ".svg": "image/svg+xml", ".json": "application/json", ".png": "image/png", ".txt": "text/plain",
};

function serve(root) {
  const server = http.createServer((req, res) => {
    const url = new URL(req.url, "http://localhost");
    let file = path.join(root, path.normalize(decodeURIComponent(url.pathname)).replace(/^(\.\.[/\\])+/, ""));
    if (file.endsWith(path.sep)) file = path.join(file, "index.html");
    let status = 200;
    if (!file.startsWith(root) || !fs.existsSync(file) || !fs.statSync(file).isFile()) {
      file = path.join(root, "404.html");
      status = 404;
    }
    res.writeHead(status, { "content-type": TYPES[path.extname(file)] || "application/octet-stream" });
    fs.createReadStream(file).pipe(res);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve(server)));
}

// ---- Contexts that watch for the site's promises being broken. ----

/* Every context aborts requests to other origins and records them; `exits` collects
   attempted exit navigations (the one allowed foreign request, only after an exit). */
async function newContext(browser, origin, options = {}) {
  const context = await browser.newContext({ viewport: VIEWPORT, ...options });
  context.setDefaultTimeout(10000);
  const watch = { foreign: [], exits: [], problems: [], exiting: false, beforeAbort: null };
  await context.route("**/*", async (route) => {
    const request = route.request();
    if (new URL(request.url()).origin === origin) return route.continue();
    if (watch.exiting && request.isNavigationRequest()) {
      watch.exits.push(request.url());
      // The page's last reports must reach the test before the aborted navigation ends it.
      if (watch.beforeAbort) await watch.beforeAbort();
    } else {
      watch.foreign.push(request.url());
    }
    return route.abort();
  });
  context.on("page", (page) => watchPage(page, watch));
  if (options.javaScriptEnabled !== false) {
    await context.addInitScript(() => {
      document.addEventListener("securitypolicyviolation", (e) => {
        console.error(`CSP violation: ${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
      }, true);
    });
  }
  return { context, watch };
}

function watchPage(page, watch) {
  page.on("console", (message) => {
    const expected404 = /status of 404/.test(message.text()) && new URL(page.url()).pathname === "/no-such-page.html";
    if (!expected404 && (message.type() === "error" || /Content.Security.Policy|CSP/i.test(message.text()))) {
      watch.problems.push(`console ${message.type()}: ${message.text()}`);
    }
  });
  page.on("pageerror", (error) => watch.problems.push(`script error: ${error.message}`));
}

/* No foreign request, no console error or CSP violation, no cookie, nothing stored.
   Takes what was recorded, so one page's failure does not fail the next. */
async function assertClean(context, watch, page, jsEnabled) {
  same(watch.foreign.splice(0), [], "requests to other origins");
  same(watch.problems.splice(0), [], "console errors or CSP violations");
  same(await context.cookies(), [], "cookies");
  if (jsEnabled) {
    const stored = await page.evaluate(() => [localStorage.length, sessionStorage.length]);
    same(stored, [0, 0], "localStorage and sessionStorage entries");
  }
}

// ---- The finder, driven by clicking. ----

function questionByText(text) {
  const entry = Object.entries(spec.questions).find(([, q]) => q.text === text);
  assert(entry, `the page asks a question the rules do not have: "${text}"`);
  return entry[0];
}

async function heading(page) {
  return (await page.locator("main h1").first().innerText()).trim();
}

/* Answers the question on screen: clicks the label of the scenario's answer. */
async function chooseAnswer(page, scenario, asked) {
  const question = questionByText(await heading(page));
  const value = scenario.answers[question];
  assert(value !== undefined, `"${scenario.name}" has no answer to ${question}`);
  asked.push(question);
  const input = page.locator(`main input[type=radio][value="${value}"]`);
  const id = await input.getAttribute("id");
  const label = page.locator(`main label[for="${id}"]`);
  same((await label.innerText()).trim(), spec.questions[question].values[value], `label of ${question}=${value}`);
  await label.click();
  assert(await input.isChecked(), `clicking the label did not select ${question}=${value}`);
  return input;
}

async function readResults(page) {
  assert((await heading(page)) === "Where to refer", `expected the results page, got "${await heading(page)}"`);
  return page.locator("main article.service h2").evaluateAll((hs) =>
    hs.map((h) => ({ id: h.id.replace(/^svc-/, ""), name: h.textContent.trim() })));
}

/* Follows the journey until the results; `next` moves on from a question page. */
async function walk(page, scenario, next, asked = []) {
  for (let step = 0; step < 30; step++) {
    const title = await heading(page);
    if (title === "Where to refer") return { services: await readResults(page), asked };
    if (title === "Check your answers") {
      const rows = await page.locator("main .summary-list__key").allInnerTexts();
      same(rows.map((r) => r.trim()), asked.map((q) => spec.questions[q].text), "questions on Check your answers");
      await follow(page, page.getByText("See where to refer"));
      continue;
    }
    const input = await chooseAnswer(page, scenario, asked);
    await next(page, input);
  }
  throw new Error("the finder did not reach a result in 30 steps");
}

/* Clicks a link and waits for the next page to be drawn. */
async function follow(page, link) {
  await moveOn(page, () => link.click());
}

/* The finder sets the fragment, then draws the next page on `hashchange`. */
async function continueWithJs(page) {
  await moveOn(page, () => page.getByRole("button", { name: "Continue" }).click());
}

/* Does `act`, then waits for both a new address (a page, or with JavaScript a fragment)
   and a new heading: with JavaScript the finder draws the next page on `hashchange`, so
   a busy machine can leave the old page on screen after the fragment has changed, and
   the test would read it again (every step of a journey has a heading of its own). */
async function moveOn(page, act) {
  const [href, title] = [page.url(), await heading(page)];
  await act();
  await page.waitForURL((u) => u.href !== href);
  await page.waitForLoadState("load");
  for (let waited = 0; (await heading(page)) === title; waited += 20) {
    assert(waited < 10000, `"${title}" was still on screen 10 s after moving on`);
    await page.waitForTimeout(20);
  }
}

async function continueWithoutJs(page, input) {
  const link = input.locator("xpath=..").locator("a.reveal");
  assert(await link.isVisible(), "the Continue link did not appear after choosing an answer");
  await follow(page, link);
}

// ---- The checks. ----

async function finderChecks(browser, base, jsEnabled) {
  const mode = jsEnabled ? "with JavaScript" : "without JavaScript";
  const { context, watch } = await newContext(browser, new URL(base).origin, { javaScriptEnabled: jsEnabled });
  for (const scenario of spec.scenarios) {
    await check(`finder ${mode}: ${scenario.name}`, async () => {
      const page = await context.newPage();
      await page.goto(`${base}finder.html`);
      const { services } = await walk(page, scenario, jsEnabled ? continueWithJs : continueWithoutJs);
      same(services, scenario.expected, "services on the results page (vs pathways refer)");
      await assertClean(context, watch, page, jsEnabled);
      await page.close();
    });
  }
  await context.close();
}

/* Records the page's state each time its body changes, so a test sees whether the page
   was hidden and emptied before it navigated away (the exit is aborted, see newContext). */
async function watchBody(context, seen) {
  await context.exposeBinding("pathwaysBodyChanged", (_source, state) => seen.push(state));
  await context.addInitScript(() => {
    document.addEventListener("DOMContentLoaded", () => {
      const report = () => window.pathwaysBodyChanged({
        hidden: document.body.hidden, children: document.body.childElementCount, title: document.title,
      });
      new MutationObserver(report).observe(document.body, { attributes: true, childList: true });
    });
  });
}

async function waitUntil(condition, ms) {
  for (let waited = 0; !condition() && waited < ms; waited += 20) await new Promise((r) => setTimeout(r, 20));
}

async function exitChecks(browser, base) {
  const ways = {
    "the button": (page) => page.click("#exit-this-page", { noWaitAfter: true }),
    "Shift pressed 3 times": async (page) => {
      await page.keyboard.press("Shift");
      await page.keyboard.press("Shift");
      await page.waitForTimeout(100);
      same(watchExits.exits, [], "navigations after pressing Shift twice");
      await page.keyboard.press("Shift", { noWaitAfter: true });
    },
  };
  let watchExits = null;
  for (const [how, exit] of Object.entries(ways)) {
    await check(`Exit this page by ${how}: hidden at once, then to ${spec.exit_url}`, async () => {
      const { context, watch } = await newContext(browser, new URL(base).origin);
      const seen = [];
      await watchBody(context, seen);
      watchExits = watch;
      const page = await context.newPage();
      await page.goto(`${base}finder.html`);
      const hidden = () => seen.some((s) => s.hidden && s.children === 0 && s.title === "");
      watch.beforeAbort = () => waitUntil(hidden, 3000);
      watch.exiting = true;
      await exit(page);
      await waitUntil(() => watch.exits.length, 5000);
      same(watch.exits, [spec.exit_url], "navigations after exit");
      assert(hidden(),
        `the page was not hidden and emptied on exit: ${JSON.stringify(seen)}`);
      same(watch.foreign, [], "other requests to other origins");
      same(watch.problems, [], "console errors or CSP violations");
      await context.close();
    });
  }
}

/* One page of each type; `setup` brings it to the state to check, `jsOnly` pages exist
   only with JavaScript (the finder rendered in the page). */
// Searching for a locality's name lists exactly the services that cover it (the index
// writes runs of consecutive localities as [first, last], which search.js expands).
async function searchChecks(browser, base) {
  await check(`search for "${spec.search.term}" lists the services that cover it`, async () => {
    const { context } = await newContext(browser, new URL(base).origin);
    const page = await context.newPage();
    await page.goto(base + "search.html");
    await page.fill("#search-input", spec.search.term);
    const names = await page.locator("#search-results a").allInnerTexts();
    same(names.map((n) => n.trim()), spec.search.services, `services found for "${spec.search.term}"`);
    await context.close();
  });
}

function pageTypes(files) {
  const first = (prefix) => files.find((f) => f.startsWith(prefix));
  const hash = Object.entries(spec.scenarios[0].answers).map(([k, v]) => `${k}=${encodeURIComponent(v)}`).join("&");
  const chooseFirst = (page) => page.locator("main label").first().click();
  return [
    { name: "start", path: "index.html" },
    { name: "finder question (JavaScript)", path: "finder.html", jsOnly: true },
    { name: "finder question, answer chosen (JavaScript)", path: "finder.html", jsOnly: true, setup: chooseFirst },
    { name: "finder question with an error (JavaScript)", path: "finder.html", jsOnly: true,
      setup: (page) => page.getByRole("button", { name: "Continue" }).click() },
    { name: "check answers (JavaScript)", path: `finder.html#${hash}&_view=check`, jsOnly: true },
    { name: "results (JavaScript)", path: `finder.html#${hash}&_view=results`, jsOnly: true },
    { name: "finder question (no JavaScript)", path: first("finder/q-") },
    { name: "finder question, answer chosen (no JavaScript)", path: first("finder/q-"), setup: chooseFirst },
    { name: "check answers (no JavaScript)", path: first("finder/check-") },
    { name: "results (no JavaScript)", path: first("finder/result-") },
    { name: "directory A to Z", path: "directory.html" },
    { name: "categories index", path: "categories.html" },
    { name: "tiers index", path: "tiers.html" },
    { name: "localities index", path: "localities.html" },
    { name: "area page", path: first("localities/") },
    { name: "service page", path: first("services/") },
    { name: "pathway map", path: "map.html" },
    { name: "search", path: "search.html" },
    { name: "search with results", path: "search.html", jsOnly: true, setup: (page) => page.fill("#search-input", "refuge") },
    { name: "staying safe online", path: "staying-safe.html" },
    { name: "accessibility statement", path: "accessibility.html" },
    { name: "page not found", path: "no-such-page.html", status: 404 },
  ];
}

function listFiles(root, dir = "") {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true })
    .sort((a, b) => a.name.localeCompare(b.name))
    .flatMap((e) => (e.isDirectory() ? listFiles(root, path.join(dir, e.name)) : [path.join(dir, e.name).split(path.sep).join("/")]));
}

async function visit(page, base, type) {
  assert(type.path, "no page of this type in the build");
  const response = await page.goto(base + type.path);
  const status = response ? response.status() : 200;
  same(status, type.status || 200, `HTTP status of ${type.path}`);
  if (type.setup) await type.setup(page);
}

async function pageChecks(browser, base, types) {
  const origin = new URL(base).origin;
  for (const jsEnabled of [true, false]) {
    const { context, watch } = await newContext(browser, origin, { javaScriptEnabled: jsEnabled });
    const page = await context.newPage();
    for (const type of types.filter((t) => jsEnabled || !t.jsOnly)) {
      const mode = jsEnabled ? "" : " (JavaScript off)";
      await check(`${type.name}${mode} - no other origin, cookie, storage or CSP violation`, async () => {
        await visit(page, base, type);
        await assertClean(context, watch, page, jsEnabled);
      });
    }
    await context.close();
  }
}

async function axeChecks(browser, base, types) {
  const { context } = await newContext(browser, new URL(base).origin, { bypassCSP: true });
  const page = await context.newPage();
  for (const type of types) {
    await check(`${type.name} - axe-core: no WCAG 2.2 A/AA violations`, async () => {
      await visit(page, base, type);
      await page.addScriptTag({ path: AXE });
      const violations = await page.evaluate(async (tags) => {
        const result = await window.axe.run(document, { runOnly: { type: "tag", values: tags } });
        return result.violations.map((v) => `${v.id} (${v.impact}): ${v.help}\n  at ${v.nodes.slice(0, 5).map((n) => n.target.join(" ")).join("\n  at ")}`);
      }, AXE_TAGS);
      assert(violations.length === 0, violations.join("\n"));
    });
  }
  await context.close();
}

async function screenshots(browser, base, dir) {
  await check(`screenshots saved in ${dir}`, async () => {
    fs.mkdirSync(dir, { recursive: true });
    const { context } = await newContext(browser, new URL(base).origin);
    const page = await context.newPage();
    const scenario = spec.scenarios[0];
    await page.goto(`${base}finder.html`);
    const asked = [];
    while (!["risk"].includes(questionByText(await heading(page)))) {
      await chooseAnswer(page, scenario, asked);
      await continueWithJs(page);
    }
    await chooseAnswer(page, scenario, asked);
    await page.mouse.move(0, 0);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(dir, "finder.png") });
    await continueWithJs(page);
    await walk(page, scenario, continueWithJs, asked);
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: path.join(dir, "results.png") });
    await context.close();
  });
}

async function main() {
  const started = Date.now();
  const root = path.resolve(siteDir);
  const server = await serve(root);
  const base = `http://127.0.0.1:${server.address().port}/`;
  // launch() gives the browser a fresh temporary profile (user-data dir) and removes it.
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
      "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
  try {
    const types = pageTypes(listFiles(root));
    await finderChecks(browser, base, true);
    await finderChecks(browser, base, false);
    await exitChecks(browser, base);
    await searchChecks(browser, base);
    await pageChecks(browser, base, types);
    await axeChecks(browser, base, types);
    if (process.env.PATHWAYS_SCREENSHOTS) await screenshots(browser, base, process.env.PATHWAYS_SCREENSHOTS);
  } finally {
    await browser.close();
    server.close();
  }
  console.log(`(${((Date.now() - started) / 1000).toFixed(1)}s)`);
  console.log(`${passed} passed, ${failed} failed`);
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  console.log(`${passed} passed, ${failed + 1} failed`);
  process.exit(1);
});
