// The example portal in headless Chromium: the product article's "Log In as a Test Client" steps as
// written, then the ways a sign-in goes wrong or branches. Each test has its own demo database and
// server (harness.mjs), so they do not depend on each other's codes, throttles or clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdirSync } from 'node:fs';
import {
  startPortal, launchBrowser, newPage, staffSignIn, codeFromFeed, advanceClock, startLogin,
  SHARED_PHONE, IMAGES,
} from './harness.mjs';

const SCREENSHOTS = process.env.SESAME_E2E_SCREENSHOTS === '1';
// A small but real PDF: the portal checks the file's type from its bytes.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

let browser;
before(async () => { browser = await launchBrowser(); });
after(async () => { await browser?.close(); });

async function withPortal(fn) {
  const portal = await startPortal();
  try {
    await fn(portal);
  } catch (e) {
    await portal.stop();
    e.message += '\n--- portal server log ---\n' + portal.log();
    throw e;
  }
  const code = await portal.stop();
  assert.equal(code, 0, 'the portal server stops cleanly on SIGTERM:\n' + portal.log());
}

async function shot(page, name) {
  if (!SCREENSHOTS) return;
  mkdirSync(IMAGES, { recursive: true });
  await page.screenshot({ path: join(IMAGES, name), fullPage: true });
}

const sidebarLinks = (page) => page.locator('nav.sidebar a').allTextContents();

test('Log In as a Test Client, as the article writes it', async () => {
  await withPortal(async ({ url }) => {
    // Staff: edit the portal, set Client Authentication, save, and "View Portal".
    const staff = await newPage(browser);
    await staffSignIn(staff, url);
    await staff.selectOption('#client_auth', 'enabled');
    await staff.click('form[action="/admin/portal"] button[type=submit]');
    await staff.waitForSelector('#client_auth');
    assert.equal(await staff.locator('#client_auth').inputValue(), 'enabled');
    // The contacts with their badges are listed for staff.
    assert.match(await staff.locator('table[aria-labelledby=clients]').innerText(), /\+15551234567/);

    const client = await newPage(browser, { phone: true });
    await client.goto(url + '/');
    assert.deepEqual(await sidebarLinks(client), ['Court information']);
    await shot(client, 'login.png');

    // Enter the test client's phone number and click Login.
    await startLogin(client, url, SHARED_PHONE);
    await client.waitForSelector('#code');
    assert.equal(await client.getAttribute('#code', 'autocomplete'), 'one-time-code');
    assert.equal(await client.getAttribute('#code', 'inputmode'), 'numeric');
    await shot(client, 'verify.png');

    // Check the client's message feed for the simulated code, enter it, click Verify.
    const code = await codeFromFeed(staff, url, 'Ann Example');
    await client.fill('#code', code);
    await client.click('form[action="/verify"] button[type=submit]');

    // The phone belongs to Ann and Ben: the chooser asks which.
    await client.waitForSelector('form[action="/choose"]');
    await client.check('label:has-text("Ann") input[type=radio]');
    await client.click('form[action="/choose"] button[type=submit]');

    // Redirected to the Client Dashboard: the merge-tag content, events, the case, the document.
    await client.waitForURL(/\/dashboard$/);
    const dashboard = await client.locator('main').innerText();
    assert.match(dashboard, /Welcome back/);
    assert.match(dashboard, /Ann/);
    assert.match(dashboard, /Pretrial hearing/);
    assert.match(dashboard, /2026-CR-0142/);
    assert.match(dashboard, /Conditions of release/);
    assert.equal(await client.evaluate(() => document.cookie), '', 'the session cookie is HttpOnly');
    // Private sidebar items are visible now.
    const links = await sidebarLinks(client);
    assert.ok(links.includes('Hearing calendar'), `sidebar: ${links}`);
    assert.ok(links.includes('Check-in form'), `sidebar: ${links}`);
    await shot(client, 'dashboard.png');

    // The document downloads.
    const [download] = await Promise.all([
      client.waitForEvent('download'),
      client.click('a:has-text("Conditions of release")'),
    ]);
    assert.match(download.suggestedFilename(), /\.pdf$/);

    // Profile: an editable field is saved...
    await client.goto(url + '/profile');
    await client.fill('#middle_name', 'Quinn');
    await client.click('form[action="/profile"] button[type=submit]');
    await client.waitForSelector('text=Saved');
    await client.goto(url + '/profile');
    assert.equal(await client.locator('#middle_name').inputValue(), 'Quinn');
    // ...a read-only one is shown as text, not a field, and a crafted change is refused.
    assert.equal(await client.locator('input#first_name').count(), 0);
    const csrf = await client.locator('form[action="/profile"] input[name=csrf]').inputValue();
    const refused = await client.request.post(url + '/profile', {
      form: { csrf, lang: 'en', middle_name: 'Quinn', first_name: 'Mallory' },
      maxRedirects: 0,
    });
    assert.equal(refused.status(), 422);
    assert.match(await refused.text(), /cannot be changed/i);
    await client.goto(url + '/profile');
    assert.match(await client.locator('main').innerText(), /Ann/);
    assert.doesNotMatch(await client.locator('main').innerText(), /Mallory/);

    // Upload a document and see it listed.
    await client.goto(url + '/uploads');
    await client.setInputFiles('#file', { name: 'pay-stub.pdf', mimeType: 'application/pdf', buffer: PDF });
    await client.selectOption('#kind', 'document');
    await client.click('form[action="/uploads"] button[type=submit]');
    await client.waitForSelector('text=Uploaded: pay-stub.pdf');
    await client.goto(url + '/uploads');
    assert.match(await client.locator('main').innerText(), /pay-stub\.pdf/);

    // Log out: back to sign-in, and the private items are gone.
    await client.goto(url + '/dashboard');
    await client.click('form[action="/logout"] button[type=submit]');
    await client.waitForSelector('#identifier');
    assert.deepEqual(await sidebarLinks(client), ['Court information']);
    await client.goto(url + '/dashboard');
    assert.ok(!client.url().endsWith('/dashboard') || (await client.locator('#identifier').count()) === 1,
      'the dashboard is not shown after logout');
  });
});

