import { createServer, type Server } from 'node:net';

/** Loopback listeners (IPv4 and IPv6) that count every connection: an unsafe URL must never reach one. */
export interface ConnectionTrap {
  port4: number;
  port6: number;
  connections(): number;
  close(): Promise<void>;
}

export async function startConnectionTrap(): Promise<ConnectionTrap> {
  let connections = 0;
  const listen = (host: string) =>
    new Promise<Server>((resolve, reject) => {
      const server = createServer((socket) => {
        connections++;
        socket.destroy();
      });
      server.once('error', reject);
      server.listen(0, host, () => resolve(server));
    });
  const [v4, v6] = await Promise.all([listen('127.0.0.1'), listen('::1')]);
  const portOf = (s: Server) => (s.address() as { port: number }).port;
  return {
    port4: portOf(v4),
    port6: portOf(v6),
    connections: () => connections,
    close: async () => {
      await Promise.all([v4, v6].map((s) => new Promise((r) => s.close(r))));
    },
  };
}
