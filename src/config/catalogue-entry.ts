import { z } from 'zod';
import { providerFieldsSchema } from '../contract/catalogue';
import { forAnyScene } from '../providers/capabilities';
import { settingsIssue, type RequestSettings } from '../providers/request-checks';
import { modelCapabilities, requestPrice, routeRegistry } from '../providers/routes';

/**
 * A catalogue entry as written: the business fields (names, prices, billing, strengths, boosts, priority) and the model
 * to ask for. What the model renders comes from its route's capabilities; the entry may only narrow it (e.g. a
 * business cap on duration), never widen it, except by listing a model's opt-in durations (undocumented but
 * reported) in `allowedDurationsSec` explicitly. Parsing merges the capabilities in; `providerConfigSchema` then
 * checks the result as the workflows will see it.
 */
export const catalogueEntrySchema = providerFieldsSchema
  .partial({ maxDurationSec: true, allowedDurationsSec: true, aspectRatios: true, maxPromptChars: true })
  .transform((entry, ctx) => {
    const models = routeRegistry[entry.route].models;
    if (!Object.hasOwn(models, entry.model)) {
      ctx.addIssue({
        code: 'custom',
        path: ['model'],
        message: `the ${entry.route} route has no model "${entry.model}" (it has ${Object.keys(models).join(', ')})`,
      });
      return z.NEVER;
    }
    const label = `${entry.route} ${entry.model}`;
    const routeSettings: Readonly<Record<string, RequestSettings>> = routeRegistry[entry.route].settings;
    const settings = settingsIssue(label, routeSettings[entry.model]!, entry);
    if (settings) {
      ctx.addIssue({ code: 'custom', ...settings });
      return z.NEVER;
    }
    const model = modelCapabilities(entry.route, entry.model, entry.options)!;
    const price = requestPrice(entry);
    const worstUsdPerSec = entry.maxCostPerSecondUsd ?? entry.costPerSecondUsd;
    if (worstUsdPerSec < price.maxCostPerSecondUsd)
      ctx.addIssue({
        code: 'custom',
        path: [entry.maxCostPerSecondUsd === undefined ? 'costPerSecondUsd' : 'maxCostPerSecondUsd'],
        message:
          `${label} may bill up to ${price.maxCostPerSecondUsd} USD/s for the request this entry sends ` +
          `(price "${price.variant}", stated in src/providers/${entry.route}/models.ts), more than the ` +
          `${worstUsdPerSec} USD/s a budget would reserve; set maxCostPerSecondUsd to at least that`,
      });
    const narrowing = (field: string, what: string) =>
      ctx.addIssue({
        code: 'custom',
        path: [field],
        message:
          `${entry.route} ${entry.model} ${what}; a catalogue may narrow a model's capabilities, not widen them ` +
          `(they are stated in src/providers/${entry.route}/models.ts)`,
      });
    const always = forAnyScene(model);
    const optIn = model.optInDurationsSec ?? [];
    const renderable = [...always.durationsSec, ...optIn.filter((d) => entry.allowedDurationsSec?.includes(d))];
    const longest = Math.max(...renderable);
    if (entry.allowedDurationsSec?.some((d) => !renderable.includes(d)))
      narrowing(
        'allowedDurationsSec',
        `renders only ${always.durationsSec.join(', ')} s whatever the inputs` +
          (optIn.length > 0 ? ` (and, listed explicitly, the undocumented ${optIn.join(', ')} s)` : ''),
      );
    if (entry.maxDurationSec !== undefined && entry.maxDurationSec > longest)
      narrowing('maxDurationSec', `renders at most ${longest} s whatever the inputs`);
    if (entry.aspectRatios?.some((r) => !always.aspectRatios.includes(r)))
      narrowing('aspectRatios', `renders only ${always.aspectRatios.join(', ')} whatever the inputs`);
    if (entry.maxPromptChars !== undefined && entry.maxPromptChars > (model.maxPromptChars ?? Infinity))
      narrowing('maxPromptChars', `accepts prompts of at most ${model.maxPromptChars} characters`);

    const cap = entry.maxDurationSec ?? Infinity;
    const allowedDurationsSec = entry.allowedDurationsSec ?? always.durationsSec.filter((d) => d <= cap);
    if (allowedDurationsSec.length === 0)
      ctx.addIssue({
        code: 'custom',
        path: ['maxDurationSec'],
        message: `${entry.route} ${entry.model} renders nothing that short (${always.durationsSec.join(', ')} s)`,
      });
    const maxPromptChars = entry.maxPromptChars ?? model.maxPromptChars;
    return {
      ...entry,
      maxDurationSec: entry.maxDurationSec ?? Math.max(...allowedDurationsSec),
      allowedDurationsSec: [...allowedDurationsSec],
      aspectRatios: [...(entry.aspectRatios ?? always.aspectRatios)],
      ...(maxPromptChars === undefined ? {} : { maxPromptChars }),
      ...((entry.needsImage ?? model.needsImage) && { needsImage: true as const }),
    };
  });
export type CatalogueEntry = z.input<typeof catalogueEntrySchema>;
