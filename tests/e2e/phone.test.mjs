// The portal as a client on a phone meets it, and every page checked by axe-core at 375 px and
// 1280 px: a second sign-in inside the resend wait, Log out and the way home on every signed-in
// page, the notices, stacked tables, the staff feed's code. With SESAME_E2E_SCREENSHOTS=1 the walk
// also saves the README's pictures (docs/images/*.png at 1280 px, *-phone.png at 375 px).
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDriver, withPortal, codeFromFeed, startLogin, enterCode, alertText, openStaff, checkBothWidths, shot,
  SHARED_PHONE, sidebarLinks, newPage, axeViolations,
} from './harness.mjs';

let driver;
before(async () => { driver = await startDriver(); });
after(async () => { await driver?.stop(); });

// Checks the page at both widths into `problems`, and saves its pictures when asked to.
async function visit(page, what, problems, picture) {
  const found = await checkBothWidths(page, what);
  if (found) problems.push(found);
  if (picture) {
    await shot(page, `${picture}-phone.png`, 375);
    await shot(page, `${picture}.png`, 1280);
    await page.resize(1280);
  }
}

test('the checks see what they look for: an image without text, a field without a label, a page too wide', async () => {
  const page = await newPage(driver);
  try {
    await page.goto('data:text/html,<html lang=en><title>t</title><main><h1>x</h1><img src="x.png">' +
      '<input type=text><div style="width:900px">wide</div></main></html>');
    const found = await axeViolations(page);
    assert.match(found, /image-alt/);
    assert.match(found, /label/);
    const both = await checkBothWidths(page, 'a bad page');
    assert.match(both, /at 375 px:\n[^]*image-alt/);
    assert.match(both, /at 375 px is wider than the window: div reaches 9\d\d px/);
    assert.doesNotMatch(both, /at 1280 px is wider/);
  } finally {
    await page.close();
  }
});

test('every page has no axe-core violation and fits the window, at 375 px and at 1280 px', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const problems = [];
    const staff = await openStaff(open, url);
    const client = await open({ phone: true });

    // The visitor's pages, in both languages, with their errors and notices.
    await client.goto(url + '/');
    await visit(client, 'the sign-in page', problems, 'login');
    await client.goto(url + '/?lang=es');
    await visit(client, 'the Spanish sign-in page', problems);
    await startLogin(client, url, 'nobody@example.org');
    await alertText(client);
    await visit(client, 'the sign-in page with an error', problems);
    await client.goto(url + '/?next=/profile');
    await visit(client, 'the sign-in page asking to sign in first', problems);
    await client.goto(url + '/nowhere');
    await visit(client, 'the not-found page', problems);
    await client.goto(url + '/forms/check-in');
    await visit(client, 'a gated form, signed out', problems);

    // The code page, with a wrong code, and after a second sign-in inside the resend wait.
    await startLogin(client, url, SHARED_PHONE);
    await client.waitFor('#code');
    await visit(client, 'the code page', problems, 'verify');
    await enterCode(client, '000000');
    await alertText(client);
    await visit(client, 'the code page with a wrong code', problems);
    await startLogin(client, url, SHARED_PHONE);
    await client.waitForUrl(/\/verify\?again=1$/);
    await visit(client, 'the code page after a second sign-in', problems);

    // The chooser, then Ann's pages.
    await enterCode(client, await codeFromFeed(staff, url, 'Ann Example'));
    await client.waitFor('form[action="/choose"]');
    await visit(client, 'the chooser', problems, 'choose');
    await client.clickText('form[action="/choose"] label.choice', 'Ann');
    await client.submit('form[action="/choose"] button[type=submit]');
    await client.waitForUrl(/\/dashboard$/);
    await visit(client, 'the dashboard', problems, 'dashboard');
    await client.goto(url + '/profile');
    await visit(client, 'the profile', problems, 'profile');
    await client.submit('form[action="/profile"] button[type=submit]');
    await client.waitFor('[role=status]');
    await visit(client, 'the profile, saved', problems);
    await client.goto(url + '/uploads');
    await visit(client, 'the uploads page', problems, 'uploads');
    await client.submit('form[action="/uploads"] button[type=submit]');
    await alertText(client);
    await visit(client, 'the uploads page with an error', problems);
    await client.goto(url + '/calendars/hearings');
    await visit(client, 'the hearing calendar', problems);
    await client.goto(url + '/forms/check-in');
    await visit(client, 'the check-in form', problems);
    await client.submit('form.logout button[type=submit]');
    await client.waitFor('[role=status]');
    await visit(client, 'the page after logout', problems);

    // Ben reads his pages in Spanish.
    const ben = await open({ phone: true });
    await startLogin(ben, url, 'ben@example.org');
    await ben.waitFor('#code');
    await enterCode(ben, await codeFromFeed(staff, url, 'Ben Example'));
    await ben.waitForUrl(/\/dashboard$/);
    await visit(ben, 'the Spanish dashboard', problems, 'dashboard-es');
    await ben.goto(url + '/profile');
    await visit(ben, 'the Spanish profile', problems);

    // The staff area.
    const signIn = await open();
    await signIn.goto(url + '/admin');
    await visit(signIn, 'the staff sign-in', problems);
    await staff.goto(url + '/admin');
    await visit(staff, 'the staff overview', problems, 'staff');
    await staff.clickText('table[aria-labelledby=clients] a', 'Ann Example');
    await staff.waitFor('h2#feed');
    await visit(staff, 'a client in the staff area', problems, 'staff-client');

    assert.equal(problems.join('\n\n'), '', 'every page passes axe-core and fits both widths');
  });
});

