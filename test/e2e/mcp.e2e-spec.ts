import { auth } from '@modelcontextprotocol/sdk/client/auth.js';
import { setTimeout as sleep } from 'node:timers/promises';
import { TokenService } from '../../src/tokens/token.service';
import { startApp, type RunningApp, type TestConfig } from '../support/app';
import { approveAs, connectHeadless, HeadlessProvider } from '../support/headless-oauth';
import { startRedis } from '../support/redis';

const SANDBOX_DOCEBO = { baseUrl: 'sandbox', clientId: 'sandbox-client', clientSecret: 'sandbox-secret' };
const LEARNER_TOOLS = ['get_my_profile', 'search_courses', 'get_course', 'list_my_enrollments'];
const ADMIN_TOOLS = [...LEARNER_TOOLS, 'list_users', 'enroll_user'];

/** Gateway tokens for a sandbox user, obtained through the real flow (the SDK's auth() and the headless browser). */
async function tokensFor(gw: RunningApp, username: string, scope?: string, base = gw.url) {
  const provider = new HeadlessProvider(approveAs(username));
  expect(await auth(provider, { serverUrl: `${base}/mcp`, scope })).toBe('REDIRECT');
  expect(await auth(provider, { serverUrl: `${base}/mcp`, authorizationCode: provider.code, scope })).toBe(
    'AUTHORIZED',
  );
  return { ...provider.tokens()!, provider };
}

const MCP_HEADERS = {
  'content-type': 'application/json',
  accept: 'application/json, text/event-stream',
  'mcp-protocol-version': '2025-11-25',
};

