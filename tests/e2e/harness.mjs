// What every browser test shares: a fresh demo database and portal server per test, headless
// Chromium driven by chromedriver (webdriver.mjs), and the staff steps (sign-in, message feed,
// test clock).
//
// SESAME_BUILD picks the build whose `sesame` and `sesame-portal` are tested (default
// build/release); SESAME_CHROMIUM the browser (default /usr/bin/chromium), SESAME_CHROMEDRIVER
// its driver (default /usr/bin/chromedriver).
import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import assert from 'node:assert/strict';
import { tmpdir } from 'node:os';
import { basename, join, resolve, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Driver } from './webdriver.mjs';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const BUILD = resolve(ROOT, process.env.SESAME_BUILD || 'build/release');
export const SESAME = join(BUILD, 'examples/cli/sesame');
export const PORTAL = join(BUILD, 'examples/portal_server/sesame-portal');
export const CHROMIUM = process.env.SESAME_CHROMIUM || '/usr/bin/chromium';
export const CHROMEDRIVER = process.env.SESAME_CHROMEDRIVER || '/usr/bin/chromedriver';
export const STAFF_TOKEN = 'e2e-staff-token-0123456789';
export const SHARED_PHONE = '(555) 123-4567';
export const IMAGES = join(ROOT, 'docs/images');

// The digits of the login code in a simulated message: the WebOTP line "@host #123456" when there
// is one, else the first run of 6 to 10 digits.
export function codeIn(text) {
  const webotp = text.match(/#(\d{6,10})\b/);
  if (webotp) return webotp[1];
  const digits = text.match(/\b(\d{6,10})\b/);
  return digits ? digits[1] : null;
}

// The servers still running: killed when this test process ends, however it ends, so that none
// outlives an interrupted or timed-out run.
const running = new Set();
process.on('exit', () => { for (const child of running) child.kill('SIGKILL'); });

// A demo database (`sesame init --demo`) and a portal server on a free loopback port, with the
// staff area and the test clock on. `await portal.stop()` ends the server and removes the files.
export async function startPortal() {
  for (const program of [SESAME, PORTAL]) {
    if (!existsSync(program)) {
      throw new Error(`${program} is missing: build it with scripts/build ${basename(BUILD)} ` +
        '--target sesame_cli sesame_portal (SESAME_BUILD picks the build directory, default build/release)');
    }
  }
  const dir = mkdtempSync(join(tmpdir(), 'sesame-e2e-'));
  const db = join(dir, 'sesame.db');
  execFileSync(SESAME, ['--db', db, 'init', '--demo'], { stdio: 'pipe' });
  const tokenFile = join(dir, 'staff-token');
  writeFileSync(tokenFile, STAFF_TOKEN + '\n', { mode: 0o600 });

  const child = spawn(PORTAL, ['--db', db, '--port', '0', '--threads', '2', '--staff-token-file', tokenFile,
    '--test-clock'], { stdio: ['ignore', 'ignore', 'pipe'] });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let log = '';
  const url = await new Promise((resolveUrl, reject) => {
    const timer = setTimeout(() => reject(new Error('the portal server did not start within 30 s:\n' + log)), 30000);
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk) => {
      log += chunk;
      const m = log.match(/serving portal "[^"]+" on (http:\/\/[^/\s]+)\//);
      if (m) {
        clearTimeout(timer);
        resolveUrl(m[1]);
      }
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`the portal server exited (${code}) before serving:\n` + log));
    });
  });
  return {
    url,
    db,
    log: () => log,
    // The `sesame` command on this portal's database, JSON parsed.
    sesame(...args) {
      return JSON.parse(execFileSync(SESAME, ['--db', db, '--json', ...args], { encoding: 'utf8' }));
    },
    // Stops the server with SIGTERM and returns its exit code (0: a clean stop, and under
    // AddressSanitizer no leak or error report).
    async stop() {
      let code = child.exitCode ?? child.signalCode;
      if (code === null) {
        const exited = new Promise((r) => child.once('exit', (c, signal) => r(c ?? signal)));
        child.kill('SIGTERM');
        code = await exited;
      }
      rmSync(dir, { recursive: true, force: true });
      return code;
    },
  };
}

export async function startDriver() {
  for (const [program, variable] of [[CHROMEDRIVER, 'SESAME_CHROMEDRIVER'], [CHROMIUM, 'SESAME_CHROMIUM']]) {
    if (!existsSync(program)) {
      throw new Error(`${program} is missing: install Debian's chromium and chromium-driver ` +
        `(scripts/install-deps), or point ${variable} at another`);
    }
  }
  return Driver.start(CHROMEDRIVER);
}

// A new browser (its own cookies): Driver.browser's options (phone, javascript, requests).
export async function newPage(driver, options = {}) {
  return driver.browser(CHROMIUM, options);
}

