import { lookup } from 'node:dns/promises';
import { hostname } from 'node:os';
import { isPublicAddress } from '../../../src/activities/upload/address-safety';
import type { ConnectionTrap } from '../lib/connection-trap';

export interface UnsafeUrl {
  name: string;
  url: string;
}

/** URLs a provider might hand back that point into the worker's own network, or use a scheme other than https. */
export async function unsafeUrls(trap: ConnectionTrap): Promise<UnsafeUrl[]> {
  const urls: UnsafeUrl[] = [
    { name: 'cloud metadata (link-local)', url: 'https://169.254.169.254/latest/meta-data' },
    { name: 'plain http', url: 'http://example.com/x.mp4' },
    { name: 'loopback', url: `https://127.0.0.1:${trap.port4}/x.mp4` },
    { name: 'IPv6 loopback', url: `https://[::1]:${trap.port6}/x.mp4` },
    { name: 'localhost by name', url: `https://localhost:${trap.port4}/x.mp4` },
    { name: 'private 10/8', url: 'https://10.0.0.1/x.mp4' },
    { name: 'carrier-grade NAT', url: 'https://100.64.0.1/x.mp4' },
    { name: 'IPv6 unique local', url: 'https://[fd00::1]/x.mp4' },
    { name: 'IPv4-mapped loopback', url: `https://[::ffff:127.0.0.1]:${trap.port4}/x.mp4` },
    { name: 'IPv4-compatible loopback', url: `https://[::127.0.0.1]:${trap.port4}/x.mp4` },
    { name: 'decimal loopback', url: `https://2130706433:${trap.port4}/x.mp4` },
    { name: 'plain http to loopback', url: `http://127.0.0.1:${trap.port4}/x.mp4` },
    { name: 'file scheme', url: 'file:///etc/passwd' },
  ];
  // A name that DNS resolves into the private network is only caught when connecting (no rebinding window).
  const host = hostname();
  const resolved = await lookup(host).catch(() => undefined);
  if (resolved && !isPublicAddress(resolved.address)) {
    urls.push({ name: `host name resolving to ${resolved.address}`, url: `https://${host}:${trap.port4}/x.mp4` });
  }
  return urls;
}
