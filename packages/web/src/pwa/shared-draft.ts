/**
 * Text or a link shared to Köprü waits here for the conversation it was sent to: its message box takes
 * it (once) when it opens, and the user sends it, edits it or clears it.
 */
const drafts = new Map<string, string>();

export function stageDraft(conversationId: string, text: string): void {
  drafts.set(conversationId, text);
}

/** The staged text for this conversation, removed as it is taken. */
export function takeDraft(conversationId: string): string | undefined {
  const text = drafts.get(conversationId);
  drafts.delete(conversationId);
  return text;
}
