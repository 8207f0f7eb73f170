// Drives a real VS Code (code-server) in Debian Chromium through a per-hunk review: the agent proposes a
// patch of two hunks, the user allows it from the chat card, unticks the first hunk in the picker, and then
// opens the turn's multi-file review from the notification. Env: CS_URL, SHOTS, PW. Prints one JSON line.
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

    await palette(page, "A3S: New Session");
    const chat = await chatFrame(page);
    await chat.locator("#sessions option").first().waitFor({ state: "attached", timeout: 30000 });
    await chat.locator("#prompt").type("Capitalise the first and last lines of notes.txt, and start a todo list");
    await chat.locator("#prompt").press("Enter");
    const allow = chat.locator(".item.confirm button[data-decision='allow']");
    await allow.waitFor({ timeout: 60000 });
    await page.locator(".monaco-diff-editor .editor.modified .view-line", { hasText: "LINE ONE" }).first().waitFor({ timeout: 30000 });
    await allow.click();

    // The picker lists both hunks, ticked; the user unticks the first one.
    const rows = page.locator(".quick-input-list .monaco-list-row");
    await rows.nth(1).waitFor({ timeout: 30000 });
    found.pickerTitle = await page.locator(".quick-input-title").first().innerText();
    found.rows = await rows.allInnerTexts();
    await page.keyboard.press("ArrowDown");
    await page.keyboard.press("Space");
    await page.locator(".quick-input-widget", { hasText: "1 Selected" }).waitFor({ timeout: 10000 });
    await page.waitForTimeout(800); // the picker fades in
    await page.screenshot({ path: path.join(SHOTS, "vscode-hunks.png") });
    await page.keyboard.press("Enter");

    await chat.locator(".item.assistant", { hasText: "Done" }).waitFor({ timeout: 60000 });
    found.confirmAnswer = await chat.locator(".item.confirm").allInnerTexts();

    // The turn changed two files: the notification offers one review of both.
    const toast = page.locator(".notifications-toasts .notification-list-item", { hasText: "changed." }).first();
    await toast.waitFor({ timeout: 30000 });
    found.toast = await toast.locator(".notification-list-item-message").innerText();
    await toast.locator(".monaco-button", { hasText: "Review changes" }).click();
    await page.locator(".tab.active", { hasText: "A3S turn" }).first().waitFor({ timeout: 30000 });
    await page.waitForTimeout(1500);
    found.reviewTab = await page.locator(".tab.active").first().innerText();
    found.reviewText = await page.locator(".part.editor").first().innerText();
    await page.screenshot({ path: path.join(SHOTS, "vscode-turn-review.png") });
    found.ok = true;
  } catch (error) {
    found.ok = false;
    found.error = String((error && error.stack) || error);
    await page.screenshot({ path: path.join(SHOTS, "review-failure.png") }).catch(() => {});
  } finally {
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(JSON.stringify(found));
  process.exit(found.ok ? 0 : 1);
}

main();
