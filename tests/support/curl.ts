/** A curl command of the docs as the request it sends, so tests can run the docs as written. */
export interface CurlRequest {
  readonly method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  /** Path and query, e.g. `/sandbox/leads/lead-1`. */
  readonly url: string;
  readonly headers: Record<string, string>;
  readonly body?: string;
  /** The `#` comment lines just above the command. */
  readonly comment: string;
}

/** Splits a shell line into words, honouring single quotes (all the docs use). */
function words(line: string): string[] {
  return [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? '');
}

function request(line: string, comment: string): CurlRequest {
  const args = words(line);
  let method: string | undefined;
  let url = '';
  let body: string | undefined;
  const headers: Record<string, string> = {};
  for (let i = 1; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (arg === '-X') method = args[++i];
    else if (arg === '-d') body = args[++i];
    else if (arg === '-H') {
      const [name = '', ...value] = (args[++i] ?? '').split(':');
      headers[name.trim().toLowerCase()] = value.join(':').trim();
    } else if (!arg.startsWith('-')) {
      const parsed = new URL(`http://${arg.replace(/^https?:\/\//, '')}`);
      url = parsed.pathname + parsed.search;
    }
  }
  method ??= body === undefined ? 'GET' : 'POST';
  return { method: method as CurlRequest['method'], url, headers, body, comment };
}

/** The curl commands of a shell block, in order, continuation lines joined. */
export function curlRequests(shell: string): CurlRequest[] {
  const requests: CurlRequest[] = [];
  let comment: string[] = [];
  for (const line of shell.replace(/\\\n\s*/g, ' ').split('\n')) {
    if (line.startsWith('#')) comment.push(line.replace(/^#\s?/, ''));
    else if (line.startsWith('curl ')) {
      requests.push(request(line, comment.join(' ')));
      comment = [];
    } else if (line.trim() === '') comment = [];
  }
  return requests;
}
