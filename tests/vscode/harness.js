// The steps every Playwright script under tests/vscode shares: Debian Chromium on a throwaway profile, the
// code-server workbench with the extension active, Quick Open, the command palette, the A3S chat webview,
// screenshots, and the one JSON line of findings the Python side reads (tests/vscode/tooling.py).
// Env (set by run_in_code_server): CS_URL, SHOTS (screenshot dir), PW (playwright-core module path),
// WORKSPACE (the opened folder); CHROMIUM overrides /usr/bin/chromium.
"use strict";
const { chromium } = require(process.env.PW);
const fs = require("fs");
const path = require("path");

const started = Date.now();
const steps = [];
/** Records a milestone with its ms since start; the list goes out as `steps` in the findings. */
const step = (name) => steps.push([name, Date.now() - started]);

/** Headless Chromium with its own profile and XDG_CONFIG_HOME (so crashpad writes nothing under ~). */
async function launch() {
  const profile = fs.mkdtempSync(path.join(process.env.TMPDIR || "/tmp", "a3s-chromium-"));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    headless: true,
    viewport: { width: 1280, height: 800 },
    env: { ...process.env, XDG_CONFIG_HOME: profile },
    args: ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
      "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"],
  });
  const page = context.pages()[0] || (await context.newPage());
  return { context, page, profile };
}

/** Loads the workbench and waits for the extension: its status bar item appears once the daemon answered
 * initialize. */
async function openWorkbench(page) {
  await page.goto(process.env.CS_URL, { waitUntil: "domcontentloaded" });
  await page.locator(".monaco-workbench .part.editor").waitFor({ timeout: 60000 });
  step("workbench");
  await page.locator(".statusbar-item", { hasText: "A3S:" }).first().waitFor({ timeout: 60000 });
  step("extension active");
}

/** The first editor's lines containing `text` (a locator: wait on it, click it). */
const editorText = (page, text) => page.locator(".editor-instance .view-lines", { hasText: text }).first();

/** Opens `name` with Quick Open and waits until the editor shows `text`. */
async function openFile(page, name, text) {
  await page.keyboard.press("F1");
  const quick = page.locator(".quick-input-widget input");
  await quick.waitFor({ state: "visible" });
  await quick.fill(name);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: name }).first().waitFor();
  await page.keyboard.press("Enter");
  await editorText(page, text).waitFor();
}

/** Runs a command by its palette label: F1, `>label`, wait for the row, Enter. */
async function runCommand(page, label) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(">" + label);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: label }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press("Enter");
}

/** The A3S chat webview's frame (the one holding `#prompt`); webviews are nested frames, so it is looked up. */
async function chatFrame(page, timeout = 30000) {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    for (const frame of page.frames()) {
      try {
        if ((await frame.locator("#prompt").count()) > 0) return frame;
      } catch {}
    }
    await page.waitForTimeout(250);
  }
  throw new Error("the A3S chat webview did not appear");
}

/** "A3S: New Session" from the palette; returns the chat frame once the session is in its list. */
async function newSession(page) {
  await runCommand(page, "A3S: New Session");
  const chat = await chatFrame(page);
  await chat.locator("#sessions option").first().waitFor({ state: "attached", timeout: 30000 });
  return chat;
}

/** Types a prompt in the chat and sends it with Enter. The prompt is clicked first: focusing it from
 * script does not move the keyboard into the webview's frame when an editor has it (after "File: Save"
 * the keys of "/cost" once landed in app.py). */
async function send(chat, text) {
  const prompt = chat.locator("#prompt");
  await prompt.click();
  await prompt.type(text);
  await prompt.press("Enter");
}

/** The Allow button of the chat's permission cards. */
const allowButton = (chat) => chat.locator(".item.confirm button[data-decision='allow']");

/** The first toast message containing `text`. */
const toast = (page, text) =>
  page.locator(".notifications-toasts .notification-list-item-message", { hasText: text }).first();

/** A screenshot into $SHOTS/`name` (docs/images takes some of them; keep the names). */
const screenshot = (page, name, options = {}) => page.screenshot({ path: path.join(process.env.SHOTS, name), ...options });

/** Launches, opens the workbench, runs `scenario(page, found)`, prints the findings as one JSON line and
 * exits 0 when it finished (`found.ok`). On an error: `found.error` and a screenshot `failureShot`. */
async function run(failureShot, scenario) {
  const { context, page, profile } = await launch();
  const found = {};
  try {
    await openWorkbench(page);
    await scenario(page, found);
    found.ok = true;
  } catch (error) {
    found.ok = false;
    found.error = String((error && error.stack) || error);
    await screenshot(page, failureShot).catch(() => {});
  } finally {
    found.steps = steps;
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(JSON.stringify(found));
  process.exit(found.ok ? 0 : 1);
}

module.exports = {
  allowButton, chatFrame, editorText, launch, newSession, openFile, openWorkbench, run, runCommand, screenshot,
  send, step, toast,
};
