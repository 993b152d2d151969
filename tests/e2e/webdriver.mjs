// A small W3C WebDriver client for the browser tests: Debian's chromedriver driving Debian's
// headless chromium, over HTTP with Node's own fetch. No npm package is needed, so the tests run
// on a machine that has only Debian's packages.
//
// A Browser is one chromium (its own cookies); its methods take CSS selectors. Waiting is polling
// of a condition in the page every POLL_MS, bounded by WAIT_MS; nothing waits a fixed time.
import { spawn } from 'node:child_process';
import { createServer } from 'node:net';

const ELEMENT = 'element-6066-11e4-a52e-4f735466cecf';
const WAIT_MS = 15000;
const POLL_MS = 20;
const poll = () => new Promise((r) => setTimeout(r, POLL_MS));

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

// One chromedriver process; every Browser of a test file is a session of it.
export class Driver {
  static async start(chromedriver) {
    const port = await freePort();
    const child = spawn(chromedriver, [`--port=${port}`, '--allowed-ips=127.0.0.1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let log = '';
    child.stdout.setEncoding('utf8').on('data', (c) => { log += c; });
    child.stderr.setEncoding('utf8').on('data', (c) => { log += c; });
    const base = `http://127.0.0.1:${port}`;
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      if (child.exitCode !== null) throw new Error('chromedriver exited:\n' + log);
      try {
        const status = await (await fetch(base + '/status')).json();
        if (status.value && status.value.ready) break;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) throw new Error('chromedriver did not start:\n' + log);
      await poll();
    }
    return new Driver(child, base);
  }

  constructor(child, base) {
    this.child = child;
    this.base = base;
  }

  // A new headless chromium. `phone`: a phone-sized window; `javascript: false`: the pages' own
  // scripts do not run (the WebDriver commands still can); `requests: true`: the browser keeps a
  // log of the requests it makes, read with Browser.requestedUrls().
  async browser(chromium, { phone = false, javascript = true, requests = false } = {}) {
    const args = ['--headless=new', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
      phone ? '--window-size=375,812' : '--window-size=1280,900'];
    if (!javascript) args.push('--blink-settings=scriptEnabled=false');
    if (process.getuid && process.getuid() === 0) args.push('--no-sandbox');
    const capabilities = { browserName: 'chrome', 'goog:chromeOptions': { binary: chromium, args } };
    if (requests) capabilities['goog:loggingPrefs'] = { performance: 'ALL' };
    const res = await call('POST', this.base + '/session', { capabilities: { alwaysMatch: capabilities } });
    return new Browser(this.base + '/session/' + res.sessionId);
  }

  async stop() {
    if (this.child.exitCode === null) {
      const exited = new Promise((r) => this.child.once('exit', r));
      this.child.kill('SIGTERM');
      await exited;
    }
  }
}

async function call(method, url, body) {
  const res = await fetch(url, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (!res.ok) {
    const v = json.value || {};
    throw new Error(`WebDriver ${method} ${url.replace(/^.*\/session\/[^/]+/, '')}: ${v.error}: ${v.message}`);
  }
  return json.value;
}

export class Browser {
  constructor(session) {
    this.session = session;
  }

  cmd(method, path, body) {
    return call(method, this.session + path, body);
  }

  // Ends the browser; closing it again does nothing.
  async close() {
    if (this.closed) return;
    this.closed = true;
    await this.cmd('DELETE', '');
  }

  async goto(url) {
    await this.cmd('POST', '/url', { url });
  }

  async reload() {
    await this.cmd('POST', '/refresh', {});
  }

  async url() {
    return this.cmd('GET', '/url');
  }

  // Runs `fn(...args)` in the page and returns its result (JSON values only).
  async run(fn, ...args) {
    return this.cmd('POST', '/execute/sync', { script: `return (${fn}).apply(null, arguments);`, args });
  }

  // `fn` with a callback as its last argument; resolves with what the page passes to it.
  async runAsync(fn, ...args) {
    return this.cmd('POST', '/execute/async', {
      script: `const done = arguments[arguments.length - 1];
        Promise.resolve((${fn}).apply(null, Array.prototype.slice.call(arguments, 0, -1)))
          .then(done, (e) => done({ error: String(e && e.stack || e) }));`,
      args,
    });
  }

  // Runs `source` (a whole script, such as a library's file) in the page as WebDriver scripts
  // run: not subject to the page's Content-Security-Policy.
  async inject(source) {
    return this.cmd('POST', '/execute/sync', { script: source + '\n;return true;', args: [] });
  }

  // The window `width` CSS pixels wide (and `height` tall).
  async resize(width, height = 900) {
    await this.cmd('POST', '/window/rect', { width, height });
  }

  async element(selector) {
    const found = await this.cmd('POST', '/elements', { using: 'css selector', value: selector });
    if (found.length === 0) throw new Error(`no element matches ${selector} on ${await this.url()}`);
    return found[0][ELEMENT];
  }

  async count(selector) {
    return (await this.cmd('POST', '/elements', { using: 'css selector', value: selector })).length;
  }

  // Waits until `selector` matches an element (and, with `text`, one whose text contains it).
  async waitFor(selector, text) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const ok = await this.run((s, t) => [...document.querySelectorAll(s)]
        .some((e) => t === null || e.textContent.includes(t)), selector, text ?? null);
      if (ok) return;
      if (Date.now() > deadline) {
        throw new Error(`waited ${WAIT_MS} ms for ${selector}${text ? ` with "${text}"` : ''} on ${await this.url()}:\n` +
          (await this.text('body').catch(() => '')));
      }
      await poll();
    }
  }

