/**
 * Text that came from outside (Vault, or whatever answers at the configured URL), made fit for an
 * error message or a log line: only the shapes Vault documents are read, terminal control is
 * stripped, and every credential the request carried is scrubbed, even when the server echoes
 * it. Vault does echo one: a Secret ID that lost a race for its last use comes back as
 * `invalid secret_id "<the Secret ID>"` (hashicorp/vault builtin/credential/approle/path_login.go,
 * pathLoginUpdate; docs/vault-behaviour.md §14.2).
 */

/** Vault sends one or two; a longer list is not Vault's. */
const MAX_ERRORS = 5;
export const REDACTED = '[redacted]';
const ELLIPSIS = '…';

/** Vault's `{"errors": ["…"]}`: its strings, only; any other shape or element is ignored. */
export function vaultErrorsOf(body: unknown): string[] {
  if (typeof body !== 'object' || body === null) return [];
  const errors = (body as { errors?: unknown }).errors;
  if (!Array.isArray(errors)) return [];
  return errors.filter((e): e is string => typeof e === 'string').slice(0, MAX_ERRORS);
}

/**
 * Where a credential was, until the text is one line: NUL is a control character like any other
 * (removed from the input first), so it cannot join an escape sequence in the text, as the
 * marker's own `[` would after an ESC.
 */
const SCRUBBED = '\0';

/**
 * One line of at most `max` characters, with no control character and no credential from
 * `secrets`. Credentials are scrubbed before anything else, so text around one cannot eat a piece
 * of it and leave the rest; again once control characters are stripped, so one split by an escape
 * sequence (`ab\x1b[0mcd`) is caught too; and both before the text is cut, so one cut in half at
 * the cap never shows its prefix.
 */
export function cleanText(text: string, secrets: readonly string[], max = 300): string {
  const forms = secretForms(secrets);
  const line = scrub(oneLine(scrub(String(text).replace(/\0/g, ''), forms)), forms);
  const capped = cap(line.replace(/\0+/g, REDACTED), max);
  // A credential built from the marker or the ellipsis (absurd, but then this would print it).
  if (!contains(capped, forms)) return capped;
  return !contains(REDACTED, forms) && REDACTED.length <= max ? REDACTED : '';
}

/**
 * Every spelling a credential may arrive in: as sent, JSON-escaped (also Go's `\u003c` style),
 * URL-encoded (either hex case, `+` for space), and as `oneLine` leaves each of them.
 */
function secretForms(secrets: readonly string[]): string[] {
  const forms = new Set<string>();
  for (const secret of secrets) {
    if (typeof secret !== 'string') continue;
    const json = JSON.stringify(secret).slice(1, -1);
    const goJson = json.replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
    const url = encodeURIComponent(secret);
    for (const form of [secret, json, goJson, url, url.toLowerCase(), url.replace(/%20/g, '+'), encodeURI(secret)]) {
      forms.add(form);
      forms.add(oneLine(form).replace(/\0/g, ''));
    }
  }
  forms.delete(''); // an empty credential would match everywhere
  return [...forms];
}

function contains(text: string, forms: readonly string[]): boolean {
  return forms.some((form) => text.includes(form));
}

/** Every (possibly overlapping) occurrence of any form is replaced, one SCRUBBED per covered stretch. */
function scrub(text: string, forms: readonly string[]): string {
  const spans: Array<[number, number]> = [];
  for (const form of forms) {
    for (let at = text.indexOf(form); at !== -1; at = text.indexOf(form, at + 1)) spans.push([at, at + form.length]);
  }
  let out = '';
  let done = 0;
  for (const [start, end] of mergedSpans(spans)) {
    out += text.slice(done, start) + SCRUBBED;
    done = end;
  }
  return out + text.slice(done);
}

/** Overlapping and touching spans joined, in order. */
function mergedSpans(spans: Array<[number, number]>): Array<[number, number]> {
  const merged: Array<[number, number]> = [];
  for (const [start, end] of [...spans].sort((a, b) => a[0] - b[0])) {
    const last = merged[merged.length - 1];
    if (last && start <= last[1]) last[1] = Math.max(last[1], end);
    else merged.push([start, end]);
  }
  return merged;
}

/**
 * Terminal escape sequences (ECMA-48): control strings (OSC `ESC]0;title BEL`, DCS, SOS, PM, APC,
 * ended by BEL or ST), CSI (`ESC[2J`), and the two-character rest. 8-bit C1 introducers (0x9B…)
 * are removed alone, like any C1 character: read as sequences they would swallow the text after
 * them, and without their introducer the parameters are plain text.
 */
const ESCAPE_SEQUENCE = new RegExp(
  ['\\x1b[\\]PX^_][^\\x07\\x1b\\x9c]*(?:\\x07|\\x1b\\\\|\\x9c)', '\\x1b\\[[0-?]*[ -/]*[@-~]', '\\x1b[ -/]*[0-~]'].join('|'),
  'g',
);
/** Tab, LF, VT, FF, CR: they separate words. */
const LINE_CONTROL = /[\t\n\v\f\r]/g;
/** The rest of C0 but NUL (SCRUBBED), DEL, C1, and the bidirectional controls that reorder what a reader sees. */
// eslint-disable-next-line no-control-regex -- finding control characters is this pattern's job
const OTHER_CONTROL = /[\x01-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/g;

function oneLine(text: string): string {
  return text
    .replace(ESCAPE_SEQUENCE, '')
    .replace(LINE_CONTROL, ' ')
    .replace(OTHER_CONTROL, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/** At most `max` characters, the last an ellipsis when cut; never half of a surrogate pair. */
function cap(text: string, max: number): string {
  const limit = Math.floor(max);
  if (text.length <= limit) return text;
  if (!(limit >= 1)) return '';
  let end = limit - ELLIPSIS.length;
  if (end > 0 && /[\ud800-\udbff]/.test(text[end - 1])) end--;
  return text.slice(0, end).trimEnd() + ELLIPSIS;
}