test('a second sign-in inside the resend wait goes back to the code page, with one countdown', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await open({ phone: true });
    await startLogin(client, url, 'ann@example.org');
    await client.waitFor('#code');
    assert.match(await client.text('#code-expiry'), /^The code works for 10 more minutes\.$/);
    assert.equal(await client.count('[data-countdown]'), 1, 'one countdown');
    assert.equal(await client.enabled('form[action="/resend"] button'), false);

    // Back, and Login again with the same email before the wait is over.
    await startLogin(client, url, 'Ann@Example.org');
    await client.waitForUrl(/\/verify\?again=1$/);
    const notice = await client.text('[role=status]');
    assert.match(notice, /^We just sent a code to a•••@example\.org: enter it, or ask for a new one in \d+ s\.$/);
    assert.doesNotMatch(await client.text('main'), /Too many attempts/);
    assert.equal(await client.count('[data-countdown]'), 1, 'one countdown');
    const shown = Number(await client.text('[data-countdown]'));
    const button = Number(await client.attribute('form[action="/resend"] button', 'data-wait-seconds'));
    assert.equal(shown, button, 'the notice and the button count from the same number');

    // The code that was sent still works.
    await enterCode(client, await codeFromFeed(staff, url, 'Ann Example'));
    await client.waitForUrl(/\/dashboard$/);
  });
});

test('on a phone: Log out and the way home on every signed-in page, the current page marked, and the notices', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await open({ phone: true });
    await client.goto(url + '/profile');
    await client.waitForUrl(/\?next=/);
    assert.equal(await client.text('[role=status]'), 'Sign in to see this page.');
    await startLogin(client, url, 'ann@example.org');
    await client.waitFor('#code');
    await enterCode(client, await codeFromFeed(staff, url, 'Ann Example'));
    await client.waitForUrl(/\/dashboard$/);
    assert.match(await client.text('h1'), /^Welcome, Ann$/);

    for (const [path, title] of [['/dashboard', 'Your portal'], ['/profile', 'Your profile'], ['/uploads', 'Your uploads'],
      ['/calendars/hearings', 'Hearing calendar']]) {
      await client.goto(url + path);
      // "Log out" is on the screen without scrolling, and reached from the keyboard.
      const logout = await client.run(() => {
        const b = document.querySelector('form.logout button');
        if (!b) return null;
        const r = b.getBoundingClientRect();
        b.focus();
        return { visible: r.width > 0 && r.bottom <= window.innerHeight && r.right <= window.innerWidth,
          focused: document.activeElement === b, text: b.textContent };
      });
      assert.deepEqual(logout, { visible: true, focused: true, text: 'Log out' }, path);
      const links = await sidebarLinks(client);
      assert.equal(links[0], 'Your portal', `${path}: the way home leads the sidebar: ${links}`);
      const current = await client.texts('nav.sidebar a[aria-current=page]');
      assert.deepEqual(current, [title], path);
    }
    await client.submit('form.logout button[type=submit]');
    await client.waitFor('[role=status]');
    assert.equal(await client.text('[role=status]'), 'You have signed out.');
    assert.equal(await client.count('form.logout'), 0);
  });
});

test('on a phone the tables stack into labelled cards, and the staff feed shows the simulated code plainly', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await open({ phone: true });
    await startLogin(client, url, 'ann@example.org');
    await client.waitFor('#code');
    await staff.resize(375, 812);
    await staff.goto(url + '/admin');
    await staff.clickText('table[aria-labelledby=clients] a', 'Ann Example');
    await staff.waitFor('h2#feed');
    const code = await staff.run(() => {
      const el = document.querySelector('table[aria-labelledby=feed] .code');
      const r = el.getBoundingClientRect();
      return { text: el.textContent, inside: r.left >= 0 && r.right <= document.documentElement.clientWidth,
        label: getComputedStyle(el.closest('td'), '::before').content };
    });
    assert.match(code.text, /^\d{6}$/);
    assert.ok(code.inside, 'the code is on the screen, not cut off');
    assert.equal(code.label, '"Code"');
    assert.equal(code.text, await codeFromFeed(staff, url, 'Ann Example'));

    await enterCode(client, code.text);
    await client.waitForUrl(/\/dashboard$/);
    const cells = await client.run(() => [...document.querySelectorAll('table[aria-labelledby=events] td')]
      .filter((td) => td.textContent.trim())
      .map((td) => ({ label: getComputedStyle(td, '::before').content, display: getComputedStyle(td).display })));
    assert.ok(cells.length > 0);
    for (const c of cells) {
      assert.notEqual(c.label, 'none', 'each cell shows its column name');
      assert.equal(c.display, 'grid', 'the column name beside the value');
    }
    await client.resize(1280);
    const wide = await client.run(() => getComputedStyle(document.querySelector('table[aria-labelledby=events] td')).display);
    assert.equal(wide, 'table-cell', 'a table again on a wide screen');
  });
});

test('the shared phone asked from the Spanish page gets its text message in Spanish', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await open({ phone: true });
    await client.goto(url + '/?lang=es');
    await client.fill('#identifier', SHARED_PHONE);
    await client.submit('form[action="/login"] button[type=submit]');
    await client.waitFor('#code');
    assert.match(await client.text('main'), /Enviamos un código a/);
    await staff.goto(url + '/admin');
    await staff.clickText('table[aria-labelledby=clients] a', 'Ben Example');
    await staff.waitFor('h2#feed');
    const [newest] = await staff.texts('table[aria-labelledby=feed] pre');
    assert.match(newest, /código/, `the message: ${newest}`);
  });
});
