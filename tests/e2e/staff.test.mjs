// The staff area as a browser meets it: the token sign-in, pages and forms closed without it, the
// CSRF token on staff forms, and a staff change that ends the clients' sessions (Client
// Authentication turned off).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDriver, withPortal, signInByEmail, alertText, sidebarLinks, codeFromFeed, startLogin,
  enterCode, STAFF_TOKEN, openStaff,
} from './harness.mjs';

let driver;
before(async () => { driver = await startDriver(); });
after(async () => { await driver?.stop(); });

function postForm(url, cookie, fields) {
  return fetch(url, {
    method: 'POST',
    headers: { Cookie: cookie, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(fields).toString(),
    redirect: 'manual',
  });
}

async function setClientAuth(staff, value) {
  await staff.select('#client_auth', value);
  await staff.submit('form[action="/admin/portal"] button[type=submit]');
  assert.equal(await staff.value('#client_auth'), value);
}

test('a wrong staff token is refused, and staff pages and forms need the sign-in', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const visitor = await open();
    await visitor.goto(url + '/admin');
    await visitor.fill('#token', STAFF_TOKEN + 'x');
    await visitor.submit('form[action="/admin/login"] button[type=submit]');
    assert.match(await alertText(visitor), /staff token is not right/);
    assert.equal(await visitor.count('#client_auth'), 0);

    // The client page with its message feed (where the codes are) is not shown.
    await visitor.goto(url + '/admin/client?id=1');
    assert.equal(await visitor.count('h2#feed'), 0);
    assert.equal(await visitor.count('#token'), 1, 'the staff sign-in is asked for instead');
    // A crafted form post, with the visitor's cookies, changes nothing.
    const crafted = await postForm(url + '/admin/portal', await visitor.cookieHeader(), { client_auth: 'disabled', lang: 'en' });
    assert.equal(crafted.status, 303, 'sent to the staff sign-in');
    assert.equal(crafted.headers.get('location'), '/admin');
    await visitor.goto(url + '/');
    assert.equal(await visitor.count('form[action="/login"] #identifier'), 1, 'sign-in is still on');

    // Signed in, staff get the overview; a form without its CSRF token is still refused.
    const staff = await openStaff(open, url);
    const staffCookie = await staff.cookieHeader();
    const forged = await postForm(url + '/admin/portal', staffCookie, { client_auth: 'disabled', lang: 'en' });
    assert.equal(forged.status, 403);
    const clock = await postForm(url + '/admin/test-clock', staffCookie, { advance: '3600' });
    assert.equal(clock.status, 403, 'the test clock form needs the token too');
    await staff.goto(url + '/admin');
    assert.equal(await staff.value('#client_auth'), 'enabled');
    await visitor.goto(url + '/');
    assert.equal(await visitor.count('form[action="/login"] #identifier'), 1, 'sign-in is still on');
  });
});

test('turning Client Authentication off ends the sessions already open', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await signInByEmail(open, staff, url, 'ann@example.org', 'Ann Example');
    assert.match(await client.text('main'), /Welcome/);

    await staff.goto(url + '/admin');
    await setClientAuth(staff, 'disabled');
    await setClientAuth(staff, 'enabled');

    await client.goto(url + '/dashboard');
    assert.notEqual(new URL(await client.url()).pathname, '/dashboard', 'the old session no longer opens the dashboard');
    assert.equal(await client.count('#identifier'), 1);
    assert.deepEqual(await sidebarLinks(client), ['Court information']);
  });
});

test('staff sign out: the staff pages ask for the token again', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    await staff.submit('form[action="/admin/logout"] button[type=submit]');
    await staff.goto(url + '/admin');
    assert.equal(await staff.count('#token'), 1);
    assert.equal(await staff.count('#client_auth'), 0);
    await staff.goto(url + '/admin/client?id=1');
    assert.equal(await staff.count('h2#feed'), 0);
  });
});

test('Create a Test Client on the staff page, add an email, View Portal, and log in with it', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    // "Fill in the Create Client form ... click the Create button", then add the email.
    await staff.fill('#first_name', 'Tess');
    await staff.fill('#last_name', 'Tester');
    await staff.submit('form[action="/admin/clients"] button[type=submit]');
    await staff.goto(url + '/admin');
    await staff.clickText('table[aria-labelledby=clients] a', 'Tess Tester');
    await staff.waitFor('form[action="/admin/contacts"]');
    await staff.select('#kind', 'email');
    await staff.fill('#value', 'tess@example.org');
    await staff.submit('form[action="/admin/contacts"] button[type=submit]');
    await staff.goto(url + '/admin');
    assert.match(await staff.text('table[aria-labelledby=clients]'), /Tess Tester.*tess@example\.org/s);

    // "Click the View Portal button to preview the portal as a client would see it."
    await staff.clickText('a', 'View Portal');
    await staff.waitFor('form[action="/login"] #identifier');
    assert.equal(new URL(await staff.url()).pathname, '/');

    const client = await open();
    await startLogin(client, url, 'tess@example.org');
    await client.waitFor('#code');
    await enterCode(client, await codeFromFeed(staff, url, 'Tess Tester'));
    await client.waitForUrl(/\/dashboard$/);
    assert.match(await client.text('main'), /Tess/);
  });
});
