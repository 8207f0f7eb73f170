// Drives code-server in Chromium through a rewind: the agent edits the open app.py, then the palette's
// "A3S: Rewind to Before a Turn" picks the turn and the scope, and the buffer is the user's again.
// Env: as harness.js. Prints one JSON line of findings.
"use strict";
const { editorText, newSession, openFile, run, runCommand, screenshot, send, toast } = require("./harness");

run("rewind-failure.png", async (page, found) => {
  await openFile(page, "app.py", "y = 2");
  await runCommand(page, "View: Keep Editor");

  const chat = await newSession(page);
  await send(chat, "Set y to 3 in app.py");
  await chat.locator(".item.assistant", { hasText: "Set it." }).waitFor({ timeout: 60000 });
  await editorText(page, "y = 3").waitFor({ timeout: 30000 });
  found.edited = true;

  await runCommand(page, "A3S: Rewind to Before a Turn");
  const turn = page.locator(".quick-input-list .monaco-list-row", { hasText: "Turn 1" }).first();
  await turn.waitFor({ timeout: 15000 });
  found.turnItems = await page.locator(".quick-input-list .monaco-list-row").allInnerTexts();
  await screenshot(page, "vscode-rewind-pick.png");
  await page.keyboard.press("Enter");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "Files and conversation" }).first().waitFor();
  found.scopes = await page.locator(".quick-input-list .monaco-list-row .label-name").allInnerTexts();
  await page.keyboard.press("Enter");
  const rewound = toast(page, "Rewound");
  await rewound.waitFor({ timeout: 30000 });
  found.notification = await rewound.innerText();
  await editorText(page, "y = 2").waitFor({ timeout: 15000 });
  found.restored = true;
  found.sessionLabel = await chat.locator("#sessions option").first().innerText();
  await screenshot(page, "vscode-rewind-done.png");
});
