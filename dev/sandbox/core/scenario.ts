import { z } from 'zod';

const when = {
  /** Probability that a matching task/request is hit, drawn from the seeded PRNG. */
  rate: z.number().min(0).max(1).default(1),
  /** Hit at most this many tasks/requests (counted per fault entry), e.g. 1 for "fails once, then recovers". */
  times: z.number().int().positive().optional(),
};

/**
 * Injected failures. Create-time faults (`create_*`, `rate_limit`, `auth`, `insufficient_credits`) are drawn per
 * valid create request and leave no task behind, except `malformed_create`, which creates the (paid) task and
 * garbles the reply, the ambiguous case a client must not retry blindly (so does `oversized_create`, with a reply too big
 * to read). Task faults (`task_failed`,
 * `content_policy`, `hang`, `unsafe_url`) are drawn once per created task; `malformed_get` and `oversized_get` per task
 * poll;
 * `download_*` per GET of an output file. Runway's daily generations cap is `dailyGenerations`, not a fault: it counts
 * the tasks actually created.
 */
export const faultSchema = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('create_5xx'), ...when, status: z.number().int().min(500).max(599).default(500) }),
  z.strictObject({
    kind: z.literal('create_4xx'),
    ...when,
    status: z.number().int().min(400).max(499).default(400),
    /** Replaces the API's usual error body. */
    body: z.json().optional(),
  }),
  z.strictObject({ kind: z.literal('rate_limit'), ...when, retryAfterSec: z.number().int().nonnegative().optional() }),
  z.strictObject({ kind: z.literal('auth'), ...when }),
  z.strictObject({ kind: z.literal('insufficient_credits'), ...when }),
  z.strictObject({
    kind: z.literal('task_failed'),
    ...when,
    /** PiAPI `error.code`. */
    code: z.number().int().optional(),
    /** Runway `failureCode`. */
    failureCode: z.string().optional(),
    message: z.string().optional(),
  }),
  z.strictObject({
    kind: z.literal('content_policy'),
    ...when,
    /**
     * Which moderation refuses the task: `input` the prompt, as the queue ends (Runway: `SAFETY.INPUT.TEXT`), `output`
     * the rendered clip, once rendered (Runway: `SAFETY.OUTPUT.VIDEO`). PiAPI's failure says neither.
     */
    stage: z.enum(['input', 'output']).default('input'),
  }),
  z.strictObject({ kind: z.literal('hang'), ...when }),
  z.strictObject({ kind: z.literal('malformed_create'), ...when }),
  z.strictObject({ kind: z.literal('malformed_get'), ...when }),
  /** Creates the (paid) task, then answers 200 with a JSON body of `bytes`, or one that never ends. */
  z.strictObject({ kind: z.literal('oversized_create'), ...when, bytes: z.number().int().positive().optional() }),
  /** Answers a task poll with a 200 JSON body of `bytes`, or one that never ends. */
  z.strictObject({ kind: z.literal('oversized_get'), ...when, bytes: z.number().int().positive().optional() }),
  z.strictObject({ kind: z.literal('download_404'), ...when }),
  /** A CDN hiccup: the file is there, the request fails (with `times`, a transient one a retry gets past). */
  z.strictObject({ kind: z.literal('download_5xx'), ...when, status: z.number().int().min(500).max(599).default(503) }),
  z.strictObject({
    kind: z.literal('download_truncated'),
    ...when,
    /** Share of the body sent before the connection is cut. */
    fraction: z.number().min(0).lt(1).default(0.5),
  }),
  z.strictObject({
    kind: z.literal('download_slow'),
    ...when,
    bytesPerSec: z.number().int().positive().default(65_536),
  }),
  z.strictObject({ kind: z.literal('unsafe_url'), ...when, url: z.string().min(1) }),
]);

export type Fault = z.output<typeof faultSchema>;
export type FaultKind = Fault['kind'];

/** What a `forge` hit sends besides the genuine notification; see `webhookSchema`. */
export const forgeryKinds = ['wrong_secret', 'missing_secret', 'cross_task', 'tampered_token'] as const;
export type ForgeryKind = (typeof forgeryKinds)[number];

