// The pages themselves: the whole sign-in works with JavaScript off, and every page a client sees
// has its language, a title, one main heading, a labelled sidebar, a label for every field and text
// on every button.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDriver, withPortal, codeFromFeed, startLogin, enterCode, sidebarLinks, pageProblems,
  signInByEmail, SHARED_PHONE, openStaff,
} from './harness.mjs';

let driver;
before(async () => { driver = await startDriver(); });
after(async () => { await driver?.stop(); });

test('with JavaScript off: phone sign-in, chooser, dashboard, profile and logout all work', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await open({ javascript: false });
    // The browser really runs no page script: an inline one leaves its paragraph as it was.
    await client.goto('data:text/html,<p id=x>off</p><script>document.getElementById("x").textContent="on"</script>');
    assert.equal(await client.text('#x'), 'off');

    await startLogin(client, url, SHARED_PHONE);
    await client.waitFor('#code');
    await enterCode(client, await codeFromFeed(staff, url, 'Ann Example'));
    await client.waitFor('form[action="/choose"]');
    await client.clickText('form[action="/choose"] label.choice', 'Ann');
    await client.submit('form[action="/choose"] button[type=submit]');
    await client.waitForUrl(/\/dashboard$/);
    assert.match(await client.text('main'), /Welcome/);
    assert.ok((await sidebarLinks(client)).includes('Hearing calendar'));

    await client.goto(url + '/profile');
    await client.fill('#middle_name', 'Rae');
    await client.submit('form[action="/profile"] button[type=submit]');
    await client.waitFor('main', 'Saved');
    await client.goto(url + '/profile');
    assert.equal(await client.value('#middle_name'), 'Rae');

    await client.goto(url + '/dashboard');
    await client.submit('form[action="/logout"] button[type=submit]');
    await client.waitFor('#identifier');
    assert.deepEqual(await sidebarLinks(client), ['Court information']);
  });
});

test('every page a client sees has its language, a title, one h1, a labelled sidebar and labelled fields', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await open();
    const seen = {};
    const check = async (name) => { seen[name] = await pageProblems(client); };

    await client.goto(url + '/');
    await check('sign-in');
    await startLogin(client, url, 'nobody@example.org');
    await client.waitFor('[role=alert]');
    await check('sign-in with an error');
    await startLogin(client, url, SHARED_PHONE);
    await client.waitFor('#code');
    await check('code');
    await enterCode(client, await codeFromFeed(staff, url, 'Ben Example'));
    await client.waitFor('form[action="/choose"]');
    await check('chooser');
    await client.clickText('form[action="/choose"] label.choice', 'Ben');
    await client.submit('form[action="/choose"] button[type=submit]');
    await client.waitForUrl(/\/dashboard$/);
    for (const path of ['/dashboard', '/profile', '/uploads', '/calendars/hearings', '/forms/check-in']) {
      await client.goto(url + path);
      assert.equal(new URL(await client.url()).pathname, path);
      await check(path);
    }
    assert.equal(Object.keys(seen).length, 9);
    const problems = Object.entries(seen).filter(([, list]) => list.length > 0);
    assert.deepEqual(problems, [], JSON.stringify(problems, null, 2));
  });
});

test("each client's pages speak the client's language: English for Ann, Spanish for Ben", async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const ann = await signInByEmail(open, staff, url, 'ann@example.org', 'Ann Example');
    assert.equal(await ann.attribute('html', 'lang'), 'en');
    await ann.goto(url + '/profile');
    await ann.fill('#middle_name', 'Jo');
    await ann.submit('form[action="/profile"] button[type=submit]');
    await ann.waitFor('main', 'Saved');

    const ben = await signInByEmail(open, staff, url, 'ben@example.org', 'Ben Example');
    assert.equal(await ben.attribute('html', 'lang'), 'es');
    assert.match(await ben.text('main'), /Le damos la bienvenida/);
    for (const path of ['/profile', '/uploads']) {
      await ben.goto(url + path);
      assert.equal(await ben.attribute('html', 'lang'), 'es', path);
    }
    await ben.goto(url + '/profile');
    await ben.fill('#middle_name', 'Luis');
    await ben.submit('form[action="/profile"] button[type=submit]');
    await ben.waitFor('main', 'Guardado');
  });
});
