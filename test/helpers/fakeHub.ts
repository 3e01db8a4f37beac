/**
 * A local stand-in for the model hub's API: `GET /api/models/<repo>/tree/<sha>/<folder>?recursive=true` lists a
 * folder (LFS files with sha256, small files with their git blob id), `GET /<repo>/resolve/<sha>/<path>` serves a
 * file with Range support. Hooks corrupt a file or drop the connection once, for the store's failure paths.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';

interface HubFile {
  body: Buffer;
  lfs: boolean;
}

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const gitOid = (b: Buffer) => createHash('sha1').update(`blob ${b.length}\0`).update(b).digest('hex');

export class FakeHub {
  /** `<repo>@<sha>` → path in the repository → file. */
  private readonly trees = new Map<string, Map<string, HubFile>>();
  /** Paths served with flipped bits, once each. */
  readonly corruptOnce = new Set<string>();
  /** Path → bytes after which the connection is dropped, once. */
  readonly dropAfter = new Map<string, number>();
  readonly requests: string[] = [];

  private constructor(
    private readonly server: http.Server,
    readonly base: string,
  ) {}

  static async start(): Promise<FakeHub> {
    let hub!: FakeHub;
    const server = http.createServer((req, res) => hub.handle(req, res));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    hub = new FakeHub(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return hub;
  }

  add(repo: string, sha: string, filePath: string, body: Buffer, lfs = true): void {
    const key = `${repo}@${sha}`;
    if (!this.trees.has(key)) this.trees.set(key, new Map());
    this.trees.get(key)!.set(filePath, { body, lfs });
  }

  /** Every file under `localDir` (recursively) as `<folder>/<relative path>`; JSON files are small git files. */
  addFolder(repo: string, sha: string, folder: string, localDir: string, include: (rel: string) => boolean = () => true): void {
    const walk = (dir: string, rel: string) => {
      for (const e of readdirSync(dir)) {
        const p = path.join(dir, e);
        const r = rel ? `${rel}/${e}` : e;
        if (statSync(p).isDirectory()) walk(p, r);
        else if (include(r)) this.add(repo, sha, `${folder}/${r}`, readFileSync(p), !r.endsWith('.json'));
      }
    };
    walk(localDir, '');
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://x');
    this.requests.push(`${req.headers.range ? `${req.headers.range} ` : ''}${decodeURIComponent(u.pathname)}`);
    const tree = /^\/api\/models\/([^/]+\/[^/]+)\/tree\/([0-9a-f]{40})\/(.+)$/.exec(decodeURIComponent(u.pathname));
    if (tree) return this.list(res, tree[1]!, tree[2]!, tree[3]!);
    const file = /^\/([^/]+\/[^/]+)\/resolve\/([0-9a-f]{40})\/(.+)$/.exec(decodeURIComponent(u.pathname));
    const f = file && this.trees.get(`${file[1]}@${file[2]}`)?.get(file[3]!);
    if (!f) return void res.writeHead(404).end('Entry not found');
    this.serve(req, res, file![3]!, f);
  }

  private list(res: http.ServerResponse, repo: string, sha: string, folder: string): void {
    const files = [...(this.trees.get(`${repo}@${sha}`) ?? new Map<string, HubFile>())].filter(([p]) => p.startsWith(`${folder}/`));
    if (files.length === 0) return void res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"Entry not found"}');
    const entries = files.map(([p, f]) => ({
      type: 'file',
      path: p,
      size: f.lfs ? 134 : f.body.length,
      oid: f.lfs ? 'd'.repeat(40) : gitOid(f.body),
      ...(f.lfs ? { lfs: { oid: sha256(f.body), size: f.body.length, pointerSize: 134 } } : {}),
    }));
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(entries));
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse, filePath: string, f: HubFile): void {
    let body = f.body;
    if (this.corruptOnce.delete(filePath)) body = Buffer.from(body.map((x) => x ^ 1));
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= body.length && range) return void res.writeHead(416).end();
    const headers = { 'Content-Length': body.length - start, ...(range ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}) };
    res.writeHead(range ? 206 : 200, headers);
    const drop = this.dropAfter.get(filePath);
    if (drop !== undefined) {
      this.dropAfter.delete(filePath);
      res.write(body.subarray(start, start + drop), () => res.destroy());
      return;
    }
    res.end(body.subarray(start));
  }
}
