/**
 * A local stand-in for the GitHub REST API (node:http on 127.0.0.1): the issue comment endpoints the
 * sticky comment uses, with Link-header pagination, request recording, and a `forbidden` mode that
 * answers writes the way GitHub answers a fork PR's read-only token.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RecordedRequest {
  readonly method: string;
  readonly path: string;
  readonly authorization?: string;
  readonly body?: Record<string, unknown>;
}

export interface FakeComment {
  id: number;
  body: string;
  user: { login: string; type: string };
}

export class FakeGithub {
  readonly requests: RecordedRequest[] = [];
  /** Comments per issue number. */
  readonly comments = new Map<number, FakeComment[]>();
  /** Answer POST/PATCH with 403 "Resource not accessible by integration". */
  forbidden = false;
  /** Page size the server uses (it ignores a larger per_page, like a server-side cap). */
  pageSize = 100;
  private server?: Server;
  private nextId = 1000;
  url = '';

  async start(): Promise<string> {
    this.server = createServer((req, res) => void this.handle(req, res));
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server!.close(() => resolve()));
  }

  seed(issue: number, count: number, body = (i: number) => `unrelated comment ${i}`): void {
    const list = this.comments.get(issue) ?? [];
    for (let i = 0; i < count; i++)
      list.push({ id: this.nextId++, body: body(i), user: { login: 'someone', type: 'User' } });
    this.comments.set(issue, list);
  }

  writes(): RecordedRequest[] {
    return this.requests.filter((r) => r.method === 'POST' || r.method === 'PATCH');
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', this.url);
    const body = raw ? (JSON.parse(raw) as Record<string, unknown>) : undefined;
    this.requests.push({
      method: req.method ?? '',
      path: url.pathname + url.search,
      authorization: req.headers.authorization,
      body,
    });
    const send = (status: number, data: unknown, headers: Record<string, string> = {}) => {
      res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', ...headers });
      res.end(JSON.stringify(data));
    };

    let m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/(\d+)\/comments$/.exec(url.pathname);
    if (m && req.method === 'GET') {
      const list = this.comments.get(Number(m[3])) ?? [];
      const per = Math.min(Number(url.searchParams.get('per_page') ?? 30), this.pageSize);
      const page = Number(url.searchParams.get('page') ?? 1);
      const slice = list.slice((page - 1) * per, page * per);
      const headers: Record<string, string> = {};
      if (page * per < list.length)
        headers.link = `<${this.url}${url.pathname}?per_page=${per}&page=${page + 1}>; rel="next"`;
      return send(
        200,
        slice.map((c) => this.view(m![1]!, m![2]!, Number(m![3]), c)),
        headers,
      );
    }
    if (m && req.method === 'POST') {
      if (this.forbidden) return this.forbid(send);
      const c: FakeComment = {
        id: this.nextId++,
        body: String(body?.body ?? ''),
        user: { login: 'github-actions[bot]', type: 'Bot' },
      };
      const list = this.comments.get(Number(m[3])) ?? [];
      list.push(c);
      this.comments.set(Number(m[3]), list);
      return send(201, this.view(m[1]!, m[2]!, Number(m[3]), c));
    }
    m = /^\/repos\/([^/]+)\/([^/]+)\/issues\/comments\/(\d+)$/.exec(url.pathname);
    if (m && req.method === 'PATCH') {
      if (this.forbidden) return this.forbid(send);
      for (const [issue, list] of this.comments) {
        const c = list.find((x) => x.id === Number(m![3]));
        if (c) {
          c.body = String(body?.body ?? '');
          return send(200, this.view(m[1]!, m[2]!, issue, c));
        }
      }
      return send(404, { message: 'Not Found' });
    }
    return send(404, { message: 'Not Found', path: url.pathname });
  }

  private forbid(send: (s: number, d: unknown) => void): void {
    send(403, {
      message: 'Resource not accessible by integration',
      documentation_url: 'https://docs.github.com/rest/issues/comments#create-an-issue-comment',
      status: '403',
    });
  }

  private view(owner: string, repo: string, issue: number, c: FakeComment) {
    return {
      id: c.id,
      body: c.body,
      user: c.user,
      html_url: `https://github.com/${owner}/${repo}/pull/${issue}#issuecomment-${c.id}`,
    };
  }
}
