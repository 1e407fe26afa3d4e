// Takes a full-page screenshot of a coroner HTML report, for a person to
// look at (the automated checks are check.mjs, run by tests/browser.rs).
//
//     npm ci --prefix tests/browser         # once: playwright-core only
//     coroner report testdata/demo/dump -o /tmp/demo.html
//     node tests/browser/screenshot.mjs /tmp/demo.html /tmp/demo.png
//     node tests/browser/screenshot.mjs /tmp/demo.html /tmp/demo-dark.png --dark
//
// Options:
//   --dark        prefers-color-scheme: dark
//   --no-js       JavaScript off (what a reader with scripts blocked sees)
//   --print       print media (what a printout or "Save as PDF" shows)
//   --open        open every <details> first, to see the collapsed parts
//   --width N     viewport width in CSS pixels (default 1280; try 390 for a phone)
//   --viewport    only the first screen, not the full page
//   --section SEL only the element matching the CSS selector SEL
//                 (e.g. "#timeline", "#incidents article.incident")
//
// It uses Debian's Chromium (/usr/bin/chromium, or $CHROMIUM) headless, with
// the flags in chromium.mjs; the page is opened from disk and every network
// request is refused, as the report must need none. Console errors, page
// errors and refused requests are printed on stderr.

import { launch, fileUrl } from "./chromium.mjs";

const args = process.argv.slice(2);
const flags = new Set(args.filter((a) => a.startsWith("--")));
const positional = [];
let width = 1280;
let section = null;
for (let i = 0; i < args.length; i++) {
  if (args[i] === "--width") width = Number(args[++i]);
  else if (args[i] === "--section") section = args[++i];
  else if (!args[i].startsWith("--")) positional.push(args[i]);
}
const known = new Set(["--dark", "--no-js", "--print", "--open", "--width", "--viewport", "--section"]);
const unknown = [...flags].filter((f) => !known.has(f));
if (positional.length !== 2 || unknown.length || !(width > 0)) {
  process.stderr.write(
    "usage: node screenshot.mjs REPORT.html OUT.png [--dark] [--no-js] [--print] [--open] [--width N] [--viewport] [--section SEL]\n",
  );
  process.exit(2);
}
const [input, output] = positional;

const browser = await launch();
try {
  const url = fileUrl(input);
  const context = await browser.newContext({
    viewport: { width, height: 900 },
    deviceScaleFactor: 1,
    colorScheme: flags.has("--dark") ? "dark" : "light",
    javaScriptEnabled: !flags.has("--no-js"),
  });
  await context.route("**/*", (route) =>
    route.request().url() === url ? route.continue() : route.abort("blockedbyclient"),
  );
  const page = await context.newPage();
  page.on("console", (m) => m.type() === "error" && process.stderr.write(`console error: ${m.text()}\n`));
  page.on("pageerror", (e) => process.stderr.write(`page error: ${e}\n`));
  page.on("requestfailed", (r) => process.stderr.write(`refused request: ${r.url()}\n`));
  await page.goto(url, { waitUntil: "load" });
  if (flags.has("--print")) await page.emulateMedia({ media: "print" });
  if (flags.has("--open")) {
    // Works with JavaScript off too: Playwright evaluates through DevTools.
    await page.evaluate(() => document.querySelectorAll("details").forEach((d) => (d.open = true)));
  }
  if (section) {
    const el = page.locator(section).first();
    await el.screenshot({ path: output });
    const box = await el.boundingBox();
    process.stdout.write(`${output}: ${section}, ${Math.round(box.width)} x ${Math.round(box.height)} px\n`);
  } else {
    await page.screenshot({ path: output, fullPage: !flags.has("--viewport") });
    const height = await page.evaluate(() => document.documentElement.scrollHeight);
    process.stdout.write(`${output}: ${width} x ${flags.has("--viewport") ? 900 : height} px\n`);
  }
} finally {
  await browser.close();
}
