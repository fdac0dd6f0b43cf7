import { createServer, Socket } from 'node:net';

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, host, () => {
      const addr = srv.address();
      srv.close(() => (typeof addr === 'object' && addr ? resolve(addr.port) : reject(new Error('no port'))));
    });
  });
}

export function portAcceptsConnections(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(1000, () => done(false));
    socket.once('error', () => done(false));
    socket.connect(port, host, () => done(true));
  });
}

/** Polls until `probe` succeeds; the deadline is generous because a cold first start can take far longer than 5 s. */
export async function waitUntil(
  what: string,
  probe: () => Promise<boolean>,
  deadlineMs: number,
  exited?: Promise<unknown>,
): Promise<void> {
  const started = Date.now();
  let dead = false;
  void exited?.then(() => (dead = true));
  while (Date.now() - started < deadlineMs) {
    if (dead) throw new Error(`${what} exited during startup`);
    if (await probe()) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`${what} did not become ready within ${Math.round(deadlineMs / 1000)} s`);
}

/**
 * A free port in [min, max], tried at random: for servers that store their port where the OS's ephemeral range
 * (32768 and up on Linux) does not fit, e.g. Temporal's membership ports in a PostgreSQL `smallint`.
 */
export async function freePortInRange(min: number, max: number, host = '127.0.0.1'): Promise<number> {
  for (let tries = 0; tries < 50; tries++) {
    const port = min + Math.floor(Math.random() * (max - min + 1));
    const free = await new Promise<boolean>((resolve) => {
      const srv = createServer();
      srv.once('error', () => resolve(false));
      srv.listen(port, host, () => srv.close(() => resolve(true)));
    });
    if (free) return port;
  }
  throw new Error(`no free port in ${min}–${max} on ${host} after 50 tries`);
}
