// What a browser sees of the portal's web rules (docs SECURITY.md 18-19): the session cookie's
// attributes, no code or token in a URL, the CSRF token every form carries, and HTML escaping of
// what a client typed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDriver, withPortal, signInByEmail, startLogin, enterCode, openStaff, codeRequested,
} from './harness.mjs';

let driver;
before(async () => { driver = await startDriver(); });
after(async () => { await driver?.stop(); });

// POSTs a form with the browser's cookies, as a page of another site (or a script) could.
async function postForm(url, cookie, fields) {
  return fetch(url, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

test('the session cookie is HttpOnly, SameSite=Lax, host-only for the whole site, and no secret is in a URL', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const { client, code } = await codeRequested(open, staff, url, 'ann@example.org', 'Ann Example', { requests: true });
    await enterCode(client, code);
    await client.waitForUrl(/\/dashboard$/);
    await client.goto(url + '/profile');
    await client.goto(url + '/uploads');

    const cookies = await client.cookies();
    const session = cookies.find((c) => c.name === 'sesame');
    assert.ok(session, `cookies: ${JSON.stringify(cookies.map((c) => c.name))}`);
    assert.equal(session.httpOnly, true);
    assert.equal(session.sameSite, 'Lax');
    assert.equal(session.path, '/');
    assert.equal(session.domain, new URL(url).hostname, 'a host-only cookie (no Domain)');
    // Plain HTTP on loopback (the test server): the server says it leaves Secure off there.
    assert.equal(session.secure, false);
    assert.equal(await client.run(() => document.cookie), '', 'no script can read it');

    const visited = await client.requestedUrls();
    assert.ok(visited.some((u) => u.endsWith('/dashboard')), `the request log has the sign-in: ${visited}`);
    for (const address of visited) {
      assert.ok(!address.includes(code), `the code is not in a URL: ${address}`);
      assert.ok(!address.includes(session.value), `the session token is not in a URL: ${address}`);
    }
  });
});

test("a form posted without its CSRF token, or with another session's, is refused and saves nothing", async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const ann = await signInByEmail(open, staff, url, 'ann@example.org', 'Ann Example');
    const ben = await signInByEmail(open, staff, url, 'ben@example.org', 'Ben Example');
    await ben.goto(url + '/profile');
    const bensToken = await ben.value('form[action="/profile"] input[name=csrf]');
    assert.ok(bensToken.length > 0);
    const annsCookie = await ann.cookieHeader();

    const without = await postForm(url + '/profile', annsCookie, { lang: 'en', middle_name: 'Forged' });
    assert.equal(without.status, 403);
    assert.match(await without.text(), /the form was not sent/);
    const borrowed = await postForm(url + '/profile', annsCookie, { csrf: bensToken, lang: 'en', middle_name: 'Forged' });
    assert.equal(borrowed.status, 403);
    const loggedOut = await postForm(url + '/logout', annsCookie, {});
    assert.equal(loggedOut.status, 403, 'logout needs the token too');

    await ann.goto(url + '/profile');
    assert.notEqual(await ann.value('#middle_name'), 'Forged');
    await ann.goto(url + '/dashboard');
    assert.match(await ann.text('main'), /Welcome/, 'the forged logout did not end the session');
  });
});

test('what a client or staff type is shown as text, never run as HTML', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await signInByEmail(open, staff, url, 'ann@example.org', 'Ann Example');
    // Breaks out of an attribute value as well as making an element in text, were it not escaped.
    const markup = '"><img src=x onerror="window.injected=1">';
    await client.goto(url + '/profile');
    await client.fill('#middle_name', markup);
    await client.submit('form[action="/profile"] button[type=submit]');
    // Any text is a valid middle name: it is saved as typed, and shown as typed.
    await client.waitFor('main', 'Saved');
    await client.goto(url + '/profile');
    assert.equal(await client.value('#middle_name'), markup);
    for (const path of ['/profile', '/dashboard']) {
      await client.goto(url + path);
      assert.equal(await client.count('img[src=x]'), 0, `no injected element on ${path}`);
      assert.equal(await client.run(() => window.injected ?? null), null, `nothing ran on ${path}`);
    }
    // A name staff type is shown as text too, in the client list and on the client's page.
    await staff.goto(url + '/admin');
    await staff.fill('#first_name', 'Mark');
    await staff.fill('#last_name', markup);
    await staff.submit('form[action="/admin/clients"] button[type=submit]');
    await staff.goto(url + '/admin');
    assert.ok((await staff.text('table[aria-labelledby=clients]')).includes('Mark ' + markup), 'listed as typed');
    await staff.clickText('table[aria-labelledby=clients] a', 'Mark');
    await staff.waitFor('h2#feed');
    assert.ok((await staff.text('h1')).includes(markup), 'the client page shows the name as typed');
    assert.equal(await staff.count('img[src=x]'), 0, 'no injected element on the staff pages');
    assert.equal(await staff.run(() => window.injected ?? null), null, 'nothing ran on the staff pages');
    // And a visitor's sign-in text comes back escaped in the error page.
    const visitor = await open();
    await startLogin(visitor, url, markup);
    await visitor.waitFor('[role=alert]');
    assert.equal(await visitor.value('#identifier'), markup, 'the sign-in keeps what was typed, as text');
    assert.equal(await visitor.count('img[src=x]'), 0, 'no injected element on the sign-in error');
    assert.equal(await visitor.run(() => window.injected ?? null), null);
  });
});
