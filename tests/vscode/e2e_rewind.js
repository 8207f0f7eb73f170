// Drives code-server in Chromium through a rewind: the agent edits the open app.py, then the palette's
// "A3S: Rewind to Before a Turn" picks the turn and the scope, and the buffer is the user's again.
// Env: CS_URL, SHOTS, PW. Prints one JSON line of findings.
"use strict";
const { chromium } = require(process.env.PW);
const fs = require("fs");
const path = require("path");

const SHOTS = process.env.SHOTS;

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

async function palette(page, label) {
  await page.keyboard.press("F1");
  const input = page.locator(".quick-input-widget input");
  await input.waitFor({ state: "visible" });
  await input.fill(">" + label);
  await page.locator(".quick-input-list .monaco-list-row", { hasText: label }).first().waitFor({ timeout: 15000 });
  await page.keyboard.press("Enter");
}

async function main() {
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
  const found = {};
  try {
    await page.goto(process.env.CS_URL, { waitUntil: "domcontentloaded" });
    await page.locator(".monaco-workbench .part.editor").waitFor({ timeout: 60000 });
    await page.locator(".statusbar-item", { hasText: "A3S:" }).first().waitFor({ timeout: 60000 });
    await page.keyboard.press("F1");
    const quick = page.locator(".quick-input-widget input");
    await quick.waitFor({ state: "visible" });
    await quick.fill("app.py");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "app.py" }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".editor-instance .view-lines", { hasText: "y = 2" }).first().waitFor();
    await palette(page, "View: Keep Editor");

    await palette(page, "A3S: New Session");
    const chat = await chatFrame(page);
    await chat.locator("#sessions option").first().waitFor({ state: "attached", timeout: 30000 });
    await chat.locator("#prompt").type("Set y to 3 in app.py");
    await chat.locator("#prompt").press("Enter");
    await chat.locator(".item.assistant", { hasText: "Set it." }).waitFor({ timeout: 60000 });
    await page.locator(".editor-instance .view-lines", { hasText: "y = 3" }).first().waitFor({ timeout: 30000 });
    found.edited = true;

    await palette(page, "A3S: Rewind to Before a Turn");
    const turn = page.locator(".quick-input-list .monaco-list-row", { hasText: "Turn 1" }).first();
    await turn.waitFor({ timeout: 15000 });
    found.turnItems = await page.locator(".quick-input-list .monaco-list-row").allInnerTexts();
    await page.screenshot({ path: path.join(SHOTS, "vscode-rewind-pick.png") });
    await page.keyboard.press("Enter");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "Files and conversation" }).first().waitFor();
    found.scopes = await page.locator(".quick-input-list .monaco-list-row .label-name").allInnerTexts();
    await page.keyboard.press("Enter");
    const toast = page.locator(".notifications-toasts .notification-list-item-message", { hasText: "Rewound" }).first();
    await toast.waitFor({ timeout: 30000 });
    found.notification = await toast.innerText();
    await page.locator(".editor-instance .view-lines", { hasText: "y = 2" }).first().waitFor({ timeout: 15000 });
    found.restored = true;
    found.sessionLabel = await chat.locator("#sessions option").first().innerText();
    await page.screenshot({ path: path.join(SHOTS, "vscode-rewind-done.png") });
    found.ok = true;
  } catch (error) {
    found.ok = false;
    found.error = String(error && error.stack || error);
    await page.screenshot({ path: path.join(SHOTS, "rewind-failure.png") }).catch(() => {});
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(JSON.stringify(found));
  process.exit(found.ok ? 0 : 1);
}

main();
