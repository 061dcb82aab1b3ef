/**
 * Name grammars. The databases enforce the same grammars with CHECK constraints; these copies
 * give a clear error before a statement is sent.
 */

/** `segment.segment`, each segment lower_snake and starting with a letter: `ticket.status_changed`. */
export const EVENT_TYPE_PATTERN = /^[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*$/;
export const EVENT_TYPE_MAX_LENGTH = 100;

/** A single lower_snake segment: `ticket`, `time_entry`. */
export const CONTEXT_TYPE_PATTERN = /^[a-z][a-z0-9_]*$/;
export const CONTEXT_TYPE_MAX_LENGTH = 64;
export const CONTEXT_ID_MAX_LENGTH = 200;

/** Whether `name` is a valid event type name. */
export function isEventTypeName(name: string): boolean {
  return name.length <= EVENT_TYPE_MAX_LENGTH && EVENT_TYPE_PATTERN.test(name);
}

/** Whether `name` is a valid context type name. */
export function isContextTypeName(name: string): boolean {
  return name.length <= CONTEXT_TYPE_MAX_LENGTH && CONTEXT_TYPE_PATTERN.test(name);
}

/** Whether `id` is a valid context id: 1 to 200 characters without control characters. */
export function isContextId(id: string): boolean {
  // eslint-disable-next-line no-control-regex
  return id.length > 0 && id.length <= CONTEXT_ID_MAX_LENGTH && !/[\u0000-\u001f\u007f]/.test(id);
}

/** `ticket/T-1042`: how a context is written in messages, URLs and CloudEvents subjects. */
export function formatContext(context: { readonly type: string; readonly id: string }): string {
  return `${context.type}/${context.id}`;
}
