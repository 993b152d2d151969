// Uploads (the demo portal takes photos and documents: PDF, JPEG, PNG, up to 5 MB): a good file is
// listed and downloads byte for byte, and only by its client; a file whose bytes are not an accepted
// type, or one over the size, is refused with what to do, and nothing is listed.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startDriver, withPortal, signInByEmail, alertText, openStaff } from './harness.mjs';

let driver;
let files;
before(async () => {
  driver = await startDriver();
  files = mkdtempSync(join(tmpdir(), 'sesame-e2e-uploads-'));
});
after(async () => {
  await driver?.stop();
  if (files) rmSync(files, { recursive: true, force: true });
});

// The 8-byte PNG signature and an IHDR chunk for a 1x1 image, then the end: the type is read from
// these bytes.
const PNG = Buffer.from(
  '89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489' +
  '0000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082', 'hex');

// Writes `bytes` as a file named `name` and sends it from the uploads page as `kind`.
async function upload(page, url, name, bytes, kind) {
  const file = join(files, name);
  writeFileSync(file, bytes);
  await page.goto(url + '/uploads');
  await page.fill('#file', file);
  await page.select('#kind', kind);
  await page.submit('form[action="/uploads"] button[type=submit]');
}

test('a photo is listed and downloads byte for byte, and not by another client', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const ann = await signInByEmail(open, staff, url, 'ann@example.org', 'Ann Example');
    await ann.goto(url + '/uploads');
    assert.match(await ann.text('main'), /not sent any files yet/);
    await upload(ann, url, 'id-card.png', PNG, 'photo');
    assert.match(await ann.text('main'), /Uploaded: id-card\.png/);

    await ann.goto(url + '/uploads');
    const hrefs = await ann.run(() => [...document.querySelectorAll('main a[href^="/uploads/"]')]
      .filter((a) => a.textContent.includes('id-card.png')).map((a) => a.getAttribute('href')));
    assert.equal(hrefs.length, 1, `links: ${hrefs}`);
    const response = await fetch(url + hrefs[0], { headers: { Cookie: await ann.cookieHeader() } });
    assert.equal(response.status, 200);
    assert.deepEqual(Buffer.from(await response.arrayBuffer()), PNG);

    // Another client cannot fetch it, nor see it listed.
    const ben = await signInByEmail(open, staff, url, 'ben@example.org', 'Ben Example');
    const other = await fetch(url + hrefs[0], { headers: { Cookie: await ben.cookieHeader() }, redirect: 'manual' });
    assert.notEqual(other.status, 200, "Ben does not get Ann's upload");
    assert.notDeepEqual(Buffer.from(await other.arrayBuffer()), PNG);
    const anonymous = await fetch(url + hrefs[0], { redirect: 'manual' });
    assert.notEqual(anonymous.status, 200, 'nor does a visitor without a session');
    await ben.goto(url + '/uploads');
    assert.doesNotMatch(await ben.text('main'), /id-card\.png/);
    assert.equal(await ben.text('form[action="/uploads"] button[type=submit]'), 'Subir');
  });
});

test('a file that is not an accepted type, or too large, is refused with what to do', async () => {
  await withPortal(driver, async ({ url }, open) => {
    const staff = await openStaff(open, url);
    const client = await signInByEmail(open, staff, url, 'ann@example.org', 'Ann Example');

    // Named as a PDF, but its bytes are a script.
    await upload(client, url, 'statement.pdf', Buffer.from('#!/bin/sh\necho hello\n'), 'document');
    assert.match(await alertText(client), /file type is not accepted here\. Send .*PDF/);

    // A PDF over the portal's 5 MB.
    const big = Buffer.alloc(5 * 1024 * 1024 + 1024, 0x20);
    big.write('%PDF-1.4\n');
    await upload(client, url, 'scan.pdf', big, 'document');
    assert.match(await alertText(client), /too large\. Choose one of at most 5(\.0)? MB/);

    await client.goto(url + '/uploads');
    const listed = await client.text('main');
    assert.doesNotMatch(listed, /statement\.pdf|scan\.pdf/);
    assert.match(listed, /not sent any files yet/);
  });
});
