// The ways a sign-in goes wrong beyond portal.test.mjs: Login again after an expired code, a phone
// or email the agency does not know (and the audit's true reason), an opted-out contact, a code
// replaced by a resend, and the limit of codes an hour to one contact.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDriver, withPortal, codeFromFeed, advanceClock, startLogin, enterCode, alertText, openStaff,
  codeRequested,
} from './harness.mjs';

let driver;
before(async () => { driver = await startDriver(); });
after(async () => { await driver?.stop(); });

test('an expired code is refused; clicking Login again sends a new one that works', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const { client, code } = await codeRequested(open, staff, url, 'ann@example.org', 'Ann Example', { phone: true });
    assert.equal(await client.text('#code-expiry'), 'The code works for 10 more minutes.');
    await advanceClock(staff, url, 3600);
    // The page says so before the code is tried, and the resend button is ready.
    await client.reload();
    assert.equal(await client.text('#code-expiry'), 'This code has expired: send a new one.');
    assert.equal(await client.enabled('form[action="/resend"] button'), true);
    await enterCode(client, code);
    assert.match(await alertText(client), /expired/);

    // Article FAQ: "they can request a new one by clicking the Login button again".
    await startLogin(client, url, 'ann@example.org');
    await client.waitFor('#code');
    const fresh = await codeFromFeed(staff, url, 'Ann Example');
    assert.notEqual(fresh, code);
    await enterCode(client, fresh);
    await client.waitForUrl(/\/dashboard$/);
  });
});

test('a contact the agency does not know gets the check-your-information message, and no code', async () => {
  await withPortal(driver, async ({ url, sesame }, open) => {
    const client = await open();
    await startLogin(client, url, 'nobody@example.org');
    assert.match(await alertText(client), /Check your information or contact the agency/);
    assert.equal(await client.count('#code'), 0);
    await startLogin(client, url, 'not a contact');
    assert.match(await alertText(client), /not a phone number or an email address/);
    assert.equal(await client.count('#code'), 0);
    // The audit log keeps the true reason the visitor is not told, with the contact masked.
    const starts = sesame('audit').events.filter((e) => e.action === 'login.start');
    const unknown = starts.find((e) => e.reason === 'contact_not_found');
    assert.ok(unknown, `login.start events: ${JSON.stringify(starts)}`);
    assert.doesNotMatch(unknown.detail ?? '', /nobody@/, 'the audit log masks the contact');
    assert.ok(starts.some((e) => e.reason === 'bad_identifier'), `login.start events: ${JSON.stringify(starts)}`);
  });
});

test('an opted-out contact cannot receive a code', async () => {
  await withPortal(driver, async ({ url, sesame }, open) => {
    const contacts = sesame('contact', 'list', '1');
    const list = Array.isArray(contacts) ? contacts : contacts.contacts;
    const email = list.find((c) => c.value === 'ann@example.org');
    assert.ok(email, `Ann's contacts: ${JSON.stringify(contacts)}`);
    sesame('contact', 'set-status', String(email.id), 'opted_out');

    const client = await open();
    await startLogin(client, url, 'ann@example.org');
    assert.match(await alertText(client), /cannot send a code/);
    assert.equal(await client.count('#code'), 0);
  });
});

test('a code replaced by a resend no longer signs in, and the cooldown starts again', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const { client, code: first } = await codeRequested(open, staff, url, 'ann@example.org', 'Ann Example');
    const resend = 'form[action="/resend"] button';
    assert.equal(await client.enabled(resend), false, 'no resend during the cooldown');
    assert.match(await client.text('#resend-wait'), /^You can ask for a new code in \d+ s\.$/);
    await advanceClock(staff, url, 120);
    await client.reload();
    assert.equal(await client.enabled(resend), true);
    await client.submit(resend);
    assert.equal(await client.enabled(resend), false, 'the cooldown starts again after a resend');
    assert.match(await client.text('#resend-wait'), /^You can ask for a new code in \d+ s\.$/);
    const second = await codeFromFeed(staff, url, 'Ann Example');
    assert.notEqual(second, first);
    await enterCode(client, first);
    assert.match(await alertText(client), /not right/);
    assert.notEqual(new URL(await client.url()).pathname, '/dashboard', 'the replaced code does not sign in');
    await enterCode(client, second);
    await client.waitForUrl(/\/dashboard$/);
  });
});

test('past five codes an hour to one contact, the sign-in says how long to wait; an hour later it works', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await open();
    for (let i = 0; i < 5; i++) {
      await startLogin(client, url, 'ann@example.org');
      await client.waitFor('#code');
      await advanceClock(staff, url, 61);
    }
    await startLogin(client, url, 'ann@example.org');
    assert.match(await alertText(client), /Too many attempts\. Wait \d+ seconds and try again/);
    assert.equal(await client.count('#code'), 0);

    await advanceClock(staff, url, 3600);
    await startLogin(client, url, 'ann@example.org');
    await client.waitFor('#code');
    await enterCode(client, await codeFromFeed(staff, url, 'Ann Example'));
    await client.waitForUrl(/\/dashboard$/);
  });
});