// Signs the staff browser in to /admin with the staff token.
export async function staffSignIn(page, url) {
  await page.goto(url + '/admin');
  await page.fill('#token', STAFF_TOKEN);
  await page.submit('form[action="/admin/login"] button[type=submit]');
  await page.waitFor('h1', 'Portal administration');
}

// The newest simulated login code in a client's message feed, read as staff do: from the client
// list, open the client, read the feed.
export async function codeFromFeed(staff, url, clientName) {
  await staff.goto(url + '/admin');
  await staff.clickText('table[aria-labelledby=clients] a', clientName);
  await staff.waitFor('h2#feed');
  const messages = await staff.texts('table[aria-labelledby=feed] pre');
  for (const text of messages) {
    const code = codeIn(text);
    if (code) return code;
  }
  throw new Error(`no simulated code in ${clientName}'s feed: ${JSON.stringify(messages)}`);
}

// Moves the server's test clock forward by `seconds`, from the staff page.
export async function advanceClock(staff, url, seconds) {
  await staff.goto(url + '/admin');
  await staff.fill('#advance', String(seconds));
  await staff.submit('form[action="/admin/test-clock"] button[type=submit]');
  await staff.waitFor('h1');
}

// The visitor's sign-in up to the verify page.
export async function startLogin(page, url, identifier) {
  await page.goto(url + '/');
  await page.fill('#identifier', identifier);
  await page.submit('form[action="/login"] button[type=submit]');
}

// Runs `fn(portal, open)` on a fresh portal (startPortal) and stops it after; `open(options)` opens
// a browser of `driver` (newPage's options) that is closed after the test. A failure carries the
// server's log and a screenshot of every open browser (build/test-results/e2e-failures/); a server
// that does not stop cleanly (exit code 0, and under AddressSanitizer no leak or error report)
// fails the test.
export async function withPortal(driver, fn) {
  const portal = await startPortal();
  const browsers = [];
  const open = async (options) => {
    const b = await newPage(driver, options);
    browsers.push(b);
    return b;
  };
  try {
    await fn(portal, open);
  } catch (e) {
    const shots = await failureShots(browsers);
    for (const b of browsers) await b.close().catch(() => {});
    await portal.stop();
    if (shots.length) e.message += '\n--- the pages at the failure ---\n' + shots.join('\n');
    e.message += '\n--- portal server log ---\n' + portal.log();
    throw e;
  }
  for (const b of browsers) await b.close();
  const code = await portal.stop();
  assert.equal(code, 0, 'the portal server stops cleanly on SIGTERM:\n' + portal.log());
}

const FAILURES = join(ROOT, 'build/test-results/e2e-failures');
let failureCount = 0;

async function failureShots(browsers) {
  const saved = [];
  for (const b of browsers) {
    failureCount += 1;
    const file = join(FAILURES, `${process.pid}-${failureCount}.png`);
    try {
      const where = await b.url();
      mkdirSync(FAILURES, { recursive: true });
      writeFileSync(file, await b.windowShot());
      saved.push(`${where}: ${file}`);
    } catch (err) {
      saved.push(`no screenshot (${err.message.split('\n')[0]})`);
    }
  }
  return saved;
}

// Saves a screenshot of the page, `width` pixels wide, as docs/images/<name>, only when
// SESAME_E2E_SCREENSHOTS=1 (the README's pictures are refreshed on purpose, not by every run).
export async function shot(page, name, width) {
  if (process.env.SESAME_E2E_SCREENSHOTS !== '1') return;
  mkdirSync(IMAGES, { recursive: true });
  writeFileSync(join(IMAGES, name), await page.screenshot(width));
}

// The link texts of the portal's sidebar.
export const sidebarLinks = (page) => page.texts('nav.sidebar a');

// Sends the code on the verify page and waits for the page that answers.
export async function enterCode(page, code) {
  await page.fill('#code', code);
  await page.submit('form[action="/verify"] button[type=submit]');
}

// The text of the first alert on the page, once there is one.
export async function alertText(page) {
  await page.waitFor('[role=alert]');
  return page.text('[role=alert]');
}

// A staff browser from `open`, signed in to /admin.
export async function openStaff(open, url) {
  const staff = await open();
  await staffSignIn(staff, url);
  return staff;
}

// A new browser from `open` (with `options`) that asked a code for `identifier` and is on the verify
// page, and that code, read by `staff` from `clientName`'s feed: `{ client, code }`.
export async function codeRequested(open, staff, url, identifier, clientName, options) {
  const client = await open(options);
  await startLogin(client, url, identifier);
  await client.waitFor('#code');
  return { client, code: await codeFromFeed(staff, url, clientName) };
}

// Signs a client in by email (one client: no chooser) in a new browser from `open` and returns it
// on the dashboard.
export async function signInByEmail(open, staff, url, email, clientName) {
  const { client, code } = await codeRequested(open, staff, url, email, clientName);
  await enterCode(client, code);
  await client.waitForUrl(/\/dashboard$/);
  return client;
}