/** One raw JSON-RPC POST to /mcp. */
async function rpc(
  gw: RunningApp,
  token: string | undefined,
  body: unknown,
  headers: Record<string, string> = {},
  base = gw.url,
) {
  const res = await fetch(`${base}/mcp`, {
    method: 'POST',
    headers: { ...MCP_HEADERS, ...(token ? { authorization: `Bearer ${token}` } : {}), ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  let parsed: Record<string, unknown> | undefined;
  try {
    parsed = JSON.parse(text) as Record<string, unknown>;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: parsed };
}

const call = (name: string, args: Record<string, unknown> = {}, id = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args },
});

describe('MCP over Streamable HTTP, as the signed-in Docebo user', () => {
  let gw: RunningApp;
  beforeAll(async () => {
    gw = await startApp();
  });
  afterAll(() => gw.close());

  it('answers a request without a token with the 401 challenge clients discover the server from', async () => {
    const res = await rpc(gw, undefined, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer scope="docebo.read docebo.write", resource_metadata="${gw.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    const bad = await rpc(gw, 'garbage', { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(bad.status).toBe(401);
    expect(bad.headers.get('www-authenticate')).toBe(
      `Bearer error="invalid_token", error_description="The access token is not valid.", scope="docebo.read docebo.write", resource_metadata="${gw.url}/.well-known/oauth-protected-resource/mcp"`,
    );
    expect(bad.headers.get('www-authenticate')).not.toContain('realm=');
  });

  it('a learner connects from scratch (401 → OAuth → tools) and every tool answers from Docebo', async () => {
    const { client, call: withAuth } = await connectHeadless(new URL(`${gw.url}/mcp`), approveAs('learner'));
    const { tools } = await withAuth(() => client.listTools());
    expect(tools.map((t) => t.name)).toEqual(LEARNER_TOOLS);
    expect(tools.find((t) => t.name === 'search_courses')).toMatchObject({
      annotations: { readOnlyHint: true },
      outputSchema: { type: 'object' },
      inputSchema: { properties: { query: { type: 'string' }, cursor: { type: 'string' } } },
    });

    const seed = gw.sandbox().data;
    const learner = seed.users.find((u) => u.username === 'learner')!;
    const profile = await withAuth(() => client.callTool({ name: 'get_my_profile', arguments: {} }));
    expect(profile.structuredContent).toEqual({
      id: learner.id,
      username: 'learner',
      firstName: learner.firstName,
      lastName: learner.lastName,
      email: learner.email,
      level: 'user',
      timezone: learner.timezone,
      language: expect.any(String),
    });
    expect((profile.content as { text: string }[])[0].text).toContain(`user id ${learner.id}`);

    const word = seed.courses[0].name.split(' ')[0];
    const search = await withAuth(() =>
      client.callTool({ name: 'search_courses', arguments: { query: word, limit: 5 } }),
    );
    const found = search.structuredContent as {
      courses: { id: number; name: string }[];
      totalCount: number;
      nextCursor?: string;
    };
    const expected = seed.courses.filter(
      (c) =>
        c.name.toLowerCase().includes(word.toLowerCase()) ||
        c.description.toLowerCase().includes(word.toLowerCase()),
    );
    expect(found.totalCount).toBe(expected.length);
    expect(found.courses).toHaveLength(Math.min(5, expected.length));
    for (const c of found.courses) expect(expected.map((e) => e.id)).toContain(c.id);
    if (expected.length > 5) {
      const next = await withAuth(() =>
        client.callTool({
          name: 'search_courses',
          arguments: { query: word, limit: 5, cursor: found.nextCursor },
        }),
      );
      const page2 = (next.structuredContent as { courses: { id: number }[] }).courses.map((c) => c.id);
      expect(page2.some((id) => found.courses.map((c) => c.id).includes(id))).toBe(false);
    }

    const course = seed.courses[3];
    const detail = await withAuth(() =>
      client.callTool({ name: 'get_course', arguments: { courseId: course.id } }),
    );
    expect(detail.structuredContent).toMatchObject({ id: course.id, name: course.name, type: course.type });

    const mine = await withAuth(() =>
      client.callTool({ name: 'list_my_enrollments', arguments: { limit: 50 } }),
    );
    const enrolled = seed.enrollmentsOf(learner.id).map((e) => e.courseId);
    const listed = (
      mine.structuredContent as { enrollments: { id: number; type?: string; status: string }[] }
    ).enrollments;
    expect(
      listed
        .filter((e) => e.type !== 'learning_plan')
        .map((e) => e.id)
        .sort(),
    ).toEqual([...enrolled].sort());
    const done = await withAuth(() =>
      client.callTool({ name: 'list_my_enrollments', arguments: { status: 'completed' } }),
    );
    const completed = (done.structuredContent as { enrollments: { status: string }[] }).enrollments;
    expect(completed.length).toBeGreaterThan(0);
    expect(completed.every((e) => e.status === 'completed')).toBe(true);
  });

  it('an administrator sees the admin tools a learner never sees, and can use them', async () => {
    const { client, call: withAuth } = await connectHeadless(new URL(`${gw.url}/mcp`), approveAs('admin'));
    const { tools } = await withAuth(() => client.listTools());
    expect(tools.map((t) => t.name)).toEqual(ADMIN_TOOLS);
    expect(tools.find((t) => t.name === 'enroll_user')?.annotations).toMatchObject({
      readOnlyHint: false,
      destructiveHint: false,
    });
    const seed = gw.sandbox().data;
    const learner = seed.users.find((u) => u.username === 'learner')!;
    const users = await withAuth(() =>
      client.callTool({ name: 'list_users', arguments: { query: learner.lastName, limit: 50 } }),
    );
    expect(
      (users.structuredContent as { users: { username: string }[] }).users.map((u) => u.username),
    ).toContain('learner');

    const course = seed.courses.find(
      (c) => !seed.enrollmentsOf(learner.id).some((e) => e.courseId === c.id),
    )!;
    const enrolled = await withAuth(() =>
      client.callTool({ name: 'enroll_user', arguments: { courseId: course.id, userId: learner.id } }),
    );
    expect(enrolled.isError).toBeFalsy();
    expect(
      gw
        .sandbox()
        .data.enrollmentsOf(learner.id)
        .some((e) => e.courseId === course.id),
    ).toBe(true);
  });

  it('a tool call with a progress token is answered as an SSE stream with progress notifications', async () => {
    const { client, call: withAuth } = await connectHeadless(new URL(`${gw.url}/mcp`), approveAs('learner'));
    const progress: unknown[] = [];
    const result = await withAuth(() =>
      client.callTool({ name: 'search_courses', arguments: { limit: 2 } }, undefined, {
        onprogress: (p) => progress.push(p),
      }),
    );
    expect((result.structuredContent as { courses: unknown[] }).courses).toHaveLength(2);
    expect(progress).toEqual([
      expect.objectContaining({ progress: 0, total: 1, message: 'Searching the Docebo catalog' }),
      expect.objectContaining({ progress: 1, total: 1 }),
    ]);
    // and the raw answer really is an event stream
    const { access_token } = await tokensFor(gw, 'learner');
    const raw = await rpc(gw, access_token, {
      ...call('search_courses', { limit: 1 }),
      params: { name: 'search_courses', arguments: { limit: 1 }, _meta: { progressToken: 7 } },
    });
    expect(raw.status).toBe(200);
    expect(raw.headers.get('content-type')).toMatch(/^text\/event-stream/);
    expect(raw.text).toContain('notifications/progress');
    expect(raw.text).toContain('"structuredContent"');
  });

  it('GET and DELETE answer 405 with Allow: POST, after authentication', async () => {
    const { access_token } = await tokensFor(gw, 'learner');
    for (const method of ['GET', 'DELETE']) {
      expect((await fetch(`${gw.url}/mcp`, { method })).status).toBe(401);
      const res = await fetch(`${gw.url}/mcp`, {
        method,
        headers: { authorization: `Bearer ${access_token}`, accept: 'text/event-stream' },
      });
      expect(res.status).toBe(405);
      expect(res.headers.get('allow')).toBe('POST');
    }
  });

  describe('bad input, each with its exact answer', () => {
    let token: string;
    beforeAll(async () => {
      token = (await tokensFor(gw, 'learner')).access_token;
    });

    it('malformed JSON → 400 parse error (-32700)', async () => {
      const res = await rpc(gw, token, '{"jsonrpc": "2.0", "id": 1, "method": ');
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        jsonrpc: '2.0',
        error: { code: -32700, message: 'Parse error: Invalid JSON' },
        id: null,
      });
    });

    it('a batch → 400 invalid request (-32600)', async () => {
      const res = await rpc(gw, token, [call('get_my_profile', {}, 1), call('get_my_profile', {}, 2)]);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        jsonrpc: '2.0',
        error: {
          code: -32600,
          message: 'Invalid Request: JSON-RPC batches are not supported; send one message per request.',
        },
        id: null,
      });
    });

    it('a JSON body that is not JSON-RPC → 400 (-32700)', async () => {
      const res = await rpc(gw, token, { hello: 'world' });
      expect(res.status).toBe(400);
      expect(res.json).toEqual({
        jsonrpc: '2.0',
        error: { code: -32700, message: 'Parse error: Invalid JSON-RPC message' },
        id: null,
      });
    });

    it('an unknown method → method not found (-32601)', async () => {
      const res = await rpc(gw, token, { jsonrpc: '2.0', id: 9, method: 'courses/teleport' });
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        jsonrpc: '2.0',
        id: 9,
        error: { code: -32601, message: 'Method not found' },
      });
    });

    it('an unknown tool → an error naming it', async () => {
      const res = await rpc(gw, token, call('drop_database'));
      expect(res.status).toBe(200);
      expect(res.json).toEqual({
        jsonrpc: '2.0',
        id: 1,
        result: {
          content: [{ type: 'text', text: 'MCP error -32602: Tool drop_database not found' }],
          isError: true,
        },
      });
    });

    it('a tool call violating the input schema → isError naming the argument', async () => {
      const res = await rpc(gw, token, call('get_course', { courseId: 'eleven' }));
      expect(res.status).toBe(200);
      const result = (res.json as { result: { isError: boolean; content: { text: string }[] } }).result;
      expect(result.isError).toBe(true);
      expect(result.content[0].text).toMatch(
        /^MCP error -32602: Input validation error: Invalid arguments for tool get_course: .*courseId/s,
      );
    });

    it('a cursor that was not issued for the query → isError that says to start over', async () => {
      const res = await rpc(gw, token, call('search_courses', { query: 'x', cursor: 'not-a-cursor' }));
      expect((res.json as { result: unknown }).result).toEqual({
        isError: true,
        content: [
          {
            type: 'text',
            text: 'The cursor is not valid; call the tool again without a cursor to start over.',
          },
        ],
      });
    });

    it('an oversized body → 413 (-32000)', async () => {
      const res = await rpc(
        gw,
        token,
        JSON.stringify({ ...call('search_courses', { query: 'x' }), pad: 'x'.repeat(1024 * 1024) }),
      );
      expect(res.status).toBe(413);
      expect(res.json).toEqual({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Payload Too Large: Request body must not exceed 1048576 bytes' },
        id: null,
      });
    });

    it('a wrong Content-Type → 415, a wrong Accept → 406', async () => {
      const ct = await rpc(gw, token, call('get_my_profile'), { 'content-type': 'text/plain' });
      expect(ct.status).toBe(415);
      expect(ct.json).toEqual({
        jsonrpc: '2.0',
        error: { code: -32000, message: 'Unsupported Media Type: Content-Type must be application/json' },
        id: null,
      });
      const accept = await rpc(gw, token, call('get_my_profile'), { accept: 'text/html' });
      expect(accept.status).toBe(406);
      expect((accept.json as { error: { code: number } }).error.code).toBe(-32000);
    });

    it('an unsupported MCP-Protocol-Version → 400', async () => {
      const res = await rpc(gw, token, call('get_my_profile'), { 'mcp-protocol-version': '1999-01-01' });
      expect(res.status).toBe(400);
      expect((res.json as { error: { message: string } }).error.message).toMatch(
        /^Bad Request: Unsupported protocol version: 1999-01-01/,
      );
    });

    it('a foreign Origin → 403 before anything runs; an allowed one gets CORS headers', async () => {
      const foreign = await rpc(gw, token, call('get_my_profile'), { origin: 'https://evil.example' });
      expect(foreign.status).toBe(403);
      expect(foreign.json).toEqual({
        jsonrpc: '2.0',
        error: {
          code: -32000,
          message: 'Forbidden: requests from origin https://evil.example are not allowed.',
        },
        id: null,
      });
      const own = await rpc(gw, token, call('get_my_profile'), { origin: gw.url });
      expect(own.status).toBe(200);
      expect(own.headers.get('access-control-allow-origin')).toBe(gw.url);
      expect(own.headers.get('access-control-expose-headers')).toBe('WWW-Authenticate, Mcp-Session-Id');
      const preflight = await fetch(`${gw.url}/mcp`, {
        method: 'OPTIONS',
        headers: { origin: gw.url, 'access-control-request-method': 'POST' },
      });
      expect(preflight.status).toBe(204);
      expect(preflight.headers.get('access-control-allow-headers')).toBe(
        'Authorization, Content-Type, MCP-Protocol-Version, Mcp-Session-Id, Last-Event-ID',
      );
    });

    it('a token in the query string is refused', async () => {
      const res = await fetch(`${gw.url}/mcp?access_token=${encodeURIComponent(token)}`, {
        method: 'POST',
        headers: MCP_HEADERS,
        body: JSON.stringify(call('get_my_profile')),
      });
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({
        error: 'invalid_request',
        error_description: 'Send the access token in the Authorization header, not in the URL or body.',
      });
      expect(res.headers.get('www-authenticate')).toContain('error="invalid_request"');
      expect(gw.logs.text()).not.toContain(token);
    });
  });
});