test('Client Authentication disabled: no login form', async () => {
  await withPortal(async ({ url }) => {
    const staff = await newPage(browser);
    await staffSignIn(staff, url);
    await staff.selectOption('#client_auth', 'disabled');
    await staff.click('form[action="/admin/portal"] button[type=submit]');
    await staff.waitForSelector('#client_auth');
    const visitor = await newPage(browser);
    await visitor.goto(url + '/');
    assert.equal(await visitor.locator('#identifier').count(), 0);
    assert.equal(await visitor.locator('form[action="/login"]').count(), 0);
  });
});

test('five wrong codes lock the code, and the right one is refused after', async () => {
  await withPortal(async ({ url }) => {
    const staff = await newPage(browser);
    await staffSignIn(staff, url);
    const client = await newPage(browser);
    await startLogin(client, url, 'ann@example.org');
    await client.waitForSelector('#code');
    const code = await codeFromFeed(staff, url, 'Ann Example');
    const wrong = code === '000000' ? '111111' : '000000';
    const messages = [];
    for (let i = 0; i < 5; i++) {
      await client.fill('#code', wrong);
      await client.click('form[action="/verify"] button[type=submit]');
      await client.waitForSelector('[role=alert]');
      messages.push(await client.locator('[role=alert]').first().innerText());
    }
    assert.match(messages[0], /not right/);
    assert.match(messages[4], /Too many wrong tries/);
    await client.fill('#code', code);
    await client.click('form[action="/verify"] button[type=submit]');
    await client.waitForSelector('[role=alert]');
    assert.match(await client.locator('[role=alert]').first().innerText(), /Too many wrong tries/);
    assert.ok(!client.url().endsWith('/dashboard'));
  });
});

