/**
 * The inline-completion context as LSP 3.18 spells it, from VS Code's.
 *
 * vscode-languageclient 9.0.1 puts VS Code's `InlineCompletionContext` into `textDocument/inlineCompletion`
 * as it is (`codeConverter.asInlineCompletionParams`), but the two enums differ: VS Code's
 * `InlineCompletionTriggerKind` is Invoke = 0, Automatic = 1; LSP 3.18's is Invoked = 1, Automatic = 2
 * (specification, "InlineCompletionTriggerKind"). The daemon (lsprotocol) rejected 0 as invalid params, so
 * "Trigger Inline Suggestion" (Alt+\) never reached the completion model, and automatic requests arrived as
 * "invoked". `selectedCompletionInfo.range` is a `vscode.Range`; it goes out as a plain LSP range.
 */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** The parts of `vscode.InlineCompletionContext` that go on the wire (a `vscode.Range` fits `Range`). */
export interface EditorInlineContext {
  triggerKind: number;
  selectedCompletionInfo?: { range: Range; text: string };
}

/** LSP 3.18 `InlineCompletionContext`: `triggerKind` 1 (Invoked) or 2 (Automatic). */
export interface ProtocolInlineContext {
  triggerKind: 1 | 2;
  selectedCompletionInfo?: { range: Range; text: string };
}

/** VS Code's Invoke (0) becomes Invoked (1), anything else Automatic (2); the selected item keeps its text. */
export function toProtocolInlineContext(context: EditorInlineContext): ProtocolInlineContext {
  const info = context.selectedCompletionInfo;
  const position = (p: Position): Position => ({ line: p.line, character: p.character });
  return {
    triggerKind: context.triggerKind === 0 ? 1 : 2,
    ...(info ? { selectedCompletionInfo: { range: { start: position(info.range.start), end: position(info.range.end) }, text: info.text } } : {}),
  };
}