describe('read-only tenants and scopes', () => {
  let gw: RunningApp;
  beforeAll(async () => {
    gw = await startApp({
      tenants: {
        demo: { docebo: SANDBOX_DOCEBO },
        ro: { docebo: SANDBOX_DOCEBO, tools: { readOnly: true } },
      },
      publicUrl: 'http://127.0.0.1:{port}/t/{tenant}',
    });
  });
  afterAll(() => gw.close());

  it('a read-only tenant hides write tools even from administrators', async () => {
    const base = `${gw.url}/t/ro`;
    const { access_token } = await tokensFor(gw, 'admin', undefined, base);
    const res = await rpc(gw, access_token, { jsonrpc: '2.0', id: 1, method: 'tools/list' }, {}, base);
    const names = (res.json as { result: { tools: { name: string }[] } }).result.tools.map((t) => t.name);
    expect(names).toEqual(ADMIN_TOOLS.filter((n) => n !== 'enroll_user'));
  });

  it('a docebo.read token calling a write tool → 403 insufficient_scope naming every scope needed', async () => {
    const base = `${gw.url}/t/demo`;
    const { access_token } = await tokensFor(gw, 'admin', 'docebo.read', base);
    const claims = await gw.app
      .get(TokenService)
      .verifyAccessToken({ tenant: 'demo', issuer: base, audience: `${base}/mcp` }, access_token);
    expect(claims.scopes).toEqual(['docebo.read']);
    const res = await rpc(gw, access_token, call('enroll_user', { courseId: 1001, userId: 12303 }), {}, base);
    expect(res.status).toBe(403);
    expect(res.headers.get('www-authenticate')).toBe(
      `Bearer error="insufficient_scope", error_description="The tool enroll_user needs the docebo.write scope.", scope="docebo.read docebo.write", resource_metadata="${gw.url}/.well-known/oauth-protected-resource/t/demo/mcp"`,
    );
    // reading still works with that token
    expect((await rpc(gw, access_token, call('get_my_profile'), {}, base)).status).toBe(200);
  });

  it('a token of another tenant is refused', async () => {
    const { access_token } = await tokensFor(gw, 'learner', undefined, `${gw.url}/t/demo`);
    const res = await rpc(gw, access_token, call('get_my_profile'), {}, `${gw.url}/t/ro`);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(
      'error_description="The access token was issued for another resource."',
    );
  });
});

