/**
 * The log scan: every phone number, email, key secret and survey token the run sent is looked
 * for in the whole log of the service (and its restarts), as sent and in the forms a logger
 * could turn it into (JSON-escaped, URL-encoded). Findings name the value's kind and start only.
 */
export function scanLog(log: string, sent: Iterable<string>): string[] {
  const found: string[] = [];
  for (const value of sent) {
    if (value.length < 8) continue;
    const forms = new Set([value, JSON.stringify(value).slice(1, -1), encodeURIComponent(value)]);
    for (const form of forms) {
      const at = log.indexOf(form);
      if (at >= 0) {
        found.push(`${value.slice(0, 6)}… found in the log: …${log.slice(Math.max(0, at - 80), at).replaceAll(form, '<value>')}<value>…`);
        break;
      }
    }
  }
  // A bearer secret of any key, even one the run did not note.
  const bearer = /Bearer [A-Za-z0-9_-]{16,}/.exec(log);
  if (bearer) found.push(`a bearer credential in the log: ${bearer[0].slice(0, 14)}…`);
  return found;
}
