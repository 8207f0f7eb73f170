// Drives a real VS Code (code-server) in Debian Chromium: prompt in the A3S chat, review and change the
// proposed edit in the diff editor, allow it from the chat card, then check the answer and the edited buffer.
// Env: as harness.js, plus PNG (a base64 image to drop on the chat). Prints one JSON line of findings.
"use strict";
const fs = require("fs");
const path = require("path");
const { allowButton, editorText, newSession, openFile, run, runCommand, screenshot, send, step, toast } =
  require("./harness");

const BOTTOM_LEFT = { clip: { x: 0, y: 420, width: 700, height: 380 } };  // the chat's prompt box

run("failure.png", async (page, found) => {
  // Open app.py so the agent's change arrives as a workspace edit in an open editor.
  await openFile(page, "app.py", "y = 2");
  await runCommand(page, "View: Keep Editor");  // a pinned tab, not a preview the diff would replace
  step("app.py open");

  const chat = await newSession(page);
  step("session created");

  // Slash completion: typing "/co" offers /cost and /compact.
  await chat.locator("#prompt").fill("");
  await chat.locator("#prompt").type("/co");
  await chat.locator("#completions li", { hasText: "/cost" }).waitFor();
  found.completions = await chat.locator("#completions li b").allInnerTexts();
  await screenshot(page, "vscode-slash.png", BOTTOM_LEFT);
  await chat.locator("#prompt").fill("");

  await send(chat, "Set y to 3 in app.py");
  const allow = allowButton(chat);
  await allow.waitFor({ timeout: 60000 });
  step("confirmation asked");

  // The diff editor shows the proposed file; the user changes 3 to 30 before allowing.
  const proposed = page.locator(".monaco-diff-editor .editor.modified .view-line", { hasText: "y = 3" }).first();
  await proposed.waitFor({ timeout: 30000 });
  found.diffTitle = await page.locator(".tab.active").first().innerText();
  await proposed.click();
  await page.keyboard.press("End");
  await page.keyboard.type("0");
  await page.locator(".monaco-diff-editor .editor.modified .view-line", { hasText: "y = 30" }).first().waitFor();
  found.card = await allow.locator("xpath=../..").innerText();
  found.notification = await page.locator(".notifications-toasts .notification-list-item-message").allInnerTexts();
  await screenshot(page, "vscode-review.png");
  step("diff reviewed");

  await allow.click();
  const answer = chat.locator(".item.assistant", { hasText: "Done" });
  await answer.waitFor({ timeout: 60000 });
  await chat.locator(".item.usage").first().waitFor({ timeout: 30000 });
  step("answer streamed");
  found.answerHtml = await answer.locator(".markdown").innerHTML();
  found.thinking = await chat.locator("details.thinking summary").allInnerTexts();
  found.toolCards = await chat.locator(".item.tool .tool-head").allInnerTexts();
  found.usage = await chat.locator(".item.usage").allInnerTexts();
  found.confirmAnswer = await chat.locator(".item.confirm").allInnerTexts();

  await editorText(page, "y = 30").waitFor({ timeout: 30000 });
  found.status = await page.locator(".statusbar-item", { hasText: "A3S:" }).first().innerText();
  found.sessionLabel = await chat.locator("#sessions option").first().innerText();
  await screenshot(page, "vscode-chat.png");
  await page.locator(".editor-instance .view-line", { hasText: "y = 30" }).first().click();
  // The agent's change is an ordinary edit of the buffer: Undo takes it back, Redo brings it again.
  await page.keyboard.press("Control+Z");
  await editorText(page, "y = 2").waitFor({ timeout: 10000 });
  found.undone = true;
  await page.keyboard.press("Control+Shift+Z");
  await editorText(page, "y = 30").waitFor({ timeout: 10000 });
  await runCommand(page, "File: Save");  // (Ctrl+S does not reach the workbench in headless Chromium)
  const saved = path.join(process.env.WORKSPACE, "app.py");
  for (let i = 0; i < 50 && !fs.readFileSync(saved, "utf8").includes("y = 30"); i++) await page.waitForTimeout(200);
  step("edit saved");

  // A slash command typed in the chat, then a new session and back to the first one.
  await send(chat, "/cost");
  found.cost = await chat.locator(".item.notice", { hasText: "Cost:" }).first().innerText();
  const first = await chat.locator("#sessions").inputValue();
  await chat.locator("#new").click();
  await chat.locator("#sessions option").nth(1).waitFor({ state: "attached", timeout: 30000 });
  found.emptyAfterNew = (await chat.locator("#log .item").count()) === 0;
  await chat.locator("#sessions").selectOption(first);
  found.resumed = await chat.locator(".item.notice", { hasText: "Resumed session" }).first().innerText();
  step("slash command, new session, resume");

  // An image dropped on the chat goes with the next prompt.
  await chat.locator("body").evaluate((body, png) => {
    const bytes = Uint8Array.from(atob(png), (c) => c.charCodeAt(0));
    const data = new DataTransfer();
    data.items.add(new File([bytes], "dot.png", { type: "image/png" }));
    body.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
  }, process.env.PNG);
  await chat.locator("#attachments img").waitFor();
  await send(chat, "What is in this image?");
  found.imagePrompt = await chat.locator(".item.user", { hasText: "What is in this image?" }).innerText();
  await chat.locator(".item.assistant", { hasText: "A red dot." }).waitFor({ timeout: 30000 });
  step("image sent");

  // Steer: while a turn runs, the prompt box offers Steer beside Queue; the words reach the next model call.
  await send(chat, "List the files");
  await chat.locator("#steer").waitFor({ state: "visible", timeout: 30000 });
  found.queueLabel = await chat.locator("#send").innerText();
  await chat.locator("#prompt").type("only python files");
  await screenshot(page, "vscode-steer.png", BOTTOM_LEFT);
  await chat.locator("#steer").click();
  found.steered = await chat.locator(".item.user", { hasText: "only python files" }).innerText();
  const allowRead = allowButton(chat);  // the read asks first
  await allowRead.waitFor({ timeout: 30000 });
  await allowRead.click();
  await chat.locator(".item.assistant", { hasText: "Listed the Python files." }).waitFor({ timeout: 30000 });
  await chat.locator("#steer").waitFor({ state: "hidden", timeout: 10000 });
  found.sendLabel = await chat.locator("#send").innerText();
  step("steered");

  // A slow answer, cancelled with the Cancel button.
  await send(chat, "Take your time");
  await chat.locator("#cancel").waitFor({ state: "visible", timeout: 30000 });
  await chat.locator("#cancel").click();
  await chat.locator(".item.notice", { hasText: "Cancelled." }).waitFor({ timeout: 30000 });
  await chat.locator("#cancel").waitFor({ state: "hidden", timeout: 10000 });
  found.cancelled = true;
  step("turn cancelled");

  // Explain the current file from the palette: the prompt carries the code; the answer lands in the chat.
  await page.locator(".editor-instance .view-line", { hasText: "y = 30" }).first().click();
  await runCommand(page, "A3S: Explain");
  await chat.locator(".item.assistant", { hasText: "It sets x and y." }).waitFor({ timeout: 30000 });
  found.explained = true;
  step("explain");

  // Worktrees: create one from the palette, see it in the view, remove it.
  await runCommand(page, "A3S: Create Worktree");
  await page.locator(".quick-input-widget input").fill("feature-x");
  await page.keyboard.press("Enter");
  found.worktreeCreated = await toast(page, "Created worktree").innerText();
  await page.locator(".pane-header", { hasText: "Worktrees" }).click();
  await page.locator(".pane-body .monaco-list-row", { hasText: "feature-x" }).first().waitFor({ timeout: 15000 });
  found.worktreeItems = (await page.locator(".pane-body .monaco-list-row .label-name").allInnerTexts()).filter((t) => t !== "main");
  await runCommand(page, "A3S: Remove Worktree");
  await page.locator(".quick-input-list .monaco-list-row", { hasText: "feature-x" }).first().click();
  found.worktreeRemoved = await toast(page, "Removed worktree").innerText();
  step("worktrees");

  // A daemon that cannot start: a clear message, "Show log" opens the output channel.
  // (a workspace setting: the workspace folder is watched like any file)
  fs.mkdirSync(path.join(process.env.WORKSPACE, ".vscode"), { recursive: true });
  fs.writeFileSync(path.join(process.env.WORKSPACE, ".vscode", "settings.json"), JSON.stringify({ "a3s.serverCommand": ["/nonexistent/a3s-lsp"] }));
  const failure = page.locator(".notifications-toasts .notification-list-item", { hasText: "could not start" }).first();
  await failure.waitFor({ timeout: 30000 });
  found.failure = await failure.locator(".notification-list-item-message").innerText();
  await failure.locator(".monaco-button", { hasText: "Show log" }).click();
  await page.locator(".part.panel .view-lines", { hasText: "The daemon could not start" }).first().waitFor({ timeout: 15000 });
  found.statusDown = await page.locator(".statusbar-item", { hasText: "A3S:" }).first().innerText();
  found.stoppedNotice = await chat.locator(".item.notice", { hasText: "The daemon stopped" }).first().innerText();
  step("start failure reported");
});