/**
 * PiAPI-style webhook delivery and its faults. One notification goes out per status change of a task that registered
 * an endpoint; the faults below are drawn per notification from a PRNG stream of their own (same seed), so turning them
 * on leaves every request fault where it was. Without faults a task's notifications arrive in order.
 */
const webhookSchema = z.strictObject({
  /** Redeliveries after a non-200 answer (or none): 12 × 10,000 ms outlasts a receiver down for a minute. */
  retries: z.number().int().nonnegative().max(1_000).default(3),
  /** Wait before each redelivery. */
  retryDelayMs: z.number().nonnegative().max(3_600_000).default(1000),
  /** The notification is never sent (nor redelivered): only a backstop poll learns the status. */
  lose: z.strictObject({ ...when }).optional(),
  /** The notification is delivered `copies` more times right after the first, each with its own redeliveries. */
  duplicate: z.strictObject({ ...when, copies: z.number().int().positive().max(100).default(1) }).optional(),
  /**
   * Extra wait before every notification's first delivery, fixed or drawn uniformly from `[min, max]`. Later
   * notifications of the task wait behind it, so delay alone keeps the order.
   */
  delayMs: z
    .union([
      z.number().nonnegative(),
      z
        .strictObject({ min: z.number().nonnegative(), max: z.number().nonnegative() })
        .refine((r) => r.min <= r.max, { error: 'min must not exceed max' }),
    ])
    .optional(),
  /**
   * A non-final notification is held back and sent right after the task's next one that is sent, e.g. `completed`
   * before `processing`. A task's final notification is never held, and releases a held one.
   */
  reorder: z.strictObject({ ...when }).optional(),
  /**
   * Besides a non-final (the task still runs) genuine notification, one forgery of each of `kinds`, each sent once just
   * before it, none redelivered:
   * - `wrong_secret`: this task's endpoint, a body claiming `completed` with `url` as the video, and `x-webhook-secret`
   *   the task's secret with one character changed (same length);
   * - `missing_secret`: the same without `x-webhook-secret`;
   * - `cross_task`: this task's endpoint and secret, and the latest other PiAPI task's genuine body (replayed from
   *   another endpoint); with no other task, this task's `completed` claim under a new task id;
   * - `tampered_token`: the right secret and the `completed` claim, to this task's endpoint with one character of its
   *   last path segment (the receiver's token) changed, anywhere in it, the last one included: a token compared as
   *   decoded base64url bytes may accept a changed last character, so compare the text.
   */
  forge: z
    .strictObject({
      ...when,
      kinds: z
        .array(z.enum(forgeryKinds))
        .min(1)
        .default([...forgeryKinds]),
      /** The attacker's video in the `completed` claims. */
      url: z.url().default('https://attacker.invalid/forged.mp4'),
    })
    .optional(),
});

const priceSchema = z.strictObject({
  /** PiAPI: USD; Runway: credits. */
  perSec: z.number().nonnegative().default(0),
  perTask: z.number().nonnegative().default(0),
});
export type Price = z.output<typeof priceSchema>;

const behaviourPatchSchema = z.strictObject({
  /** Time in `pending` / `PENDING` before processing starts. */
  queueMs: z.number().nonnegative().optional(),
  /** Time in `processing` / `RUNNING`; progress rises linearly over it. */
  renderMs: z.number().nonnegative().optional(),
  /** Added before every response that concerns this model. */
  latencyMs: z.number().nonnegative().optional(),
  /** Tasks holding a slot (queued or processing) at once; further tasks wait (`pending` / `THROTTLED`). */
  concurrency: z.number().int().positive().optional(),
  faults: z.array(faultSchema).optional(),
  price: priceSchema.optional(),
  /**
   * Runway only: tasks created in a rolling 24 hours (not scaled by `timeScale`); a create beyond it answers 429, as
   * Runway's maximum daily generations do.
   */
  dailyGenerations: z.number().int().nonnegative().optional(),
});

