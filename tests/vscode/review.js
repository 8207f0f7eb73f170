// Drives a real VS Code (code-server) in Debian Chromium through a per-hunk review: the agent proposes a
// patch of two hunks, the user allows it from the chat card, unticks the first hunk in the picker, and then
// opens the turn's multi-file review from the notification. Env: as harness.js. Prints one JSON line.
"use strict";
const { allowButton, newSession, run, screenshot, send } = require("./harness");

run("review-failure.png", async (page, found) => {
  const chat = await newSession(page);
  await send(chat, "Capitalise the first and last lines of notes.txt, and start a todo list");
  const allow = allowButton(chat);
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
  await screenshot(page, "vscode-hunks.png");
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
  await screenshot(page, "vscode-turn-review.png");
});
