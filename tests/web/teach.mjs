// Drives the page of `shequ teach` in headless Chromium as a teacher would, for the test
// tests/integration/teach.rs: loads it from file://, moves a slider, runs, runs A/B, switches
// language, calls window.shequ.run and takes a screenshot. Prints one JSON object on stdout;
// exits non-zero with a message when a step fails.
//
// usage: node teach.mjs PAGE.html SCENARIO.toml SEED REPS YEARS SCREENSHOT.png
import { readFileSync } from "node:fs";
import { pathToFileURL } from "node:url";
import { chromium } from "playwright-core";

const [page_path, scenario_path, seed, reps, years, shot] = process.argv.slice(2);
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
  args: ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run", "--disable-dev-shm-usage"],
});
const out = {};
try {
  const page = await browser.newPage({ viewport: { width: 1400, height: 1000 } });
  const errors = [];
  page.on("pageerror", (e) => errors.push(String(e)));
  page.on("console", (m) => { if (m.type() === "error") errors.push(m.text()); });
  await page.goto(pathToFileURL(page_path).href);
  const done = async (what) => {
    await page.waitForFunction(() => ["done", "error"].includes(document.getElementById("status").dataset.state), null, { timeout: 120000 });
    const st = await page.$eval("#status", (e) => [e.dataset.state, e.textContent]);
    if (st[0] !== "done") throw new Error(`${what}: ${st[1]}`);
    return st[1];
  };
  const sliders = await page.$$eval("#levers input[type=range]", (l) => l.length);
  const switches = await page.$$eval("#levers input[type=checkbox]", (l) => l.length);
  out.levers = sliders + switches;
  out.presets = await page.$$eval("#presets button", (l) => l.length);
  // Move a slider: the guided fee to 3.0, then run (2 replications, 2 years to be quick).
  await page.fill("#reps", "2");
  await page.fill("#years", "2");
  await page.fill("#lever-property-guided_price", "3");
  out.slider_marked = await page.$eval("#lever-property-guided_price", (e) => e.closest(".lever").classList.contains("changed"));
  await page.click("#run");
  out.run = await done("run");
  // A/B: A the baseline, B strict enforcement; the difference charts show.
  await page.click("#ab");
  await page.click("#arm-b");
  await page.click('#presets button[data-file="strict_enforcement.toml"]');
  await page.click("#run");
  out.ab = await done("A/B run");
  out.diff_charts = await page.$$eval("canvas.diff", (l) => l.filter((c) => c.offsetHeight > 0).length);
  out.legend_en = await page.$eval("#legend", (e) => e.textContent);
  // Language switch.
  await page.click("#lang-zh");
  out.html_lang = await page.$eval("html", (e) => e.lang);
  out.legend_zh = await page.$eval("#legend", (e) => e.textContent);
  out.first_chart_zh = await page.$eval("#charts h3", (e) => e.textContent);
  out.first_lever_zh = await page.$eval("#levers .lever span", (e) => e.textContent);
  out.status_zh = await page.$eval("#status", (e) => e.textContent);
  // The scripting API against native `shequ run`.
  const scenario = readFileSync(scenario_path, "utf8");
  const t0 = Date.now();
  const r = await page.evaluate(
    (a) => window.shequ.run(a),
    { scenario, seed: Number(seed), reps: Number(reps), years: Number(years) },
  );
  out.api_ms = Date.now() - t0;
  // Again, now that the module is compiled: one 2,500-household community for 20 years.
  const t1 = Date.now();
  await page.evaluate((a) => window.shequ.run(a), { scenario, seed: 1, reps: 1, years: 20 });
  out.one_run_ms = Date.now() - t1;
  out.csv = r.csv;
  out.rows = r.timeseries.length;
  // Every object's numbers as the page gives them, to compare as f64 with timeseries.csv:
  // as JavaScript's shortest round-trip text (a JSON number could be read back inexactly).
  out.timeseries = r.timeseries.map((o) => Object.fromEntries(Object.entries(o).map(([k, v]) => [k, String(v)])));
  // A refused scenario is a rejected promise with the scenario error.
  out.refused = await page.evaluate(() => window.shequ.run({ scenario: "[world]\ncommunitees = 1\n" }).then(() => "", (e) => String(e.message)));
  // The lesson's last step (the hysteresis experiment), run in full: the docs' screenshot.
  await page.click("#tab-lesson");
  out.steps = await page.$$eval(".step", (l) => l.length);
  await page.click("#step-" + out.steps);
  out.lesson = await done("the lesson's last step");
  out.banner = await page.$eval("#banner", (e) => e.textContent);
  await page.screenshot({ path: shot, fullPage: false });
  out.errors = errors;
  process.stdout.write(JSON.stringify(out));
} catch (e) {
  process.stderr.write(`teach.mjs: ${e.stack || e}\n${JSON.stringify(out).slice(0, 2000)}\n`);
  process.exitCode = 1;
} finally {
  await browser.close();
}