describe('token lifetime and introspection', () => {
  let gw: RunningApp;
  beforeAll(async () => {
    gw = await startApp({
      auth: { introspectionTtl: '1s' },
      tenants: { demo: { docebo: SANDBOX_DOCEBO, sandbox: { accessTokenTtl: '3s' } } },
    } as TestConfig);
  });
  afterAll(() => gw.close());

  it('after expiry the next call gets 401, the SDK client refreshes by itself, and the call succeeds', async () => {
    const {
      client,
      provider,
      call: withAuth,
    } = await connectHeadless(new URL(`${gw.url}/mcp`), approveAs('learner'));
    const first = provider.tokens()!;
    expect(first.expires_in).toBeLessThanOrEqual(3);
    await withAuth(() => client.callTool({ name: 'get_my_profile', arguments: {} }));
    const tokenCalls = () => gw.sandbox().stats.count('/oauth2/token', 'POST');
    const refreshesBefore = tokenCalls();
    await sleep(3500 + 5000); // past the Docebo token's 3 s and the token service's 5 s clock tolerance
    const after = await client.callTool({ name: 'get_my_profile', arguments: {} }); // no helper: the transport refreshes on its own
    expect((after.structuredContent as { username: string }).username).toBe('learner');
    expect(provider.tokens()!.access_token).not.toBe(first.access_token);
    // the gateway refreshed the Docebo token upstream while serving the client's refresh
    expect(tokenCalls()).toBe(refreshesBefore + 1);
  }, 30_000);

  it('50 concurrent calls with one fresh token cause exactly one user/session call to Docebo', async () => {
    const { access_token } = await tokensFor(gw, 'learner');
    const stats = gw.sandbox().stats;
    const before = stats.count('/manage/v1/user/session');
    const answers = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        rpc(gw, access_token, { jsonrpc: '2.0', id: i, method: 'tools/list' }),
      ),
    );
    expect(answers.every((a) => a.status === 200)).toBe(true);
    expect(stats.count('/manage/v1/user/session') - before).toBe(1);
  });

  it('a revoked Docebo token is refused once the introspection cache expires', async () => {
    const { access_token } = await tokensFor(gw, 'learner');
    const list = { jsonrpc: '2.0', id: 1, method: 'tools/list' };
    expect((await rpc(gw, access_token, list)).status).toBe(200);
    const claims = await gw.app
      .get(TokenService)
      .verifyAccessToken({ tenant: 'demo', issuer: gw.url, audience: `${gw.url}/mcp` }, access_token);
    expect(gw.sandbox().revokeToken(claims.doceboToken)).toBe(true);
    await sleep(1200); // introspectionTtl is 1 s
    const res = await rpc(gw, access_token, list);
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain(
      'error_description="Docebo no longer accepts this sign-in."',
    );
  });
});

