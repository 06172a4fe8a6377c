import { execFileSync, spawn, spawnSync, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { Client } from 'pg';

/** A PostgreSQL server started for the tests, on loopback, in a temporary directory. */
export interface TestPostgres {
  /** A connection URL to a fresh database of its own. */
  newDatabase(): Promise<string>;
  stop(): Promise<void>;
}

function findBinDir(): string {
  const candidates = ['/usr/lib/postgresql/15/bin', ...fs.existsSync('/usr/lib/postgresql') ? fs.readdirSync('/usr/lib/postgresql').map((v) => `/usr/lib/postgresql/${v}/bin`) : []];
  const found = candidates.find((d) => fs.existsSync(path.join(d, 'postgres')));
  if (!found) throw new Error('PostgreSQL server binaries not found (apt-get install postgresql-15; .ci/run does it)');
  return found;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

/**
 * initdb + postgres on 127.0.0.1:<free port>, trust authentication, data in a temporary directory.
 * As root (CI), the server runs as the `postgres` system user: PostgreSQL refuses to run as root.
 */
export async function startPostgres(options: { fsync?: boolean } = {}): Promise<TestPostgres> {
  const bin = findBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'crdb-pg-'));
  const data = path.join(dir, 'data');
  const asRoot = process.getuid?.() === 0;
  const wrap = (cmd: string, args: string[]): [string, string[]] => (asRoot ? ['runuser', ['-u', 'postgres', '--', cmd, ...args]] : [cmd, args]);
  if (asRoot) {
    fs.chmodSync(dir, 0o755);
    execFileSync('chown', ['postgres:postgres', dir]);
    // Every folder above must let the postgres user through (a TMPDIR made by mktemp -d does not).
    if (spawnSync('runuser', ['-u', 'postgres', '--', 'test', '-w', dir]).status !== 0) {
      throw new Error(`PostgreSQL runs as the postgres user, which cannot reach ${dir}: make the folders of TMPDIR (${os.tmpdir()}) traversable by others (chmod o+x)`);
    }
  }
  execFileSync(...wrap(path.join(bin, 'initdb'), ['-D', data, '-U', 'test', '--auth=trust', '-E', 'UTF8', '--no-sync']), { stdio: 'pipe' });
  const port = await freePort();
  const [cmd, args] = wrap(path.join(bin, 'postgres'), ['-D', data, '-p', String(port), '-k', dir, '-c', 'listen_addresses=127.0.0.1',
    '-c', `fsync=${options.fsync ? 'on' : 'off'}`, '-c', 'max_connections=100']);
  const server: ChildProcess = spawn(cmd, args, { stdio: 'ignore' });
  const base = `postgresql://test@127.0.0.1:${port}`;
  for (let i = 0; ; i++) {
    const c = new Client({ connectionString: `${base}/postgres` });
    try {
      await c.connect();
      await c.end();
      break;
    } catch (e) {
      await c.end().catch(() => undefined);
      if (i > 100) throw new Error(`PostgreSQL did not start: ${(e as Error).message}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  let n = 0;
  return {
    async newDatabase() {
      const name = `load_${process.pid}_${n++}`;
      const c = new Client({ connectionString: `${base}/postgres` });
      await c.connect();
      await c.query(`CREATE DATABASE ${name}`);
      await c.end();
      return `${base}/${name}`;
    },
    async stop() {
      const exited = new Promise((r) => server.once('exit', r));
      execFileSync(...wrap(path.join(bin, 'pg_ctl'), ['-D', data, 'stop', '-m', 'fast']), { stdio: 'pipe' });
      await exited;
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}
