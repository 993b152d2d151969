// Gated resources and the Client Authentication setting, beyond portal.test.mjs: with a session the
// gated form opens directly until the idle time ends it; next= is carried through the chooser and
// leads only to a path of this site; with sign-in off, gated pages say it is not offered.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import {
  startDriver, withPortal, codeFromFeed, advanceClock, enterCode, startLogin, sidebarLinks,
  SHARED_PHONE, openStaff,
} from './harness.mjs';

let driver;
before(async () => { driver = await startDriver(); });
after(async () => { await driver?.stop(); });

const nextOf = async (page) => new URL(await page.url()).searchParams.get('next');

test('with a session the gated form opens directly; after the idle time sign-in is asked again', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await open();
    await client.goto(url + '/calendars/hearings');
    await client.waitFor('#identifier');
    assert.equal(await nextOf(client), '/calendars/hearings');
    await client.fill('#identifier', 'ann@example.org');
    await client.submit('form[action="/login"] button[type=submit]');
    await client.waitFor('#code');
    await enterCode(client, await codeFromFeed(staff, url, 'Ann Example'));
    await client.waitForUrl(/\/calendars\/hearings$/);

    await client.goto(url + '/forms/check-in');
    assert.equal(new URL(await client.url()).pathname, '/forms/check-in');
    assert.match(await client.text('h1'), /Check-in form/);

    // After the session's idle time (30 minutes on the demo portal), sign-in is asked again.
    await advanceClock(staff, url, 31 * 60);
    await client.goto(url + '/forms/check-in');
    await client.waitFor('#identifier');
    assert.equal(await nextOf(client), '/forms/check-in');
    assert.equal(await client.count('h1'), 1);
    assert.doesNotMatch(await client.text('h1'), /Check-in form/);
  });
});

test('the gated form by the shared phone: next= is carried through the chooser', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await open();
    await client.goto(url + '/forms/check-in');
    await client.waitFor('#identifier');
    await client.fill('#identifier', SHARED_PHONE);
    await client.submit('form[action="/login"] button[type=submit]');
    await client.waitFor('#code');
    await enterCode(client, await codeFromFeed(staff, url, 'Ben Example'));
    await client.waitFor('form[action="/choose"]');
    await client.clickText('form[action="/choose"] label.choice', 'Ben');
    await client.submit('form[action="/choose"] button[type=submit]');
    await client.waitForUrl(/\/forms\/check-in$/);
    // Ben reads Spanish: the form's title too (the portal's glossary knows the demo's titles).
    assert.match(await client.text('h1'), /Formulario de presentación/);
    assert.equal(await client.attribute('html', 'lang'), 'es');
  });
});

test('next= leads only to a path of this site', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    for (const next of ['//evil.example/steal', 'https://evil.example/', '/\\evil.example', 'javascript:alert(1)']) {
      const client = await open();
      await client.goto(url + '/?next=' + encodeURIComponent(next));
      await client.fill('#identifier', 'ann@example.org');
      await client.submit('form[action="/login"] button[type=submit]');
      await client.waitFor('#code');
      await enterCode(client, await codeFromFeed(staff, url, 'Ann Example'));
      const landed = await client.waitForUrl(/\/dashboard$/);
      assert.equal(new URL(landed).origin, new URL(url).origin, `next=${next}`);
      await client.close();
      await advanceClock(staff, url, 61);  // the next code to Ann waits out the resend cooldown
    }
  });
});

test('Client Authentication disabled: gated pages say sign-in is not offered; enabled again, the form is back', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const setClientAuth = async (value) => {
      await staff.goto(url + '/admin');
      await staff.select('#client_auth', value);
      await staff.submit('form[action="/admin/portal"] button[type=submit]');
      assert.equal(await staff.value('#client_auth'), value);
    };
    await setClientAuth('disabled');

    const visitor = await open();
    await visitor.goto(url + '/');
    assert.equal(await visitor.count('form[action="/login"]'), 0);
    assert.deepEqual(await sidebarLinks(visitor), ['Court information']);
    await visitor.goto(url + '/calendars/hearings');
    assert.equal(await visitor.count('#identifier'), 0);
    assert.match(await visitor.text('main'), /not offered/);
    assert.doesNotMatch(await visitor.text('main'), /Pretrial hearing/);

    await setClientAuth('enabled');
    await visitor.goto(url + '/');
    assert.equal(await visitor.count('form[action="/login"] #identifier'), 1);
    await startLogin(visitor, url, 'ann@example.org');
    await visitor.waitFor('#code');
  });
});
