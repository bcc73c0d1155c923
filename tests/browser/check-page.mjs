// Opens one HTML page in headless Chromium and reports what a reader's browser would: console errors, page errors,
// charts without a title, a text alternative or axis labels, and any request for something other than the page
// itself. Prints one JSON object and exits 0; the Java test (ReportInBrowserIT) judges it. Exits 2 only when the
// check itself cannot run (no browser, bad arguments).
//
//   node tests/browser/check-page.mjs report.html report.png
//
// The browser is Debian's /usr/bin/chromium (override with CHROMIUM=/path), never a Playwright download.
import { chromium } from 'playwright-core';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const [htmlArg, pngArg] = process.argv.slice(2);
if (!htmlArg || !pngArg) {
  console.error('usage: node check-page.mjs <html-file> <screenshot.png>');
  process.exit(2);
}
const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
if (!existsSync(executablePath)) {
  console.error(`check-page: no browser at ${executablePath}; install Debian's chromium (./portcullis test does)`);
  process.exit(2);
}
const pageUrl = pathToFileURL(resolve(htmlArg)).href;
const screenshot = resolve(pngArg);
const result = { consoleErrors: [], pageErrors: [], charts: 0, chartProblems: [], externalRequests: [], screenshot };

// CI runs as root, where Chromium's sandbox cannot start.
const browser = await chromium.launch({ executablePath, headless: true, args: ['--no-sandbox'] });
try {
  const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
  page.on('console', (msg) => {
    if (msg.type() === 'error') result.consoleErrors.push(msg.text());
  });
  page.on('pageerror', (err) => result.pageErrors.push(String(err)));
  page.on('request', (req) => {
    if (req.url() !== pageUrl) result.externalRequests.push(req.url());
  });
  await page.goto(pageUrl, { waitUntil: 'load' });
  const checked = await page.evaluate(() => {
    const problems = [];
    const charts = [...document.querySelectorAll('svg[role=img]')];
    charts.forEach((svg, i) => {
      const name = svg.id || svg.getAttribute('aria-labelledby') || `chart ${i + 1}`;
      const title = svg.querySelector(':scope > title');
      const desc = svg.querySelector(':scope > desc');
      if (!title || !title.textContent.trim()) problems.push(`${name}: no <title>`);
      if (!desc || !desc.textContent.trim()) problems.push(`${name}: no <desc> (text alternative)`);
      const labels = [...svg.querySelectorAll('text.axis-label')].filter((t) => t.textContent.trim());
      if (labels.length < 2) problems.push(`${name}: ${labels.length} axis label(s), want 2`);
      for (const id of (svg.getAttribute('aria-labelledby') || '').split(/\s+/).filter(Boolean)) {
        if (!document.getElementById(id)) problems.push(`${name}: aria-labelledby names missing #${id}`);
      }
      const box = svg.getBoundingClientRect();
      if (box.width < 50 || box.height < 50) problems.push(`${name}: drawn ${box.width}×${box.height} px`);
      if (!svg.closest('figure')?.querySelector('figcaption')?.textContent.trim()) {
        problems.push(`${name}: no <figcaption>`);
      }
    });
    return { charts: charts.length, problems };
  });
  result.charts = checked.charts;
  result.chartProblems = checked.problems;
  await page.screenshot({ path: screenshot, fullPage: true });
} finally {
  await browser.close();
}
console.log(JSON.stringify(result));
