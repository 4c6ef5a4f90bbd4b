// Loads fascicolo's GraphiQL page in headless Chromium with every request outside the server
// refused (as on a network without the internet), runs the page's first query and prints what
// it saw as one JSON line. Usage: node graphiql.mjs <server base URL> <screenshot path>
import puppeteer from 'puppeteer-core';

const [base, screenshot] = process.argv.slice(2);
const browser = await puppeteer.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run'],
});
try {
  const page = await browser.newPage();
  await page.setViewport({ width: 1280, height: 760 });
  const foreign = [];
  const errors = [];
  await page.setRequestInterception(true);
  page.on('request', (request) => {
    const url = request.url();
    if (url.startsWith(base) || url.startsWith('data:')) {
      request.continue();
    } else {
      foreign.push(url);
      request.abort();
    }
  });
  page.on('pageerror', (error) => errors.push(String(error)));
  page.on('response', (response) => {
    if (response.status() >= 400) {
      errors.push(`${response.status()} ${response.url()}`);
    }
  });
  page.on('console', (message) => {
    // a failed response is already listed, with its address
    if (message.type() === 'error' && !message.text().startsWith('Failed to load resource')) {
      errors.push(message.text());
    }
  });
  await page.goto(`${base}/`, { waitUntil: 'networkidle0', timeout: 60000 });
  await page.waitForSelector('.graphiql-execute-button', { timeout: 60000 });
  const roles = await page.$$eval('#role option', (options) => options.map((o) => o.value));
  await page.click('.graphiql-execute-button');
  await page.waitForFunction(
    () => (document.querySelector('.result-window')?.textContent ?? '').includes('"data"'),
    { timeout: 60000 },
  );
  const result = await page.$eval('.result-window', (element) => element.textContent);
  await page.screenshot({ path: screenshot });
  console.log(JSON.stringify({ roles, foreign, errors, result }));
} finally {
  await browser.close();
}