describe('long sessions: access tokens that outlive the Docebo token', () => {
  let redis: Awaited<ReturnType<typeof startRedis>>;
  let gw: RunningApp;
  beforeAll(async () => {
    redis = await startRedis();
    gw = await startApp({
      stateStore: redis.url,
      tenants: {
        demo: {
          docebo: SANDBOX_DOCEBO,
          oauth: { longSessions: true, accessTokenTtl: '1h' },
          sandbox: { accessTokenTtl: '2s' },
        },
      },
    } as TestConfig);
  });
  afterAll(async () => {
    await gw.close();
    await redis.stop();
  });

  it('keeps working after the Docebo token expires: the gateway refreshes Docebo, the client never has to', async () => {
    const {
      client,
      provider,
      call: withAuth,
    } = await connectHeadless(new URL(`${gw.url}/mcp`), approveAs('learner'));
    const tokens = provider.tokens()!;
    expect(tokens.expires_in).toBeGreaterThan(3500); // not capped at Docebo's 2 s
    const grantsBefore = gw.sandbox().stats.count('/oauth2/token', 'POST');
    await sleep(2500);
    const profile = await withAuth(() => client.callTool({ name: 'get_my_profile', arguments: {} }));
    expect((profile.structuredContent as { username: string }).username).toBe('learner');
    expect(provider.tokens()!.access_token).toBe(tokens.access_token); // the client did not refresh
    expect(gw.sandbox().stats.count('/oauth2/token', 'POST')).toBeGreaterThan(grantsBefore); // the gateway did, upstream
    // the client's own refresh later uses the newest Docebo refresh token the gateway kept
    expect(await auth(provider, { serverUrl: `${gw.url}/mcp` })).toBe('AUTHORIZED');
    expect(provider.tokens()!.access_token).not.toBe(tokens.access_token);
    const again = await withAuth(() => client.callTool({ name: 'get_my_profile', arguments: {} }));
    expect(again.isError).toBeFalsy();
  });
});