// What every portal page must have (its language, a title, one h1, a labelled sidebar, a label for
// every field, text on every button, focus in page order): the list of what is missing, empty when nothing is.
export async function pageProblems(page) {
  return page.run(() => {
    const problems = [];
    if (!['en', 'es'].includes(document.documentElement.lang)) problems.push(`html lang "${document.documentElement.lang}"`);
    if (!document.title.trim()) problems.push('no title');
    const h1 = document.querySelectorAll('h1').length;
    if (h1 !== 1) problems.push(`${h1} h1 elements`);
    const nav = document.querySelector('nav');
    if (!nav || !nav.getAttribute('aria-label')) problems.push('no labelled nav');
    for (const field of document.querySelectorAll('input:not([type=hidden]), select, textarea')) {
      const labelled = (field.labels && field.labels.length > 0) || field.getAttribute('aria-label');
      if (!labelled) problems.push(`unlabelled field ${field.outerHTML}`);
    }
    for (const button of document.querySelectorAll('button')) {
      if (!button.textContent.trim() && !button.getAttribute('aria-label')) problems.push(`button without text ${button.outerHTML}`);
    }
    // Focus follows the page's order: no positive tabindex reorders it.
    for (const el of document.querySelectorAll('[tabindex]')) {
      if (el.tabIndex > 0) problems.push(`tabindex ${el.tabIndex} reorders focus: ${el.outerHTML}`);
    }
    return problems;
  });
}

// ---- accessibility: axe-core ------------------------------------------------------------------

// axe-core's browser script, from the npm package tests/e2e/package-lock.json pins (installed by
// `npm ci` in tests/e2e; scripts/test does it before the browser tests).
const AXE = join(ROOT, 'tests/e2e/node_modules/axe-core/axe.min.js');
let axeSource = null;
function axeScript() {
  if (axeSource === null) {
    if (!existsSync(AXE)) throw new Error(`${AXE} is missing: run \`npm ci\` in tests/e2e (scripts/test does)`);
    axeSource = readFileSync(AXE, 'utf8');
  }
  return axeSource;
}

// The axe-core violations of the page as it is now, every rule axe runs by default (WCAG 2.0, 2.1
// and 2.2 A and AA, and its best practices): one line per failing element, "" when there is none.
export async function axeViolations(page) {
  const loaded = await page.run(() => typeof window.axe === 'object');
  if (!loaded) await page.inject(axeScript());
  const result = await page.runAsync(() => window.axe.run(document, { resultTypes: ['violations'] })
    .then((r) => r.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help,
      nodes: v.nodes.map((n) => n.target.join(' ') + ': ' + n.failureSummary.replace(/\s+/g, ' ')) }))));
  if (result && result.error) throw new Error('axe-core failed in the page: ' + result.error);
  const lines = [];
  for (const v of result) for (const node of v.nodes) lines.push(`${v.id} (${v.impact}): ${v.help}: ${node}`);
  return lines.join('\n');
}

export const WIDTHS = [375, 1280];

// What a page must be at both widths (375 px and 1280 px): no axe-core violation, and nothing
// wider than the window (no sideways scrolling but inside a labelled, focusable scroll region).
// Returns the problems, "" when there is none; the window is left 1280 px wide.
export async function checkBothWidths(page, what) {
  const problems = [];
  for (const width of WIDTHS) {
    await page.resize(width);
    const violations = await axeViolations(page);
    if (violations) problems.push(`${what} at ${width} px:\n${violations}`);
    const wide = await page.run(() => {
      const out = [];
      const limit = document.documentElement.clientWidth;
      for (const el of document.querySelectorAll('body *')) {
        const r = el.getBoundingClientRect();
        if (r.width === 0 || r.right <= limit + 1) continue;
        // Cut off by an ancestor that fits (overflow hidden or clipped, as visually hidden text is).
        let clipped = false;
        for (let a = el.parentElement; a && !clipped; a = a.parentElement) {
          const style = getComputedStyle(a);
          const clips = ['hidden', 'clip'].includes(style.overflowX) || style.clipPath !== 'none';
          clipped = clips && a.getBoundingClientRect().right <= limit + 1;
        }
        if (clipped) continue;
        let scroller = el.parentElement;
        while (scroller && !(scroller.scrollWidth > scroller.clientWidth && getComputedStyle(scroller).overflowX !== 'visible')) {
          scroller = scroller.parentElement;
        }
        const region = scroller && scroller.getAttribute('role') === 'region' && scroller.tabIndex === 0 &&
          scroller.getAttribute('aria-label');
        if (!region) out.push(`${el.tagName.toLowerCase()}${el.id ? '#' + el.id : ''} reaches ${Math.round(r.right)} px`);
      }
      return out.slice(0, 5);
    });
    if (wide.length) problems.push(`${what} at ${width} px is wider than the window: ${wide.join('; ')}`);
  }
  return problems.join('\n');
}
