// What every browser test shares: a fresh demo database and portal server per test, headless
// Chromium driven by chromedriver (webdriver.mjs), and the staff steps (sign-in, message feed,
// test clock).
//
// SESAME_BUILD picks the build whose `sesame` and `sesame-portal` are tested (default
// build/release); SESAME_CHROMIUM the browser (default /usr/bin/chromium), SESAME_CHROMEDRIVER
// its driver (default /usr/bin/chromedriver).
import { spawn, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve, dirname } from 'node:path';
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

// A demo database (`sesame init --demo`) and a portal server on a free loopback port, with the
// staff area and the test clock on. `await portal.stop()` ends the server and removes the files.
export async function startPortal() {
  const dir = mkdtempSync(join(tmpdir(), 'sesame-e2e-'));
  const db = join(dir, 'sesame.db');
  execFileSync(SESAME, ['--db', db, 'init', '--demo'], { stdio: 'pipe' });
  const tokenFile = join(dir, 'staff-token');
  writeFileSync(tokenFile, STAFF_TOKEN + '\n', { mode: 0o600 });

  const child = spawn(PORTAL, ['--db', db, '--port', '0', '--threads', '2', '--staff-token-file', tokenFile,
    '--test-clock'], { stdio: ['ignore', 'ignore', 'pipe'] });
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
      let code = child.exitCode;
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
  return Driver.start(CHROMEDRIVER);
}

// A new browser (its own cookies), sized like a phone when `phone` is set.
export async function newPage(driver, { phone = false } = {}) {
  return driver.browser(CHROMIUM, { phone });
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