describe('Docebo failures during tool calls', () => {
  let gw: RunningApp;
  let token: string;
  beforeAll(async () => {
    gw = await startApp({
      tenants: { demo: { docebo: { ...SANDBOX_DOCEBO, timeout: '400ms', retry: { maxAttempts: 1 } } } },
    });
    token = (await tokensFor(gw, 'learner')).access_token;
  });
  afterEach(() => gw.sandbox().faults.clear());
  afterAll(() => gw.close());

  const searchText = async () => {
    const res = await rpc(gw, token, call('search_courses', { query: 'a' }));
    expect(res.status).toBe(200);
    const result = (res.json as { result: { isError?: boolean; content: { text: string }[] } }).result;
    expect(result.isError).toBe(true);
    return result.content[0].text;
  };

  it.each([
    [
      { status: 429, retryAfter: 30 },
      'Could not search courses: Docebo is rate-limiting requests (429): Too many requests: slow down and retry later; try again shortly.',
    ],
    [
      { status: 503 },
      'Could not search courses: Docebo is temporarily unavailable (503): The platform is temporarily overloaded; retry later; try again shortly.',
    ],
    [{ status: 500 }, 'Could not search courses: Docebo failed to handle the request (500)'],
    [{ latencyMs: 1500 }, 'Could not search courses: Docebo did not answer in time; try again shortly.'],
    [
      { malformed: true },
      'Could not search courses: Docebo answered with data the gateway does not understand (200).',
    ],
    [{ reset: true }, 'Could not search courses: Docebo could not be reached; try again shortly.'],
    [{ status: 403 }, "Could not search courses: Docebo says this user's role does not allow this (403)"],
  ])('%j → an isError result: %s', async (fault, message) => {
    gw.sandbox().faults.set({ path: '/learn/v1/courses', ...fault });
    expect(await searchText()).toContain(message);
    gw.sandbox().faults.clear();
    // the gateway stays healthy and the next call works
    expect((await fetch(`${gw.url}/health/ready`)).status).toBe(200);
    const ok = await rpc(gw, token, call('search_courses', { query: 'a', limit: 1 }));
    expect((ok.json as { result: { isError?: boolean } }).result.isError).toBeFalsy();
  });

  it('Docebo answering 401 for the token inside, during a tool call, becomes an HTTP 401 so the client refreshes', async () => {
    const fresh = (await tokensFor(gw, 'learner')).access_token;
    expect((await rpc(gw, fresh, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).status).toBe(200); // introspected and cached
    gw.sandbox().faults.set({ path: '/learn/v1/courses', revoke: true, times: 1 });
    const res = await rpc(gw, fresh, call('search_courses', { query: 'a' }));
    expect(res.status).toBe(401);
    expect(res.headers.get('www-authenticate')).toContain('error="invalid_token"');
    expect(res.headers.get('www-authenticate')).toContain(
      `resource_metadata="${gw.url}/.well-known/oauth-protected-resource/mcp"`,
    );
  });

  it('Docebo down while checking a token → 503, not 401 (a transient outage must not log users out)', async () => {
    const fresh = (await tokensFor(gw, 'learner')).access_token;
    gw.sandbox().faults.set({ path: '/manage/v1/user/session', status: 503 });
    const res = await rpc(gw, fresh, { jsonrpc: '2.0', id: 1, method: 'tools/list' });
    expect(res.status).toBe(503);
    expect(res.json).toMatchObject({ error: 'temporarily_unavailable' });
    expect(res.headers.get('retry-after')).toBe('5');
    gw.sandbox().faults.clear();
    expect((await rpc(gw, fresh, { jsonrpc: '2.0', id: 1, method: 'tools/list' })).status).toBe(200);
  });
});

describe('every route needs a token unless it is public', () => {
  it('each non-public route answers 401 without a token', async () => {
    const gw = await startApp();
    try {
      const router = gw.app.getHttpAdapter().getInstance().router as {
        stack: { route?: { path: string; methods: Record<string, boolean> } }[];
      };
      const routes = router.stack
        .filter((l) => l.route && !l.route.path.includes('*'))
        .flatMap((l) =>
          Object.keys(l.route!.methods).map((m) => ({ method: m.toUpperCase(), path: l.route!.path })),
        );
      const publicRoutes = new Set([
        'GET /health/live',
        'GET /health/ready',
        'GET /metrics',
        'GET /.well-known/oauth-protected-resource',
        'GET /.well-known/oauth-protected-resource/mcp',
        'GET /.well-known/oauth-authorization-server',
        'GET /.well-known/openid-configuration',
        'GET /',
        'GET /oauth2/authorize',
        'POST /oauth2/consent',
        'GET /oauth2/callback',
        'POST /oauth2/token',
        'POST /oauth2/revoke',
        'POST /oauth2/register',
      ]);
      const guarded = routes.filter((r) => !publicRoutes.has(`${r.method} ${r.path}`));
      expect(guarded.map((r) => `${r.method} ${r.path}`).sort()).toEqual([
        'DELETE /mcp',
        'GET /mcp',
        'POST /mcp',
      ]);
      for (const r of routes) {
        const res = await fetch(`${gw.url}${r.path}`, {
          method: r.method,
          headers: { 'content-type': 'application/json' },
          body: r.method === 'GET' ? undefined : '{}',
        });
        // the bearer guard's refusal: 401 with a Bearer challenge (OAuth endpoints may answer 401 invalid_client with Basic)
        const bearerRefusal =
          res.status === 401 && (res.headers.get('www-authenticate') ?? '').startsWith('Bearer');
        expect({ route: `${r.method} ${r.path}`, bearerRefusal }).toEqual({
          route: `${r.method} ${r.path}`,
          bearerRefusal: !publicRoutes.has(`${r.method} ${r.path}`),
        });
      }
    } finally {
      await gw.close();
    }
  });
});
