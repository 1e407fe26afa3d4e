// Opens coroner HTML reports from disk (file://) in headless Chromium and
// prints, as one JSON document on stdout, what it saw. tests/browser.rs runs
// it and asserts on that JSON; a person can run it too:
//
//     npm ci --prefix tests/browser            # once: playwright-core only
//     node tests/browser/check.mjs report.html # any report: prints the facts
//     node tests/browser/check.mjs --spec spec.json
//
// A spec names the pages and what to try on each:
//
//     {"pages": [
//        {"name": "demo", "path": "demo.html",
//         "filter": "cart",                  // typed into #wl-filter
//         "sort": ["name", "desired"]},      // workload headers to click
//        {"name": "hostile", "path": "hostile.html",
//         "marker": "__coroner_pwned",       // global an injected script would set
//         "texts": ["<script>alert(1)</script>"]}  // must be in the page as text
//     ]}
//
// Each page is opened in its own browser context per "view" (one Chromium
// for all; a spec may list "views", the default is main + nojs, or main +
// nocsp for a page with a "marker"):
//   main   JavaScript on, the report's own Content-Security-Policy; filter
//          and sort are exercised here, and colours are read in light and
//          in dark (prefers-color-scheme emulated)
//   nocsp  the same with the CSP bypassed, so an escaping bug cannot hide
//          behind the CSP: an injected script would really run
//   nojs   JavaScript off, then print media: readable without JavaScript?
// In each: every console message, page error, dialog, CSP violation,
// request and WebSocket is recorded. Requests are intercepted and aborted
// (only the report's own file:// document is let through), so nothing
// leaves the machine even if the page tried.
//
// Exit code: 0 when every generic check holds (no console error, page error,
// dialog, CSP violation or request other than the document; no injected
// element, handler attribute or marker global), 1 when one fails (listed in
// "failures"), 2 when the check itself could not run. Page-specific
// expectations (incident titles, filter results, ...) are the test's.

import { readFileSync } from "node:fs";
import { launch, fileUrl, CHROMIUM } from "./chromium.mjs";

const WATCHDOG_MS = 120_000;
const SETTLE_MS = 150; // lets timers and late onerror/onload handlers fire

const watchdog = setTimeout(() => {
  process.stderr.write(`check.mjs: gave up after ${WATCHDOG_MS / 1000} s\n`);
  process.exit(2);
}, WATCHDOG_MS);

function parseArgs(argv) {
  if (argv[0] === "--spec" && argv[1]) return JSON.parse(readFileSync(argv[1], "utf8"));
  if (argv.length === 0 || argv[0].startsWith("-")) {
    process.stderr.write("usage: node check.mjs REPORT.html [...] | node check.mjs --spec SPEC.json\n");
    process.exit(2);
  }
  return { pages: argv.map((path, i) => ({ name: argv.length === 1 ? "page" : `page${i + 1}`, path })) };
}

// Runs before any script of the page (in the page's own world): records CSP
// violations, the only trace a request blocked by the CSP leaves.
const INIT = () => {
  window.__coronerCheck = { csp: [] };
  document.addEventListener(
    "securitypolicyviolation",
    (e) =>
      window.__coronerCheck.csp.push({
        directive: e.violatedDirective,
        blocked: e.blockedURI,
        sample: e.sample,
        line: e.lineNumber,
      }),
    true,
  );
};

async function openPage(browser, url, options) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, ...options });
  const rec = { console: [], page_errors: [], dialogs: [], requests: [], websockets: [], aborted: [] };
  await context.route("**/*", (route) => {
    const u = route.request().url();
    if (u === url) return route.continue();
    rec.aborted.push(u);
    return route.abort("blockedbyclient");
  });
  // WebSockets bypass route(): answer them here instead, so none connects.
  await context.routeWebSocket(/.*/, (ws) => {
    rec.websockets.push(ws.url());
    ws.close({ code: 1008, reason: "blocked by check.mjs" });
  });
  context.on("request", (r) =>
    rec.requests.push({ url: r.url(), type: r.resourceType(), method: r.method() }),
  );
  if (options.javaScriptEnabled !== false) await context.addInitScript(INIT);
  const page = await context.newPage();
  page.on("console", (m) =>
    rec.console.push({ type: m.type(), text: m.text(), url: m.location().url, line: m.location().lineNumber }),
  );
  page.on("pageerror", (e) => rec.page_errors.push(String(e && e.stack ? e.stack : e)));
  page.on("dialog", (d) => {
    rec.dialogs.push({ type: d.type(), message: d.message() });
    d.dismiss().catch(() => {});
  });
  page.on("popup", (p) => rec.requests.push({ url: p.url(), type: "popup", method: "" }));
  const response = await page.goto(url, { waitUntil: "load", timeout: 30_000 });
  await page.waitForTimeout(SETTLE_MS);
  return { context, page, rec, loaded: response ? response.ok() : true };
}

