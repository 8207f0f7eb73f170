// Drives a real VS Code (code-server) in Debian Chromium: prompt in the A3S chat, review and change the
// proposed edit in the diff editor, allow it from the chat card, then check the answer and the edited buffer.
// Env: CS_URL, SHOTS (screenshot dir), PW (playwright-core module path). Prints one JSON line of findings.
"use strict";
const { chromium } = require(process.env.PW);
const fs = require("fs");
const path = require("path");

const SHOTS = process.env.SHOTS;
const started = Date.now();
const steps = [];
const step = (name) => steps.push([name, Date.now() - started]);

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
    step("workbench");
    // The status bar item appears once the extension is active and the daemon answered initialize.
    await page.locator(".statusbar-item", { hasText: "A3S:" }).first().waitFor({ timeout: 60000 });
    step("extension active");

    // Open app.py so the agent's change arrives as a workspace edit in an open editor.
    await page.keyboard.press("F1");
    const quick = page.locator(".quick-input-widget input");
    await quick.waitFor({ state: "visible" });
    await quick.fill("app.py");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "app.py" }).first().waitFor();
    await page.keyboard.press("Enter");
    await page.locator(".editor-instance .view-lines", { hasText: "y = 2" }).first().waitFor();
    await palette(page, "View: Keep Editor");  // a pinned tab, not a preview the diff would replace
    step("app.py open");

    await palette(page, "A3S: New Session");
    const chat = await chatFrame(page);
    await chat.locator("#sessions option").first().waitFor({ state: "attached", timeout: 30000 });
    step("session created");

    // Slash completion: typing "/co" offers /cost and /compact.
    await chat.locator("#prompt").fill("");
    await chat.locator("#prompt").type("/co");
    await chat.locator("#completions li", { hasText: "/cost" }).waitFor();
    found.completions = await chat.locator("#completions li b").allInnerTexts();
    await page.screenshot({ path: path.join(SHOTS, "vscode-slash.png"), clip: { x: 0, y: 420, width: 700, height: 380 } });
    await chat.locator("#prompt").fill("");

    await chat.locator("#prompt").type("Set y to 3 in app.py");
    await chat.locator("#prompt").press("Enter");
    const allow = chat.locator(".item.confirm button[data-decision='allow']");
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
    await page.screenshot({ path: path.join(SHOTS, "vscode-review.png") });
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

    const edited = page.locator(".editor-instance .view-lines", { hasText: "y = 30" }).first();
    await edited.waitFor({ timeout: 30000 });
    found.status = await page.locator(".statusbar-item", { hasText: "A3S:" }).first().innerText();
    found.sessionLabel = await chat.locator("#sessions option").first().innerText();
    await page.screenshot({ path: path.join(SHOTS, "vscode-chat.png") });
    await page.locator(".editor-instance .view-line", { hasText: "y = 30" }).first().click();
    // The agent's change is an ordinary edit of the buffer: Undo takes it back, Redo brings it again.
    await page.keyboard.press("Control+Z");
    await page.locator(".editor-instance .view-lines", { hasText: "y = 2" }).first().waitFor({ timeout: 10000 });
    found.undone = true;
    await page.keyboard.press("Control+Shift+Z");
    await page.locator(".editor-instance .view-lines", { hasText: "y = 30" }).first().waitFor({ timeout: 10000 });
    await palette(page, "File: Save");  // (Ctrl+S does not reach the workbench in headless Chromium)
    const saved = path.join(process.env.WORKSPACE, "app.py");
    for (let i = 0; i < 50 && !fs.readFileSync(saved, "utf8").includes("y = 30"); i++) await page.waitForTimeout(200);
    step("edit saved");

    // A slash command typed in the chat, then a new session and back to the first one.
    await chat.locator("#prompt").type("/cost");
    await chat.locator("#prompt").press("Enter");
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
    await chat.locator("#prompt").type("What is in this image?");
    await chat.locator("#prompt").press("Enter");
    found.imagePrompt = await chat.locator(".item.user", { hasText: "What is in this image?" }).innerText();
    await chat.locator(".item.assistant", { hasText: "A red dot." }).waitFor({ timeout: 30000 });
    step("image sent");

    // Steer: while a turn runs, the prompt box offers Steer beside Queue; the words reach the next model call.
    await chat.locator("#prompt").type("List the files");
    await chat.locator("#prompt").press("Enter");
    await chat.locator("#steer").waitFor({ state: "visible", timeout: 30000 });
    found.queueLabel = await chat.locator("#send").innerText();
    await chat.locator("#prompt").type("only python files");
    await page.screenshot({ path: path.join(SHOTS, "vscode-steer.png"), clip: { x: 0, y: 420, width: 700, height: 380 } });
    await chat.locator("#steer").click();
    found.steered = await chat.locator(".item.user", { hasText: "only python files" }).innerText();
    const allowRead = chat.locator(".item.confirm button[data-decision='allow']");  // the read asks first
    await allowRead.waitFor({ timeout: 30000 });
    await allowRead.click();
    await chat.locator(".item.assistant", { hasText: "Listed the Python files." }).waitFor({ timeout: 30000 });
    await chat.locator("#steer").waitFor({ state: "hidden", timeout: 10000 });
    found.sendLabel = await chat.locator("#send").innerText();
    step("steered");

    // A slow answer, cancelled with the Cancel button.
    await chat.locator("#prompt").type("Take your time");
    await chat.locator("#prompt").press("Enter");
    await chat.locator("#cancel").waitFor({ state: "visible", timeout: 30000 });
    await chat.locator("#cancel").click();
    await chat.locator(".item.notice", { hasText: "Cancelled." }).waitFor({ timeout: 30000 });
    await chat.locator("#cancel").waitFor({ state: "hidden", timeout: 10000 });
    found.cancelled = true;
    step("turn cancelled");

    // Explain the current file from the palette: the prompt carries the code; the answer lands in the chat.
    await page.locator(".editor-instance .view-line", { hasText: "y = 30" }).first().click();
    await palette(page, "A3S: Explain");
    await chat.locator(".item.assistant", { hasText: "It sets x and y." }).waitFor({ timeout: 30000 });
    found.explained = true;
    step("explain");

    // Worktrees: create one from the palette, see it in the view, remove it.
    await palette(page, "A3S: Create Worktree");
    await page.locator(".quick-input-widget input").fill("feature-x");
    await page.keyboard.press("Enter");
    const created = page.locator(".notifications-toasts .notification-list-item-message", { hasText: "Created worktree" }).first();
    found.worktreeCreated = await created.innerText();
    await page.locator(".pane-header", { hasText: "Worktrees" }).click();
    await page.locator(".pane-body .monaco-list-row", { hasText: "feature-x" }).first().waitFor({ timeout: 15000 });
    found.worktreeItems = (await page.locator(".pane-body .monaco-list-row .label-name").allInnerTexts()).filter((t) => t !== "main");
    await palette(page, "A3S: Remove Worktree");
    await page.locator(".quick-input-list .monaco-list-row", { hasText: "feature-x" }).first().click();
    const removed = page.locator(".notifications-toasts .notification-list-item-message", { hasText: "Removed worktree" }).first();
    found.worktreeRemoved = await removed.innerText();
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
    found.ok = true;
  } catch (error) {
    found.ok = false;
    found.error = String(error && error.stack || error);
    await page.screenshot({ path: path.join(SHOTS, "failure.png") }).catch(() => {});
  } finally {
    found.steps = steps;
    await context.close();
    fs.rmSync(profile, { recursive: true, force: true });
  }
  console.log(JSON.stringify(found));
  process.exit(found.ok ? 0 : 1);
}

main();