test('an expired code is refused with its own message', async () => {
  await withPortal(async ({ url }) => {
    const staff = await newPage(browser);
    await staffSignIn(staff, url);
    const client = await newPage(browser);
    await startLogin(client, url, 'ann@example.org');
    await client.waitForSelector('#code');
    const code = await codeFromFeed(staff, url, 'Ann Example');
    await advanceClock(staff, url, 3600);
    await client.fill('#code', code);
    await client.click('form[action="/verify"] button[type=submit]');
    await client.waitForSelector('[role=alert]');
    assert.match(await client.locator('[role=alert]').first().innerText(), /expired/);
  });
});

test('resend: the button shows the cooldown, then a new code signs in', async () => {
  await withPortal(async ({ url }) => {
    const staff = await newPage(browser);
    await staffSignIn(staff, url);
    const client = await newPage(browser);
    await startLogin(client, url, 'ann@example.org');
    await client.waitForSelector('#code');
    const resend = client.locator('form[action="/resend"] button');
    assert.equal(await resend.isDisabled(), true);
    assert.match(await resend.innerText(), /wait \d+ s/);
    const first = await codeFromFeed(staff, url, 'Ann Example');

    await advanceClock(staff, url, 120);
    await client.reload();
    assert.equal(await resend.isDisabled(), false);
    await resend.click();
    await client.waitForSelector('#code');
    const second = await codeFromFeed(staff, url, 'Ann Example');
    assert.notEqual(second, first, 'a new code was sent');
    await client.fill('#code', second);
    await client.click('form[action="/verify"] button[type=submit]');
    await client.waitForURL(/\/dashboard$/);
  });
});

test('email login goes straight to the dashboard', async () => {
  await withPortal(async ({ url }) => {
    const staff = await newPage(browser);
    await staffSignIn(staff, url);
    const client = await newPage(browser);
    await startLogin(client, url, 'ann@example.org');
    await client.waitForSelector('#code');
    await client.fill('#code', await codeFromFeed(staff, url, 'Ann Example'));
    await client.click('form[action="/verify"] button[type=submit]');
    await client.waitForURL(/\/dashboard$/);
    assert.match(await client.locator('main').innerText(), /Welcome back/);
  });
});

test('the shared phone: choosing Ben opens his dashboard in Spanish', async () => {
  await withPortal(async ({ url }) => {
    const staff = await newPage(browser);
    await staffSignIn(staff, url);
    const client = await newPage(browser);
    await startLogin(client, url, '555.123.4567');
    await client.waitForSelector('#code');
    await client.fill('#code', await codeFromFeed(staff, url, 'Ben Example'));
    await client.click('form[action="/verify"] button[type=submit]');
    await client.waitForSelector('form[action="/choose"]');
    const names = await client.locator('form[action="/choose"] label.choice').allTextContents();
    assert.equal(names.length, 2, `choices: ${names}`);
    await client.check('label:has-text("Ben") input[type=radio]');
    await client.click('form[action="/choose"] button[type=submit]');
    await client.waitForURL(/\/dashboard$/);
    assert.equal(await client.getAttribute('html', 'lang'), 'es');
    const main = await client.locator('main').innerText();
    assert.match(main, /Bienvenido/);
    assert.match(main, /Check-in appointment/);
    assert.doesNotMatch(main, /2026-CR-0142/, "Ann's case is not on Ben's dashboard");
  });
});

test('a gated calendar asks for sign-in and returns to it after', async () => {
  await withPortal(async ({ url }) => {
    const staff = await newPage(browser);
    await staffSignIn(staff, url);
    const client = await newPage(browser);
    await client.goto(url + '/calendars/hearings');
    await client.waitForSelector('#identifier');
    assert.match(client.url(), /next=/);
    await client.fill('#identifier', 'ann@example.org');
    await client.click('form[action="/login"] button[type=submit]');
    await client.waitForSelector('#code');
    await client.fill('#code', await codeFromFeed(staff, url, 'Ann Example'));
    await client.click('form[action="/verify"] button[type=submit]');
    await client.waitForURL(/\/calendars\/hearings$/);
    assert.match(await client.locator('h1').innerText(), /Hearing calendar/);
  });
});
