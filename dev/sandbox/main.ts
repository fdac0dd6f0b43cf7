import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { startSandbox, type ScenarioInput } from './index';

/** `npm run sandbox [-- --port 4010] [--host 127.0.0.1] [--scenario file.json] [--seed 1]`: the emulators alone. */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: process.env.SANDBOX_PORT ?? '4010' },
      host: { type: 'string', default: '127.0.0.1' },
      scenario: { type: 'string' },
      seed: { type: 'string', default: '1' },
    },
  });
  const scenario = values.scenario ? (JSON.parse(readFileSync(values.scenario, 'utf8')) as ScenarioInput) : {};
  const sandbox = await startSandbox({
    port: Number(values.port),
    host: values.host,
    scenario,
    seed: Number(values.seed),
  });
  console.log(`sandbox listening on ${sandbox.origin}`);
  console.log(`  PiAPI  base ${sandbox.piapiBaseUrl}  x-api-key: ${sandbox.apiKeys.piapi}`);
  console.log(`  Runway base ${sandbox.runwayBaseUrl}  Authorization: Bearer ${sandbox.apiKeys.runway}`);
  console.log(`  control: GET ${sandbox.origin}/__sandbox/stats, PUT /__sandbox/scenario, POST /__sandbox/reset`);
  console.log('point a worker at it with:');
  console.log(`PIAPI_BASE_URL=${sandbox.piapiBaseUrl}`);
  console.log(`PIAPI_API_KEY=${sandbox.apiKeys.piapi}`);
  console.log(`RUNWAY_BASE_URL=${sandbox.runwayBaseUrl}`);
  console.log(`RUNWAY_API_KEY=${sandbox.apiKeys.runway}`);
  console.log(`SANDBOX_ORIGIN=${sandbox.origin}`);

  const stop = (signal: string) => {
    console.log(`${signal}: stopping sandbox`);
    sandbox.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main().catch((err: unknown) => {
  console.error(err instanceof z.ZodError ? `invalid scenario:\n${z.prettifyError(err)}` : err);
  process.exit(1);
});
