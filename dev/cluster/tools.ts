import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { resolveTool, type Progress } from '../stack/provision';
import { tools } from '../stack/tool-versions';

const run = promisify(execFile);

export interface ClusterTools {
  server: string;
  sqlTool: string;
  uiServer: string;
  /** The server module's PostgreSQL schemas: `temporal/versioned` and `visibility/versioned` under it. */
  schemaDir: string;
}

/**
 * The pinned Temporal server, its SQL tool and the Web UI server, built on first use (one after the other: the server
 * and the tool share most packages, so the second build is mostly cache hits), and the schemas of the same module.
 */
export async function provisionCluster(progress: Progress): Promise<ClusterTools> {
  const server = await resolveTool('temporal-server', progress);
  const sqlTool = await resolveTool('temporal-sql-tool', progress);
  const uiServer = await resolveTool('temporal-ui-server', progress);
  return { server, sqlTool, uiServer, schemaDir: await serverSchemaDir() };
}

/** From Go's module cache, where the server's build left its module (downloaded again if the cache was cleaned). */
async function serverSchemaDir(): Promise<string> {
  const module = `go.temporal.io/server@${tools['temporal-server'].version}`;
  let dir: string | undefined;
  try {
    const { stdout } = await run('go', ['mod', 'download', '-json', module], { maxBuffer: 1024 * 1024 });
    dir = (JSON.parse(stdout) as { Dir?: string }).Dir;
  } catch (err) {
    throw new Error(
      `The cluster needs the PostgreSQL schemas of ${module} and \`go mod download\` could not fetch them: ` +
        `${(err as Error).message.slice(0, 300)}. Install Go (https://go.dev/dl) and check the network.`,
    );
  }
  const schemaDir = join(dir ?? '', 'schema', 'postgresql', 'v12');
  if (!dir || !existsSync(join(schemaDir, 'temporal', 'versioned')))
    throw new Error(`${module} in Go's module cache (${dir}) has no schema/postgresql/v12/temporal/versioned`);
  return schemaDir;
}
