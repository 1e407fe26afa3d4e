// Starts Debian's Chromium headless through playwright-core, the one way
// check.mjs and screenshot.mjs both use. Playwright never downloads a
// browser here (`npx playwright install` cannot work on a closed network):
// it drives the system Chromium, /usr/bin/chromium (Debian package
// `chromium`), or the one named by $CHROMIUM.
//
// The flags keep Chromium from reaching for the network on its own
// (component updates, sync, field trials, QUIC), so that every request the
// test sees comes from the page. Playwright gives every launch a fresh,
// empty --user-data-dir in a temporary folder and deletes it afterwards.

import { existsSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";
import { chromium } from "playwright-core";

export const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";

export const FLAGS = [
  "--headless",
  "--no-sandbox",
  "--disable-gpu",
  "--disable-quic",
  "--no-first-run",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--disable-default-apps",
  "--disable-extensions",
  "--metrics-recording-only",
  "--no-default-browser-check",
];

export async function launch() {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: install Debian's Chromium (apt-get install -y chromium) or set CHROMIUM=/path/to/chromium`,
    );
  }
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: FLAGS, timeout: 60_000 });
}

/** The file:// URL of a path on disk. */
export function fileUrl(path) {
  return pathToFileURL(resolve(path)).href;
}
