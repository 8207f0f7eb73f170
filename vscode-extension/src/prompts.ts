/** Prompts built from the editor (selection, diagnostics) for Send Selection, Explain and Fix Diagnostics. Pure. */

export interface CodeContext {
  path: string;
  language: string;
  startLine: number;
  endLine: number;
  text: string;
}

export interface DiagnosticInfo {
  line: number;
  severity: string;
  message: string;
  source?: string;
}

function fenced(context: CodeContext): string {
  const code = context.text.replace(/\n$/, "");
  return `${context.path}:${context.startLine}-${context.endLine}\n\`\`\`${context.language}\n${code}\n\`\`\``;
}

export function selectionPrompt(context: CodeContext): string {
  return `About this code from ${fenced(context)}`;
}

export function explainPrompt(context: CodeContext): string {
  return `Explain what this code does, and anything surprising in it:\n${fenced(context)}`;
}

export function fixPrompt(path: string, diagnostics: DiagnosticInfo[]): string {
  const lines = diagnostics.map((d) => `- line ${d.line}: ${d.severity}: ${d.message}${d.source ? ` (${d.source})` : ""}`);
  return `Fix these diagnostics in ${path}, editing the file:\n${lines.join("\n")}`;
}