export const scenarioSchema = z.strictObject({
  /** Multiplies every configured time (queue, render, latency, webhook delays and redelivery delays). */
  timeScale: z.number().positive().default(1),
  /** Prompts containing one of these (case-insensitive) fail moderation. */
  contentPolicyWords: z.array(z.string().min(1)).default(['forbidden', 'nsfw']),
  /** Pads every served MP4 to this size with a trailing `free` box, for upload benchmarks. */
  videoBytes: z.number().int().positive().optional(),
  webhook: webhookSchema.prefault({}),
  /** The accounts' starting balances: what tasks reserve and consume comes off them in the account endpoints. */
  account: z
    .strictObject({
      /** PiAPI `GET /account/info` `equivalent_in_usd` before any task. */
      piapiUsd: z.number().nonnegative().default(1000),
      /** Runway `GET /v1/organization` `creditBalance` before any task ($0.01 each). */
      runwayCredits: z.number().nonnegative().default(100_000),
    })
    .prefault({}),
  /** The `code` of PiAPI's success envelopes: 200 as its examples show, or 0 as its schemas and own client treat it. */
  piapiSuccessCode: z.union([z.literal(200), z.literal(0)]).default(200),
  /** How long outputs stay downloadable; wall-clock times, not scaled by `timeScale`. */
  outputs: z
    .strictObject({
      /** Lifetime of Runway's signed output URLs ("expire within 24-48 hours"); a GET of the task signs a fresh one. */
      runwayUrlLifetimeMs: z
        .number()
        .positive()
        .default(24 * 3_600_000),
      /** PiAPI deletes output files this long after the task completes (undocumented there); never when unset. */
      piapiRetentionMs: z.number().nonnegative().optional(),
    })
    .prefault({}),
  /** Applies to every model unless overridden in `models`. */
  default: behaviourPatchSchema.prefault({}),
  /** Per model, keyed `piapi:<model>` or `runway:<model>`; fields override `default` one by one. */
  models: z
    .record(
      z.string().regex(/^(piapi|runway):.+$/, 'keys look like piapi:kling or runway:gen4.5'),
      behaviourPatchSchema,
    )
    .default({}),
});

export type ScenarioInput = z.input<typeof scenarioSchema>;
export type Scenario = z.output<typeof scenarioSchema>;

export interface Behaviour {
  queueMs: number;
  renderMs: number;
  latencyMs: number;
  concurrency: number | undefined;
  faults: readonly Fault[];
  price: Price;
  dailyGenerations: number | undefined;
}

const builtIn = { queueMs: 200, renderMs: 1500, latencyMs: 0, faults: [] };

/**
 * Published PAYG prices (PiAPI in USD, Runway in credits), see the reference documents' pricing sections. One figure
 * per model: variants (Veo fast, audio, Kling pro, Hailuo 01) are not priced separately; where a model's prices differ
 * by variant or duration, the dearest rate of the request the default catalogue sends (Kling 2.6 std $0.20 per 5 s;
 * Hailuo v2.3 768p $0.45 per 10 s, so $0.27 for 6 s; Veo 3.1 $0.12/s, the full model without audio).
 */
const defaultPrices: Record<string, Partial<Price>> = {
  'piapi:kling': { perSec: 0.04 },
  'piapi:luma': { perTask: 0.2 },
  'piapi:hailuo': { perSec: 0.045 },
  'piapi:Qubico/hunyuan': { perTask: 0.09 },
  'piapi:veo3.1': { perSec: 0.12 },
  'runway:gen4_turbo': { perSec: 5 },
  'runway:gen4.5': { perSec: 12 },
  'runway:veo3': { perSec: 40 },
  'runway:veo3.1': { perSec: 20 },
  'runway:veo3.1_fast': { perSec: 10 },
};

/** Times come back already multiplied by `timeScale`. */
export function resolveBehaviour(scenario: Scenario, key: string): Behaviour {
  const own = scenario.models[key] ?? {};
  const pick = <K extends keyof typeof own>(field: K) => own[field] ?? scenario.default[field];
  const scale = (ms: number) => ms * scenario.timeScale;
  return {
    queueMs: scale(pick('queueMs') ?? builtIn.queueMs),
    renderMs: scale(pick('renderMs') ?? builtIn.renderMs),
    latencyMs: scale(pick('latencyMs') ?? builtIn.latencyMs),
    concurrency: pick('concurrency'),
    faults: pick('faults') ?? builtIn.faults,
    price: pick('price') ?? { perSec: 0, perTask: 0, ...defaultPrices[key] },
    dailyGenerations: pick('dailyGenerations'),
  };
}

export function priceOf(price: Price, durationSec: number): number {
  return price.perTask + price.perSec * durationSec;
}