// Everything about the DOM a test may want, in one evaluate (works with
// JavaScript off too: Playwright evaluates through DevTools).
function domFacts(marker) {
  const text = (el) => (el ? el.textContent.replace(/\s+/g, " ").trim() : null);
  // checkVisibility() also sees content hidden by a closed <details>.
  const visible = (el) =>
    !!el && (el.checkVisibility ? el.checkVisibility({ visibilityProperty: true }) : el.getClientRects().length > 0);
  const incidents = [...document.querySelectorAll("#incidents article.incident")].map((a) => ({
    id: a.id,
    class: a.className,
    title: text(a.querySelector("h3")),
    badge: text(a.querySelector("h3 .badge")),
    visible: visible(a),
  }));
  const svg = document.querySelector("svg.timeline");
  const URL_ATTRS = /^(href|src|srcset|action|formaction|xlink:href|data|poster|background|ping|codebase|cite|longdesc|manifest|lowsrc)$/i;
  const handlers = [];
  const dangerous = [];
  const external = [];
  for (const el of document.querySelectorAll("*")) {
    for (const a of el.attributes) {
      if (/^on/i.test(a.name)) handlers.push(`<${el.localName} ${a.name}="${a.value}">`);
      if (URL_ATTRS.test(a.name)) {
        const v = a.value.trim();
        if (/^(javascript|vbscript|data|blob|file|filesystem):/i.test(v.replace(/[\s\x00-\x1f]/g, "")))
          dangerous.push(`<${el.localName} ${a.name}="${a.value}">`);
        else if (!v.startsWith("#")) external.push(`<${el.localName} ${a.name}="${a.value}">`);
      }
    }
  }
  const count = (sel) => document.querySelectorAll(sel).length;
  const inputs = [...document.querySelectorAll("input, textarea, select, button")].filter((e) => e.id !== "wl-filter");
  const metas = [...document.querySelectorAll("meta")].map((m) => m.outerHTML);
  const csp = document.querySelector('meta[http-equiv="Content-Security-Policy" i]');
  const probe = marker ? (window[marker] === undefined ? null : String(window[marker])) : null;
  return {
    title: document.title,
    csp: csp ? csp.content : null,
    incidents,
    top_incidents: [...document.querySelectorAll("#summary ol.top li")].map(text),
    timeline: svg
      ? {
          marks: svg.querySelectorAll("circle.mark").length,
          circles: svg.querySelectorAll("circle").length,
          lanes: svg.querySelectorAll(".lane-label").length,
          snapshot_line: !!svg.querySelector("line.snapshot"),
          visible: visible(svg),
          width: Math.round(svg.getBoundingClientRect().width),
          height: Math.round(svg.getBoundingClientRect().height),
        }
      : null,
    workload_rows: count("#wl-table tbody tr"),
    js_only_visible: [...document.querySelectorAll(".js-only")].some(visible),
    nav_visible: visible(document.querySelector("nav")),
    closed_details_with_hidden_content: [...document.querySelectorAll("details:not([open])")].filter((d) =>
      [...d.children].some((c) => c.localName !== "summary" && !visible(c)),
    ).length,
    elements: {
      script: count("script"),
      style: count("style"),
      img: count("img"),
      iframe: count("iframe, frame, frameset"),
      object: count("object, embed, applet"),
      form: count("form"),
      base: count("base"),
      link: count("link"),
      media: count("audio, video, source, track, picture"),
      svg_foreign: count("foreignObject, svg script, svg a, animate, set, animateTransform, animateMotion"),
      meta_refresh: count('meta[http-equiv="refresh" i]'),
      other_controls: inputs.map((e) => e.outerHTML.slice(0, 200)),
      meta: metas,
    },
    handler_attributes: handlers.slice(0, 50),
    dangerous_urls: dangerous.slice(0, 50),
    external_urls: external.slice(0, 50),
    marker_value: probe,
    body_text_length: document.body.textContent.length,
    // How far the page scrolls sideways at this viewport (0: it fits), and
    // the widest elements that stick out.
    overflow_x: document.documentElement.scrollWidth - document.documentElement.clientWidth,
    overflowing: [...document.querySelectorAll("body *")]
      .filter((el) => el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
      .slice(0, 10)
      .map((el) => `${el.localName}${el.id ? "#" + el.id : ""}${el.className && typeof el.className === "string" ? "." + el.className.split(" ").join(".") : ""}`),
  };
}

function colors() {
  const cs = (el) => (el ? getComputedStyle(el) : null);
  const parse = (c) => {
    const m = c && c.match(/rgba?\(([^)]+)\)/);
    if (!m) return null;
    const [r, g, b, a = 1] = m[1].split(/[ ,/]+/).filter(Boolean).map(Number);
    return { r, g, b, a };
  };
  const lum = ({ r, g, b }) => {
    const f = (v) => ((v /= 255) <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4);
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (fg, bg) => {
    const a = parse(fg), b = parse(bg);
    if (!a || !b) return null;
    const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
    return Math.round(((x + 0.05) / (y + 0.05)) * 100) / 100;
  };
  const body = cs(document.body);
  const card = cs(document.querySelector(".incident"));
  const pair = (sel) => {
    const el = document.querySelector(sel);
    if (!el) return null;
    const s = cs(el);
    let bg = s.backgroundColor;
    for (let p = el; p && parse(bg) && parse(bg).a === 0; p = p.parentElement) bg = cs(p).backgroundColor;
    return { color: s.color, background: bg, contrast: ratio(s.color, bg) };
  };
  return {
    body_background: body.backgroundColor,
    body_color: body.color,
    body_luminance: parse(body.backgroundColor) ? Math.round(lum(parse(body.backgroundColor)) * 1000) / 1000 : null,
    body_contrast: ratio(body.color, body.backgroundColor),
    card_background: card ? card.backgroundColor : null,
    muted: pair(".muted"),
    link: pair("nav a"),
    badges: {
      critical: pair(".badge.sev-critical"),
      warning: pair(".badge.sev-warning"),
      info: pair(".badge.sev-info"),
    },
  };
}

async function workloadRows(page) {
  return page.evaluate(() =>
    [...document.querySelectorAll("#wl-table tbody tr")].map((r) => ({
      hidden: r.hidden || r.getClientRects().length === 0,
      text: r.textContent.replace(/\s+/g, " ").trim(),
    })),
  );
}

async function tryFilter(page, query) {
  const out = { query };
  const input = page.locator("#wl-filter");
  out.input_visible = await input.isVisible();
  if (!out.input_visible) return out;
  const rows = async () => {
    const all = await workloadRows(page);
    const q = query.toLowerCase();
    return {
      total: all.length,
      visible: all.filter((r) => !r.hidden).length,
      visible_rows: all.filter((r) => !r.hidden).map((r) => r.text),
      visible_not_matching: all.filter((r) => !r.hidden && !r.text.toLowerCase().includes(q)).length,
      hidden_matching: all.filter((r) => r.hidden && r.text.toLowerCase().includes(q)).length,
      count_text: (await page.locator("#wl-count").textContent()).trim(),
    };
  };
  const counts = ({ visible_rows, ...rest }) => rest;
  out.before = counts(await rows());
  await input.fill(query); // types and fires "input"
  out.filtered = await rows();
  await input.fill("zz-no-such-workload-zz");
  out.none = (await rows()).visible;
  out.none_count_text = (await page.locator("#wl-count").textContent()).trim();
  await input.fill("");
  out.cleared = counts(await rows());
  return out;
}

async function trySort(page, header) {
  const th = page.locator("#wl-table thead th", { hasText: new RegExp(`^\\s*${header}\\s*$`, "i") }).first();
  if ((await th.count()) === 0) return { header, found: false };
  const col = await th.evaluate((el) => el.cellIndex);
  const column = () =>
    page.evaluate(
      (c) => [...document.querySelectorAll("#wl-table tbody tr")].map((r) => r.cells[c].textContent.trim()),
      col,
    );
  const before = await column();
  await th.click();
  const first = { aria_sort: await th.getAttribute("aria-sort"), values: await column() };
  await th.click();
  const second = { aria_sort: await th.getAttribute("aria-sort"), values: await column() };
  return { header, found: true, kind: await th.getAttribute("data-sort"), column: col, before, first, second };
}

function generic(name, view, rec, dom, url, marker) {
  const f = [];
  const where = `${name}/${view}`;
  for (const m of rec.console) if (m.type === "error") f.push(`${where}: console error: ${m.text}`);
  for (const e of rec.page_errors) f.push(`${where}: page error: ${e}`);
  for (const d of rec.dialogs) f.push(`${where}: a ${d.type} dialog opened: ${d.message}`);
  for (const r of rec.requests) if (r.url !== url) f.push(`${where}: request attempted: ${r.type} ${r.url}`);
  for (const u of rec.websockets) f.push(`${where}: WebSocket opened: ${u}`);
  for (const v of rec.csp || []) f.push(`${where}: CSP violation: ${v.directive} ${v.blocked} ${v.sample || ""}`);
  if (!rec.requests.some((r) => r.url === url)) f.push(`${where}: the document itself was never requested (${url})`);
  if (dom) {
    const e = dom.elements;
    if (e.script !== 1) f.push(`${where}: ${e.script} <script> elements (the report has exactly one)`);
    if (e.style !== 1) f.push(`${where}: ${e.style} <style> elements (the report has exactly one)`);
    for (const k of ["img", "iframe", "object", "form", "base", "link", "media", "svg_foreign", "meta_refresh"])
      if (e[k] !== 0) f.push(`${where}: ${e[k]} unexpected ${k} element(s)`);
    for (const c of e.other_controls) f.push(`${where}: unexpected form control ${c}`);
    for (const h of dom.handler_attributes) f.push(`${where}: event handler attribute ${h}`);
    for (const d of dom.dangerous_urls) f.push(`${where}: dangerous URL ${d}`);
    if (marker && dom.marker_value !== null) f.push(`${where}: window.${marker} = ${dom.marker_value}: an injected script ran`);
  }
  return f;
}

async function checkPage(browser, spec) {
  const url = fileUrl(spec.path);
  const out = { name: spec.name, path: spec.path, url, views: {} };
  const failures = [];
  const options = {
    main: {},
    nocsp: { bypassCSP: true },
    nojs: { javaScriptEnabled: false },
  };
  const views = spec.views || (spec.marker ? ["main", "nocsp"] : ["main", "nojs"]);
  for (const view of views) {
    if (!options[view]) throw new Error(`unknown view ${view} (main, nocsp, nojs)`);
    const t0 = Date.now();
    const { context, page, rec } = await openPage(browser, url, { colorScheme: "light", ...options[view] });
    const v = {};
    v.dom = await page.evaluate(domFacts, spec.marker || null);
    v.colors = await page.evaluate(colors);
    if (view === "main") {
      await page.emulateMedia({ colorScheme: "dark" });
      v.dark_colors = await page.evaluate(colors);
      await page.emulateMedia({ colorScheme: "light" });
    }
    if (view === "main") {
      if (spec.filter) v.filter = await tryFilter(page, spec.filter);
      v.sort = [];
      for (const h of spec.sort || []) v.sort.push(await trySort(page, h));
      if (spec.marker) v.dom_after_interaction = { marker_value: await page.evaluate((m) => (window[m] === undefined ? null : String(window[m])), spec.marker) };
    }
    if (spec.texts) {
      v.texts = await page.evaluate(
        (texts) => {
          const all = document.body.textContent;
          return Object.fromEntries(texts.map((t) => [t, all.includes(t)]));
        },
        spec.texts,
      );
    }
    if (view === "nojs") {
      await page.emulateMedia({ media: "print" });
      v.print = await page.evaluate(() => {
        const vis = (el) => !!el && (el.checkVisibility ? el.checkVisibility() : el.getClientRects().length > 0);
        return {
          nav_visible: vis(document.querySelector("nav")),
          incidents_visible: [...document.querySelectorAll("#incidents article.incident")].filter(vis).length,
          closed_details: document.querySelectorAll("details:not([open])").length,
          closed_details_with_hidden_content: [...document.querySelectorAll("details:not([open])")].filter((d) =>
            [...d.children].some((c) => c.localName !== "summary" && !vis(c)),
          ).length,
        };
      });
    }
    if (view !== "nojs") {
      rec.csp = await page.evaluate(() => (window.__coronerCheck ? window.__coronerCheck.csp : []));
    }
    await page.waitForTimeout(50);
    v.console = rec.console;
    v.page_errors = rec.page_errors;
    v.dialogs = rec.dialogs;
    v.requests = rec.requests;
    v.aborted = rec.aborted;
    v.websockets = rec.websockets;
    v.csp_violations = rec.csp || [];
    failures.push(...generic(spec.name, view, rec, v.dom, url, spec.marker));
    if (v.dom_after_interaction && v.dom_after_interaction.marker_value !== null)
      failures.push(`${spec.name}/${view}: window.${spec.marker} set after interaction: an injected script ran`);
    await context.close();
    v.ms = Date.now() - t0;
    out.views[view] = v;
  }
  return { out, failures };
}

const started = Date.now();
const spec = parseArgs(process.argv.slice(2));
let browser;
try {
  browser = await launch();
  const result = { chromium: CHROMIUM, browser_version: browser.version(), pages: {}, failures: [] };
  for (const p of spec.pages) {
    const { out, failures } = await checkPage(browser, p);
    result.pages[p.name] = out;
    result.failures.push(...failures);
  }
  result.elapsed_ms = Date.now() - started;
  process.stdout.write(JSON.stringify(result, null, 1) + "\n");
  await browser.close();
  clearTimeout(watchdog);
  process.exit(result.failures.length ? 1 : 0);
} catch (e) {
  process.stderr.write(`check.mjs: ${e && e.stack ? e.stack : e}\n`);
  if (browser) await browser.close().catch(() => {});
  process.exit(2);
}
