// The interface between the interop runner and a stack (tests/interop/stacks/<id>/stack.mjs).
// Types only: documented in tests/interop/README.md.

/**
 * One expectation on one entry of the scenario's HAR. The entry is the first (or the
 * `nth`, 0-based) whose URL contains `url`, with this method and status.
 * @typedef {object} Expectation
 * @property {string} url a substring of the entry's URL (path, or path and query)
 * @property {string} [method] default GET
 * @property {number} status the status the server answered (this is checked too)
 * @property {string | null} top the finding that must rank first; null: no finding at all
 * @property {string[]} [absent] findings that must not be raised on this entry
 * @property {number} [nth] which matching entry, 0-based (default 0)
 */

/**
 * What a stack's start() returns.
 * @typedef {object} Server
 * @property {string} version the server software and version, e.g. 'lighttpd/1.4.69'
 * @property {string} origin where the browser reaches it, e.g. 'http://127.0.0.1:PORT'
 * @property {() => Promise<void>} stop
 * @property {() => string} logs everything the server(s) logged so far
 * @property {{ host: string, port: number }} [proxy] a forward proxy under test (squid):
 *   while this stack runs, the recording tap sends every request on to it
 * @property {Record<string, any>} [data] anything else the scenarios need
 */

/**
 * How a scenario answers the browser's own sign-in prompt (Basic, Digest, proxy).
 * @typedef {{ username: string, password: string } | 'cancel'} AuthAnswer
 */

/**
 * The browser tab a scenario drives, and its recorder.
 * @typedef {object} ScenarioPage
 * @property {import('puppeteer-core').Page} page
 * @property {(answers: AuthAnswer[]) => void} setAuthAnswers the next prompts get these
 *   answers in order; every prompt after them is cancelled (so a wrong password does not
 *   loop)
 */

/**
 * Helpers the runner hands to start() and run().
 * @typedef {object} Context
 * @property {string} root the repository
 * @property {string} python the interop venv's python
 * @property {string} dir the stack's folder
 * @property {() => Promise<number>} freePort
 * @property {(cmd: string, args: string[], opts?: SpawnOptions) => Promise<Proc>} spawn
 * @property {(page: import('puppeteer-core').Page, user: string, pass: string) => void} answerAuth
 *   answer the next prompt with these credentials, cancel the ones after it
 * @property {(page: import('puppeteer-core').Page) => void} cancelAuth cancel every prompt
 * @property {(page: import('puppeteer-core').Page, url: string, init?: RequestInit) => Promise<FetchResult>} fetchFromPage
 *   fetch() from the page's context (its cookies, its origin)
 * @property {(ms: number) => Promise<void>} sleep
 * @property {(proxy: { host: string, port: number } | null) => void} useProxy for this
 *   scenario, the recording tap forwards every request to this proxy (null: directly)
 * @property {(url: string | URL, init?: { method?: string, headers?: any, body?: any }) => Promise<Response>} nodeFetch
 *   a fetch() for client libraries that run in Node (openid-client): plain http through
 *   the recording tap, so their requests are legs of the scenario's HAR like the browser's
 */

/**
 * @typedef {object} FetchResult
 * @property {number} status
 * @property {Record<string, string>} headers
 * @property {string} body
 */

/**
 * @typedef {object} SpawnOptions
 * @property {string} [cwd]
 * @property {Record<string, string>} [env] added to process.env
 * @property {string} [readyUrl] poll until an HTTP GET to it answers (any status)
 * @property {number} [readyPort] poll until a TCP connect to 127.0.0.1:port succeeds
 */

/**
 * @typedef {object} Proc
 * @property {() => string} logs stdout and stderr so far
 * @property {() => Promise<void>} stop
 */

/**
 * @typedef {object} Scenario
 * @property {string} id file name of the fixture
 * @property {string} title
 * @property {string} did what the browser did, in words
 * @property {(page: import('puppeteer-core').Page, server: Server, ctx: Context) => Promise<void>} run
 * @property {Expectation[]} expect
 * @property {string} why why these findings: the server's documented behaviour, its log
 * @property {string} serverSaid status, challenge, body and log line, in words
 * @property {string} [knownMiss] AuthLens is known to miss this (the reason); the tests
 *   then assert that it still misses
 * @property {string} [revised] the expectation was changed after AuthLens's answer was
 *   seen, and why (listed in docs/interop.md, so that no such change is silent)
 */

/**
 * @typedef {object} Stack
 * @property {string} id its folder name
 * @property {string} title
 * @property {(ctx: Context) => Promise<Server>} start
 * @property {Scenario[]} scenarios
 */

export {};