  async waitForUrl(pattern) {
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const url = await this.url();
      if (pattern.test(url)) return url;
      if (Date.now() > deadline) throw new Error(`waited for a URL like ${pattern}; at ${url}`);
      await poll();
    }
  }

  async click(selector) {
    await this.cmd('POST', `/element/${await this.element(selector)}/click`, {});
  }

  // Clicks `selector` (a button that sends a form, a link) and waits until the next page has
  // loaded: the current document is marked, and the wait ends when a document without the mark
  // is complete. Without it, a wait for something both pages have can end on the old page.
  async submit(selector) {
    await this.run(() => { window.__sesameBefore = true; });
    await this.click(selector);
    const deadline = Date.now() + WAIT_MS;
    for (;;) {
      const loaded = await this.run(() => !window.__sesameBefore && document.readyState === 'complete')
        .catch(() => false);  // between documents
      if (loaded) return;
      if (Date.now() > deadline) throw new Error(`waited ${WAIT_MS} ms for a new page after clicking ${selector}; at ${await this.url()}`);
      await poll();
    }
  }

  // Clicks the first element matching `selector` whose text contains `text`.
  async clickText(selector, text) {
    const found = await this.cmd('POST', '/elements', { using: 'css selector', value: selector });
    for (const f of found) {
      const t = await this.cmd('GET', `/element/${f[ELEMENT]}/text`);
      if (t.includes(text)) {
        await this.cmd('POST', `/element/${f[ELEMENT]}/click`, {});
        return;
      }
    }
    throw new Error(`no ${selector} with "${text}" on ${await this.url()}`);
  }

  async fill(selector, value) {
    const id = await this.element(selector);
    await this.cmd('POST', `/element/${id}/clear`, {});
    await this.cmd('POST', `/element/${id}/value`, { text: value });
  }

  async select(selector, value) {
    const id = await this.element(selector);
    await this.cmd('POST', `/element/${id}/click`, {});
    const option = await this.cmd('POST', `/element/${id}/elements`,
      { using: 'css selector', value: `option[value="${value}"]` });
    if (option.length === 0) throw new Error(`${selector} has no option ${value}`);
    await this.cmd('POST', `/element/${option[0][ELEMENT]}/click`, {});
  }

  async value(selector) {
    return this.cmd('GET', `/element/${await this.element(selector)}/property/value`);
  }

  async attribute(selector, name) {
    return this.cmd('GET', `/element/${await this.element(selector)}/attribute/${name}`);
  }

  async enabled(selector) {
    return this.cmd('GET', `/element/${await this.element(selector)}/enabled`);
  }

  // The rendered text of the first match.
  async text(selector) {
    return this.cmd('GET', `/element/${await this.element(selector)}/text`);
  }

  async texts(selector) {
    return this.run((s) => [...document.querySelectorAll(s)].map((e) => e.textContent.trim()), selector);
  }

  // The browser's cookies for the current page, HttpOnly ones included, each with its name, value,
  // path, domain, secure, httpOnly and sameSite.
  async cookies() {
    return this.cmd('GET', '/cookie');
  }

  // The same as a Cookie header.
  async cookieHeader() {
    return (await this.cookies()).map((c) => `${c.name}=${c.value}`).join('; ');
  }

  // Every URL the browser asked for since the last call, redirects' targets included (a browser
  // opened with `requests: true`).
  async requestedUrls() {
    const entries = await this.cmd('POST', '/se/log', { type: 'performance' });
    const urls = [];
    for (const entry of entries) {
      const { method, params } = JSON.parse(entry.message).message;
      if (method === 'Network.requestWillBeSent') urls.push(params.request.url);
    }
    return urls;
  }

  // A PNG of the window as it is.
  async windowShot() {
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }

  // A PNG of the page at full height.
  async screenshot(width) {
    // The page's height at this width: measured after the width is set, as text wraps differently.
    // Grown until the whole page fits (the window's outer height includes its frame).
    await this.cmd('POST', '/window/rect', { width, height: 600 });
    for (let i = 0; i < 4; i += 1) {
      const [page, inner] = await this.run(() => [document.documentElement.scrollHeight, window.innerHeight]);
      if (page <= inner) break;
      const { height } = await this.cmd('GET', '/window/rect');
      await this.cmd('POST', '/window/rect', { width, height: Math.min(height + page - inner + 8, 4000) });
    }
    return Buffer.from(await this.cmd('GET', '/screenshot'), 'base64');
  }
}
