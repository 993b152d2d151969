// The example portal in headless Chromium (chromedriver): the product article's "Log In as a Test
// Client" steps as written, then the ways a sign-in goes wrong or branches. Each test has its own
// demo database, server and browsers (harness.mjs), so they do not depend on each other's codes,
// throttles or clock.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import {
  startDriver, withPortal, codeFromFeed, startLogin, enterCode, sidebarLinks, signInByEmail,
  SHARED_PHONE, openStaff, codeRequested,
} from './harness.mjs';

// A small but real PDF: the portal checks the file's type from its bytes.
const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

let driver;
before(async () => { driver = await startDriver(); });
after(async () => { await driver?.stop(); });

test('Log In as a Test Client, as the article writes it', async () => {
  await withPortal(driver, async ({ url }, open) => {
    // Staff: edit the portal, set Client Authentication, save, and "View Portal".
    const staff = await openStaff(open, url);
    await staff.select('#client_auth', 'enabled');
    await staff.submit('form[action="/admin/portal"] button[type=submit]');
    await staff.waitFor('#client_auth');
    assert.equal(await staff.value('#client_auth'), 'enabled');
    // The contacts with their badges are listed for staff.
    assert.match(await staff.text('table[aria-labelledby=clients]'), /\(555\) 123-4567/);

    const client = await open({ phone: true });
    await client.goto(url + '/');
    assert.deepEqual(await sidebarLinks(client), ['Court information']);

    // Enter the test client's phone number and click Login.
    await startLogin(client, url, SHARED_PHONE);
    await client.waitFor('#code');
    assert.equal(await client.attribute('#code', 'autocomplete'), 'one-time-code');
    assert.equal(await client.attribute('#code', 'inputmode'), 'numeric');

    // Check the client's message feed for the simulated code, enter it, click Verify.
    const code = await codeFromFeed(staff, url, 'Ann Example');
    await client.fill('#code', code);
    await client.submit('form[action="/verify"] button[type=submit]');

    // The phone belongs to Ann and Ben: the chooser asks which.
    await client.waitFor('form[action="/choose"]');
    await client.clickText('form[action="/choose"] label.choice', 'Ann');
    await client.submit('form[action="/choose"] button[type=submit]');

    // Redirected to the Client Dashboard: the merge-tag content, events, the case, the document.
    await client.waitForUrl(/\/dashboard$/);
    const dashboard = await client.text('main');
    assert.match(dashboard, /Welcome/);
    assert.match(dashboard, /Ann/);
    assert.match(dashboard, /Pretrial hearing/);
    assert.match(dashboard, /2026-CR-0142/);
    assert.match(dashboard, /Conditions of release/);
    assert.equal(await client.run(() => document.cookie), '', 'the session cookie is HttpOnly');
    // Private sidebar items are visible now.
    const links = await sidebarLinks(client);
    assert.ok(links.includes('Hearing calendar'), `sidebar: ${links}`);
    assert.ok(links.includes('Check-in form'), `sidebar: ${links}`);

    // The document's link downloads the PDF as an attachment, with the client's cookie only.
    const href = await client.run(() => [...document.querySelectorAll('main a')]
      .find((a) => a.textContent.includes('Conditions of release')).href);
    const cookie = await client.cookieHeader();
    const download = await fetch(href, { headers: { Cookie: cookie } });
    assert.equal(download.status, 200);
    assert.match(download.headers.get('content-disposition'), /^attachment;.*\.pdf/);
    assert.equal(download.headers.get('content-type'), 'application/pdf');
    assert.equal(Buffer.from(await download.arrayBuffer()).subarray(0, 5).toString(), '%PDF-');
    const anonymous = await fetch(href, { redirect: 'manual' });
    assert.notEqual(anonymous.status, 200, 'no download without the session');
    assert.notEqual(anonymous.headers.get('content-type'), 'application/pdf');

    // Profile: an editable field is saved...
    await client.goto(url + '/profile');
    await client.fill('#middle_name', 'Quinn');
    await client.submit('form[action="/profile"] button[type=submit]');
    await client.waitFor('main', 'Saved');
    await client.goto(url + '/profile');
    assert.equal(await client.value('#middle_name'), 'Quinn');
    // ...a read-only one is shown as text, not a field, and a crafted change is refused.
    assert.equal(await client.count('input#first_name'), 0);
    const csrf = await client.value('form[action="/profile"] input[name=csrf]');
    const refused = await fetch(url + '/profile', {
      method: 'POST',
      headers: { Cookie: await client.cookieHeader(), 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, lang: 'en', middle_name: 'Quinn', first_name: 'Mallory' }).toString(),
      redirect: 'manual',
    });
    assert.equal(refused.status, 422);
    assert.match(await refused.text(), /cannot be changed/i);
    await client.goto(url + '/profile');
    assert.match(await client.text('main'), /Ann/);
    assert.doesNotMatch(await client.text('main'), /Mallory/);

    // Upload a document and see it listed.
    await client.goto(url + '/uploads');
    const dir = mkdtempSync(join(tmpdir(), 'sesame-e2e-upload-'));
    const file = join(dir, 'pay-stub.pdf');
    writeFileSync(file, PDF);
    await client.fill('#file', file);
    await client.select('#kind', 'document');
    await client.submit('form[action="/uploads"] button[type=submit]');
    await client.waitFor('main', 'Uploaded: pay-stub.pdf');
    rmSync(dir, { recursive: true, force: true });
    await client.goto(url + '/uploads');
    assert.match(await client.text('main'), /pay-stub\.pdf/);

    // Log out: back to sign-in, and the private items are gone.
    await client.goto(url + '/dashboard');
    await client.submit('form[action="/logout"] button[type=submit]');
    await client.waitFor('#identifier');
    assert.deepEqual(await sidebarLinks(client), ['Court information']);
    await client.goto(url + '/dashboard');
    assert.equal(await client.count('#identifier'), 1, 'after logout the dashboard asks for sign-in');
    assert.doesNotMatch(await client.text('body'), /Welcome|2026-CR-0142/);
  });
});

