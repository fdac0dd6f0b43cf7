import { loadWebhookReceiverEnv } from '../../config/environment';
import { piapiWebhookPath } from '../../contract/provider-webhook';
import type { Command } from '../command';
import { exitCodes, UsageError } from '../errors';
import { noSetupCheck, withTemporal } from '../session';

export const webhooksCommand: Command = {
  name: 'webhooks',
  summary: "Run the webhook receiver on its own: verifies PiAPI's notifications and delivers them to their scenes",
  usage: {
    positionals: [],
    options: {},
    noJson: true,
    details: [
      'For deployments that keep the public receiver apart from the workers (which serve it themselves when',
      "WEBHOOK_PORT is set). Reads WEBHOOK_SECRET (the same as the workers'), WEBHOOK_PORT and WEBHOOK_HOST",
      '(127.0.0.1), and the Temporal connection as in `scene-video --help`. POST ' + piapiWebhookPath + '<token>:',
      'x-webhook-secret must match and the token must be signed with the secret (401/403 otherwise); the task goes to',
      'the scene run and attempt the token names as a signal (503 while Temporal is unreachable, so PiAPI resends).',
      'Each refusal is printed on stderr; Ctrl-C or SIGTERM stops it. Exit codes: 0 stopped, 1 could not connect or',
      'listen, 2 invalid environment.',
    ],
  },
  ownsSignals: true,
  async run(_args, { env, out }) {
    let receiverEnv;
    try {
      receiverEnv = loadWebhookReceiverEnv(env);
    } catch (err) {
      throw new UsageError((err as Error).message, 'Set the variables named above; see `scene-video webhooks --help`.');
    }
    /* eslint-disable @typescript-eslint/no-require-imports -- tsx/cjs cannot import() .ts files; see commands/index.ts */
    const { startWebhookServer } = require('../../webhooks/receiver') as typeof import('../../webhooks/receiver');
    /* eslint-enable @typescript-eslint/no-require-imports */
    await withTemporal(
      env,
      async ({ client }) => {
        const server = await startWebhookServer({
          secret: receiverEnv.WEBHOOK_SECRET,
          client: client.workflow,
          host: receiverEnv.WEBHOOK_HOST,
          port: receiverEnv.WEBHOOK_PORT,
          report: (outcome, message) => {
            if (!['delivered', 'stale', 'queued', 'repeat'].includes(outcome)) out.warn(`${outcome}: ${message}`);
          },
        });
        out.text(`Webhook receiver on http://${server.address}${piapiWebhookPath}… (Ctrl-C stops it)`);
        await new Promise<void>((resolve) => {
          process.once('SIGINT', resolve);
          process.once('SIGTERM', resolve);
        });
        await server.close();
      },
      noSetupCheck,
    );
    return exitCodes.ok;
  },
};
