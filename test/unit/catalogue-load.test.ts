import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { defaultCatalogue } from '../../src/config/catalogue';
import { loadCatalogue } from '../../src/config/load-catalogue';

const dir = mkdtempSync(join(tmpdir(), 'catalogue-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let files = 0;
function load(content: unknown) {
  const file = join(dir, `catalogue-${++files}.json`);
  writeFileSync(file, JSON.stringify(content));
  return { file, load: () => loadCatalogue({ file }) };
}

const byKey = (key: string) => structuredClone(defaultCatalogue.find((p) => p.key === key)!);
const { maxDurationSec: _max, allowedDurationsSec: _allowed, aspectRatios: _ratios, ...klingBusiness } = byKey('kling');
const provider = (catalogue: ReturnType<typeof loadCatalogue>, key: string) => catalogue.find((p) => p.key === key)!;

describe('a custom catalogue file: capabilities come from the model, and an entry may only narrow them', () => {
  it('accepts a full list written with the capability fields as they were, unchanged', () => {
    expect(load(defaultCatalogue).load()).toStrictEqual(defaultCatalogue);
  });

  it('fills in the capabilities of an entry that leaves them out', () => {
    const [kling] = load([klingBusiness]).load();
    expect(kling).toStrictEqual(byKey('kling'));
  });

  it('takes a narrower duration list, or a cap on duration, as a business choice', () => {
    const catalogue = load({
      overrides: {
        kling: { allowedDurationsSec: [5] },
        runway: { maxDurationSec: 6 },
      },
    }).load();
    expect(provider(catalogue, 'kling')).toMatchObject({ allowedDurationsSec: [5], maxDurationSec: 5 });
    expect(provider(catalogue, 'runway')).toMatchObject({ allowedDurationsSec: [2, 3, 4, 5, 6], maxDurationSec: 6 });
    expect(provider(catalogue, 'veo')).toStrictEqual(byKey('veo'));
  });

  it('takes fewer aspect ratios and a shorter prompt limit, and a prompt limit where the model documents none', () => {
    const catalogue = load({
      overrides: { kling: { aspectRatios: ['16:9'], maxPromptChars: 500 }, veo: { maxPromptChars: 800 } },
    }).load();
    expect(provider(catalogue, 'kling')).toMatchObject({ aspectRatios: ['16:9'], maxPromptChars: 500 });
    expect(provider(catalogue, 'veo').maxPromptChars).toBe(800);
  });

  it('takes what a model that needs an image renders from one: Runway gen4_turbo renders 1:1', () => {
    const { key: _key, model: _model, ...runway } = byKey('runway');
    const turbo = { ...runway, key: 'turbo', model: 'gen4_turbo', maxPromptChars: undefined };
    const [listed, derived] = load({
      add: [
        { ...turbo, allowedDurationsSec: [5, 10], maxDurationSec: 10, aspectRatios: ['16:9', '1:1'] },
        { ...turbo, key: 'turbo2', allowedDurationsSec: undefined, maxDurationSec: undefined, aspectRatios: undefined },
      ],
    })
      .load()
      .slice(-2);
    expect(listed).toMatchObject({ aspectRatios: ['16:9', '1:1'], needsImage: true });
    expect(derived).toMatchObject({ allowedDurationsSec: [5, 10], aspectRatios: ['16:9', '9:16', '1:1'] });
  });

  it("takes a model's opt-in durations (undocumented, reported) only when listed: Veo's 4 and 6 s", () => {
    const catalogue = load({ overrides: { veo: { allowedDurationsSec: [4, 6, 8] } } }).load();
    expect(provider(catalogue, 'veo')).toMatchObject({ allowedDurationsSec: [4, 6, 8], maxDurationSec: 8 });
    expect(provider(load({ overrides: { veo: { allowedDurationsSec: [6] } } }).load(), 'veo')).toMatchObject({
      allowedDurationsSec: [6],
      maxDurationSec: 6,
    });
    expect(provider(loadCatalogue(), 'veo')).toMatchObject({ allowedDurationsSec: [8], maxDurationSec: 8 });
  });

  it('takes the capabilities of the request an option selects: Hailuo without options.model is 01, 6 s only', () => {
    const catalogue = load({ overrides: { hailuo: { options: {} } } }).load();
    expect(provider(catalogue, 'hailuo')).toMatchObject({ allowedDurationsSec: [6], maxDurationSec: 6 });
    expect(provider(loadCatalogue(), 'hailuo')).toMatchObject({ allowedDurationsSec: [6, 10], maxDurationSec: 10 });
  });

  it("loads the README's example override", () => {
    const catalogue = load({ overrides: { kling: { costPerSecondUsd: 0.1, maxCostPerSecondUsd: 0.1 } } }).load();
    expect(provider(catalogue, 'kling')).toMatchObject({ costPerSecondUsd: 0.1, maxCostPerSecondUsd: 0.1 });
  });

  it('takes a request an option or task type selects, priced at least at what that request may bill', () => {
    const catalogue = load({
      overrides: {
        kling: { options: { version: '2.6', mode: 'pro' }, costPerSecondUsd: 0.066, maxCostPerSecondUsd: 0.066 },
        veo: { taskType: 'veo3.1-video', costPerSecondUsd: 0.12 },
        runway: { options: { seed: 42 } },
      },
    }).load();
    expect(provider(catalogue, 'kling')).toMatchObject({ options: { mode: 'pro' }, maxCostPerSecondUsd: 0.066 });
    expect(provider(catalogue, 'veo')).toMatchObject({ taskType: 'veo3.1-video', costPerSecondUsd: 0.12 });
    expect(provider(catalogue, 'runway').options).toEqual({ seed: 42 });
  });

  it.each<[string, unknown, string]>([
    [
      'a duration that is neither documented nor opt-in',
      { overrides: { veo: { allowedDurationsSec: [5, 8] } } },
      'overrides.veo.allowedDurationsSec: piapi veo3.1 renders only 8 s whatever the inputs (and, listed explicitly, the undocumented 4, 6 s);',
    ],
    [
      'a cap that reaches opt-in durations without listing them',
      { overrides: { veo: { maxDurationSec: 6 } } },
      'overrides.veo.maxDurationSec: piapi veo3.1 renders nothing that short (8 s)',
    ],
    [
      'an option value that selects no request',
      { overrides: { hailuo: { options: { model: '02' } } } },
      'overrides.hailuo.options.model: piapi hailuo has no model "02" (leave it out, or set one of v2.3)',
    ],
    [
      'a duration the model does not render',
      { overrides: { kling: { allowedDurationsSec: [5, 7, 10] } } },
      "overrides.kling.allowedDurationsSec: piapi kling renders only 5, 10 s whatever the inputs; a catalogue may narrow a model's capabilities, not widen them (they are stated in src/providers/piapi/models.ts)",
    ],
    [
      'a cap above the longest duration',
      [{ ...klingBusiness, maxDurationSec: 15 }],
      'providers[0].maxDurationSec: piapi kling renders at most 10 s whatever the inputs;',
    ],
    [
      'a cap below the shortest duration',
      [{ ...klingBusiness, maxDurationSec: 3 }],
      'providers[0].maxDurationSec: piapi kling renders nothing that short (5, 10 s)',
    ],
    [
      // Luma renders 10 s only without an image: a scene with one would be priced at 10 s and refused at create.
      'a duration the model renders only without an input image',
      { overrides: { luma: { allowedDurationsSec: [5, 10] } } },
      'overrides.luma.allowedDurationsSec: piapi luma renders only 5 s whatever the inputs;',
    ],
    [
      'an aspect ratio the model cannot render in every mode',
      { overrides: { runway: { aspectRatios: ['16:9', '9:16', '1:1'] } } },
      'overrides.runway.aspectRatios: runway gen4.5 renders only 16:9, 9:16 whatever the inputs;',
    ],
    [
      'a prompt limit above the documented one',
      { overrides: { hunyuan: { maxPromptChars: 2000 } } },
      'overrides.hunyuan.maxPromptChars: piapi Qubico/hunyuan accepts prompts of at most 1000 characters;',
    ],
    [
      'a model the route has no client for',
      { add: [{ ...klingBusiness, key: 'seedance', model: 'seedance' }] },
      'add[0].model: the piapi route has no model "seedance" (it has kling, luma, hailuo, Qubico/hunyuan, veo3.1)',
    ],
    ['an unknown field', [{ ...klingBusiness, maxFps: 30 }], 'providers[0]: Unrecognized key: "maxFps"'],
    [
      // Pro bills $0.33 per 5 s; the std price the override kept would reserve $0.20 for it.
      'an option that selects a dearer request without a price that covers it',
      { overrides: { kling: { options: { version: '2.6', mode: 'pro' } } } },
      'overrides.kling.maxCostPerSecondUsd: piapi kling may bill up to 0.066 USD/s for the request this entry sends (price "2.6 pro, no audio", stated in src/providers/piapi/models.ts), more than the 0.04 USD/s a budget would reserve; set maxCostPerSecondUsd to at least that',
    ],
    [
      'a worst case below the published price of the request',
      [{ ...klingBusiness, costPerSecondUsd: 0.03, maxCostPerSecondUsd: undefined }],
      'providers[0].costPerSecondUsd: piapi kling may bill up to 0.04 USD/s',
    ],
    [
      // Kling 3.0 renders 3 to 15 s at other prices: facts this client does not state.
      'an option value without facts',
      { overrides: { kling: { options: { version: '3.0', mode: 'std' } } } },
      'overrides.kling.options.version: piapi kling has no version "3.0" (leave it out, or set one of 2.6)',
    ],
    [
      'an option the adapter would drop',
      { overrides: { luma: { options: { resolution: '1080p' } } } },
      'overrides.luma.options.resolution: piapi luma takes no option "resolution" (it takes none)',
    ],
    [
      "a seed for a model that takes none (Runway's Veo)",
      { add: [{ ...byKey('runway'), key: 'rveo', model: 'veo3.1', options: { seed: 1 }, maxPromptChars: undefined }] },
      'add[0].options.seed: runway veo3.1 takes no option "seed" (it takes none)',
    ],
    [
      'a seed out of range',
      { overrides: { runway: { options: { seed: -1 } } } },
      'overrides.runway.options.seed: runway gen4.5 has no seed -1 (leave it out, or set a whole number from 0 to 4294967295)',
    ],
    [
      'a task type the adapter would not send',
      { overrides: { hunyuan: { taskType: 'fast-txt2video' } } },
      'overrides.hunyuan.taskType: piapi Qubico/hunyuan has no taskType "fast-txt2video" (leave it out, or set one of txt2video)',
    ],
    [
      'a task type on a route that takes none',
      { overrides: { runway: { taskType: 'video_generation' } } },
      'overrides.runway.taskType: runway gen4.5 has no taskType "video_generation" (leave it out, or this route takes none)',
    ],

    [
      'an allowed duration over the entry’s own cap',
      [{ ...klingBusiness, allowedDurationsSec: [5, 10], maxDurationSec: 5 }],
      'providers[0].allowedDurationsSec: every allowed duration must be ≤ maxDurationSec',
    ],
  ])('refuses %s, naming the field', (_name, content, message) => {
    const { file, load: run } = load(content);
    expect(run).toThrow(`Invalid provider catalogue ${file}: ${message}`);
  });
});

describe('SCENE_VIDEO_DISABLED_PROVIDERS', () => {
  it('leaves the named providers out, and refuses a name the catalogue does not have', () => {
    expect(loadCatalogue({ disabled: 'runway, veo' }).map((p) => p.key)).toEqual([
      'kling',
      'luma',
      'hailuo',
      'hunyuan',
    ]);
    expect(() => loadCatalogue({ disabled: 'kling,sora' })).toThrow(
      'SCENE_VIDEO_DISABLED_PROVIDERS names unknown providers: sora',
    );
  });
});