test('Client Authentication disabled: no login form', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    await staff.select('#client_auth', 'disabled');
    await staff.submit('form[action="/admin/portal"] button[type=submit]');
    await staff.waitFor('#client_auth');
    const visitor = await open();
    await visitor.goto(url + '/');
    assert.equal(await visitor.count('#identifier'), 0);
    assert.equal(await visitor.count('form[action="/login"]'), 0);
  });
});

test('five wrong codes lock the code, and the right one is refused after', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const { client, code } = await codeRequested(open, staff, url, 'ann@example.org', 'Ann Example');
    const wrong = code === '000000' ? '111111' : '000000';
    const expected = ['You have 4 tries left', 'You have 3 tries left', 'You have 2 tries left',
      'You have 1 try left', 'Too many wrong tries for this code'];
    for (const message of expected) {
      await client.fill('#code', wrong);
      await client.submit('form[action="/verify"] button[type=submit]');
      assert.match(await client.text('[role=alert]'), new RegExp(message));
    }
    await client.fill('#code', code);
    await client.submit('form[action="/verify"] button[type=submit]');
    await client.waitFor('[role=alert]');
    assert.match(await client.text('[role=alert]'), /Too many wrong tries/);
    assert.ok(!(await client.url()).endsWith('/dashboard'));
  });
});

test('email login goes straight to the dashboard', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await signInByEmail(open, staff, url, 'ann@example.org', 'Ann Example');
    assert.match(await client.text('main'), /Welcome/);
  });
});

test('the shared phone: choosing Ben opens his dashboard in Spanish', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const { client, code } = await codeRequested(open, staff, url, '555.123.4567', 'Ben Example');
    await enterCode(client, code);
    await client.waitFor('form[action="/choose"]');
    const names = await client.texts('form[action="/choose"] label.choice');
    assert.equal(names.length, 2, `choices: ${names}`);
    await client.clickText('form[action="/choose"] label.choice', 'Ben');
    await client.submit('form[action="/choose"] button[type=submit]');
    await client.waitForUrl(/\/dashboard$/);
    assert.equal(await client.attribute('html', 'lang'), 'es');
    const main = await client.text('main');
    assert.match(main, /Le damos la bienvenida/);
    assert.match(main, /Cita de presentación/);  // his check-in appointment, its type in Spanish
    assert.match(main, /Programada/);
    assert.doesNotMatch(main, /2026-CR-0142/, "Ann's case is not on Ben's dashboard");
  });
});

test('a gated calendar asks for sign-in and returns to it after', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await open();
    await client.goto(url + '/calendars/hearings');
    await client.waitFor('#identifier');
    assert.match((await client.url()), /next=/);
    await client.fill('#identifier', 'ann@example.org');
    await client.submit('form[action="/login"] button[type=submit]');
    await client.waitFor('#code');
    await client.fill('#code', await codeFromFeed(staff, url, 'Ann Example'));
    await client.submit('form[action="/verify"] button[type=submit]');
    await client.waitForUrl(/\/calendars\/hearings$/);
    assert.match(await client.text('h1'), /Hearing calendar/);
  });
});
