// Runs every server audit of graphql-http (the GraphQL-over-HTTP conformance suite) against
// a running fascicolo and prints each check that does not pass.
//
//   FASCICOLO_AUDIT_TOKEN=<bearer token> node audit/graphql-http.mjs http://127.0.0.1:8080/graphql
//
// Exit code 0 only when every check passes (MUST, SHOULD and MAY alike), 1 otherwise, 2 on
// bad usage. The token travels in the environment, not on the command line, so `ps` does not
// show it.

import { serverAudits } from 'graphql-http';

const url = process.argv[2];
const token = process.env.FASCICOLO_AUDIT_TOKEN;
if (!url || !token) {
  console.error('usage: FASCICOLO_AUDIT_TOKEN=<token> node graphql-http.mjs <graphql url>');
  process.exit(2);
}

// Every request of the suite needs our bearer token; the suite's own headers (or their
// absence, which some checks rely on) are kept as they are.
const fetchFn = (input, init = {}) => {
  const headers = new Headers(init.headers);
  headers.set('authorization', `Bearer ${token}`);
  return fetch(input, { ...init, headers });
};

const audits = serverAudits({ url, fetchFn });
const results = await Promise.all(audits.map((audit) => audit.fn()));

const count = (status) => results.filter((r) => r.status === status).length;
for (const result of results.filter((r) => r.status !== 'ok')) {
  let detail = '';
  if (result.response) {
    const body = await result.response.text().catch(() => '<unreadable body>');
    const type = result.response.headers.get('content-type');
    detail = `\n      got ${result.response.status} (${type}): ${body.slice(0, 300)}`;
  }
  console.log(`  ${result.status.toUpperCase()} ${result.id} ${result.name}: ${result.reason}${detail}`);
}
console.log(
  `graphql-http audit of ${url}: ${count('ok')} of ${results.length} passed, ` +
    `${count('error')} errors (MUST), ${count('warn')} warnings (SHOULD), ` +
    `${count('notice')} notices (MAY)`,
);
process.exit(results.every((r) => r.status === 'ok') ? 0 : 1);
