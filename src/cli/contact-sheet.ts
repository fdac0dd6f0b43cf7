import type { ProjectSceneStatus } from '../contract/project-workflow';
import type { AttemptProgress, SceneVideoResult } from '../contract/scene-workflow';
import { roundUsd } from '../domain/pricing';
import { describeReason } from './attempt-reasons';
import { bytes, elapsedMs, seconds, usd, usdAmount } from './format';

/** One scene of the sheet: the project's view of it, what it was asked for, and what it delivered or tried. */
export interface SheetScene {
  status: ProjectSceneStatus;
  /** From the project's input; absent when its history could not be read. */
  asked?: { prompt: string; aspectRatio: string; durationSec: number };
  /** Its attempts: from its result, the snapshot its failure carries, or its live progress while it runs. */
  attempts: AttemptProgress[];
  result?: SceneVideoResult;
  /** The stored clip's presigned GET URL. */
  clipUrl?: string;
}

export interface ContactSheet {
  projectId: string;
  workflowId: string;
  /** Temporal's execution status of the project workflow: RUNNING, COMPLETED, FAILED, … */
  status: string;
  /** ISO instants: when the page was made, and when its clip URLs stop working. */
  generatedAt: string;
  urlsExpireAt: string;
  totalCostUsd: number;
  scenes: SheetScene[];
  /** Provider key → its name and model, from the catalogue. */
  providers: Record<string, { displayName: string; model: string }>;
  /** What the reader must know about how complete the page is (e.g. why a part could not be read). */
  notes: string[];
}

export interface ProviderSpendRow {
  provider: string;
  /** Attempts sent to it (skipped providers were never sent a request). */
  attempts: number;
  estimateUsd: number;
  billedUsd: number;
}

/** A running scene's cost is recorded when it ends: the project's total leaves it out, and so do the sheet's totals. */
const isOpen = (s: SheetScene) => s.status.phase === 'running' || s.status.phase === 'pending';

/**
 * Money under the provider each attempt billed, next to the catalogue's estimate for those attempts, over the scenes
 * that ended; a scene that recorded no attempts (cancelled before any, or terminated) puts its cost on its provider,
 * or on `(unrecorded)`.
 */
export function spendByProvider(scenes: SheetScene[]): ProviderSpendRow[] {
  const rows = new Map<string, ProviderSpendRow>();
  const row = (provider: string) => {
    const r = rows.get(provider) ?? { provider, attempts: 0, estimateUsd: 0, billedUsd: 0 };
    rows.set(provider, r);
    return r;
  };
  for (const s of scenes.filter((s) => !isOpen(s))) {
    const sent = s.attempts.filter((a) => a.state !== 'skipped');
    for (const a of sent) {
      const r = row(a.provider);
      r.attempts++;
      r.estimateUsd = roundUsd(r.estimateUsd + (a.estimateUsd ?? 0));
      r.billedUsd = roundUsd(r.billedUsd + a.costUsd);
    }
    if (sent.length === 0 && s.status.costUsd > 0) {
      const r = row(s.status.provider ?? '(unrecorded)');
      r.billedUsd = roundUsd(r.billedUsd + s.status.costUsd);
    }
  }
  return [...rows.values()].sort((a, b) => b.billedUsd - a.billedUsd || a.provider.localeCompare(b.provider));
}

const entities: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Text and attribute values alike: prompts, errors and ids are user or provider text. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => entities[c]!);
}

const h = escapeHtml;

/** A media fragment: the browser seeks there once metadata loads, so the frame shows even where autoplay is off. */
const posterFragment = '#t=0.1';

const sceneEstimateUsd = (s: SheetScene) =>
  roundUsd(s.attempts.reduce((sum, a) => sum + (a.state === 'skipped' ? 0 : (a.estimateUsd ?? 0)), 0));

const utc = (iso: string) => `${iso.slice(0, 19).replace('T', ' ')} UTC`;

function providerName(sheet: ContactSheet, key: string | undefined): string {
  if (key === undefined) return '—';
  const p = sheet.providers[key];
  return p ? `${p.displayName} · ${p.model}` : key;
}

function attemptItem(sheet: ContactSheet, a: AttemptProgress, index: number): string {
  const took = a.endedAt === undefined ? 'running' : `took ${seconds(elapsedMs(a.startedAt, a.endedAt))}`;
  const queued = a.throttledMs ? `, queued ${seconds(a.throttledMs)}` : '';
  const reason = describeReason(a.reason);
  const money =
    a.state === 'skipped'
      ? ''
      : ` · estimated ${a.estimateUsd === undefined ? '—' : usd(a.estimateUsd)}, billed ${usd(a.costUsd)}`;
  return `<li class="attempt ${h(a.state)}"><span class="n">${index + 1}</span> <b>${h(providerName(sheet, a.provider))}</b> ${h(a.state)}${reason ? `: ${h(reason)}` : ''}<br><small>${a.state === 'skipped' ? '' : `${took}${queued}`}${money}</small>${a.error ? `<br><small class="err">${h(a.error)}</small>` : ''}</li>`;
}

function clipFrame(s: SheetScene): string {
  if (s.clipUrl) {
    return `<video src="${h(s.clipUrl + posterFragment)}" muted loop playsinline autoplay controls preload="auto"></video>`;
  }
  const why =
    s.status.phase === 'unstored'
      ? `Generated but not stored in S3: only the provider's URL holds it, until it expires.${s.status.providerVideoUrl ? ` <a href="${h(s.status.providerVideoUrl)}">Provider URL</a>` : ''}`
      : s.status.phase === 'succeeded'
        ? 'Stored, but its location could not be read.'
        : h(
            s.status.phase === 'running'
              ? 'Rendering…'
              : s.status.phase === 'pending'
                ? 'Not started yet.'
                : s.status.phase,
          );
  return `<div class="noclip">${why}</div>`;
}

function card(sheet: ContactSheet, s: SheetScene): string {
  const { status, asked, result } = s;
  const facts: [string, string][] = [
    ['Provider', h(providerName(sheet, status.provider ?? s.attempts.at(-1)?.provider))],
    ...(asked ? [['Asked', h(`${asked.aspectRatio}, ${asked.durationSec} s`)] as [string, string]] : []),
    ...(result
      ? [
          ['Delivered', h(`${result.durationSec} s${result.bytes ? `, ${bytes(result.bytes)}` : ''}`)] as [
            string,
            string,
          ],
        ]
      : []),
    ...(result ? [['Generation time', h(seconds(result.generationTimeMs))] as [string, string]] : []),
    ['Cost', `estimated ${h(usd(sceneEstimateUsd(s)))}, billed <b>${h(usd(status.costUsd))}</b>`],
    ...(status.s3Key ? [['S3 key', `<code>${h(status.s3Key)}</code>`] as [string, string]] : []),
  ];
  return `<article class="card ${h(status.phase)}" data-scene-id="${h(status.sceneId)}" data-phase="${h(status.phase)}" data-provider="${h(status.provider ?? '')}" data-billed-usd="${status.costUsd}">
<div class="frame">${clipFrame(s)}</div>
<div class="body">
<h2><span class="id">${h(status.sceneId)}</span> <span class="type">${h(status.sceneType)}</span> <span class="phase">${h(status.phase)}</span></h2>
${asked ? `<p class="prompt">${h(asked.prompt)}</p>` : ''}
${status.error ? `<p class="reason">${h(status.error)}</p>` : ''}
<dl>${facts.map(([k, v]) => `<dt>${k}</dt><dd>${v}</dd>`).join('')}</dl>
${s.attempts.length ? `<ol class="attempts">${s.attempts.map((a, i) => attemptItem(sheet, a, i)).join('')}</ol>` : ''}
</div>
</article>`;
}

function totals(sheet: ContactSheet): string {
  const byPhase = new Map<string, number>();
  for (const s of sheet.scenes) byPhase.set(s.status.phase, (byPhase.get(s.status.phase) ?? 0) + 1);
  const spend = spendByProvider(sheet.scenes);
  const open = sheet.scenes.filter(isOpen).length;
  const estimate = roundUsd(spend.reduce((sum, r) => sum + r.estimateUsd, 0));
  const generationMs = sheet.scenes.reduce((sum, s) => sum + (s.result?.generationTimeMs ?? 0), 0);
  const rows = spend
    .map(
      (r) =>
        `<tr><td>${h(providerName(sheet, r.provider))}</td><td>${r.attempts}</td><td>${usdAmount(r.estimateUsd)}</td><td>${usdAmount(r.billedUsd)}</td></tr>`,
    )
    .join('');
  return `<section class="totals" id="totals">
<h2>Totals</h2>
<p>${sheet.scenes.length} scenes: ${[...byPhase].map(([phase, n]) => `${n} ${h(phase)}`).join(', ')}. Billed <b data-total-usd="${sheet.totalCostUsd}">${h(usd(sheet.totalCostUsd))}</b>, estimated ${h(usd(estimate))}; generation time ${h(seconds(generationMs))} summed over the scenes.${open ? ` Scenes still running or waiting (${open}) are not in these totals: a scene's cost is recorded when it ends.` : ''}</p>
<h3>Spend by provider</h3>
<table><thead><tr><th>Provider · model</th><th>Attempts</th><th>Estimated (USD)</th><th>Billed (USD)</th></tr></thead><tbody>${rows}</tbody></table>
</section>`;
}

const style = `
:root{color-scheme:light dark;--bg:#f6f6f4;--fg:#1d1d1f;--card:#fff;--muted:#6b6b70;--line:#e2e2e0;--bad:#b3261e;--ok:#1b7f3b}
@media (prefers-color-scheme:dark){:root{--bg:#141416;--fg:#ececef;--card:#1f1f23;--muted:#9a9aa2;--line:#2f2f35;--bad:#ff8a80;--ok:#7bd88f}}
*{box-sizing:border-box}body{margin:0;padding:1rem;font:15px/1.45 system-ui,sans-serif;background:var(--bg);color:var(--fg)}
header h1{font-size:1.4rem;margin:0 0 .25rem}header p{margin:.15rem 0;color:var(--muted)}
.banner{border:1px solid var(--bad);border-radius:8px;padding:.6rem .8rem;margin:.8rem 0}
.grid{display:grid;gap:1rem;grid-template-columns:repeat(auto-fill,minmax(min(100%,340px),1fr));margin:1rem 0}
.card{min-width:0;background:var(--card);border:1px solid var(--line);border-radius:10px;overflow:hidden}
.frame{aspect-ratio:16/9;background:#000;display:flex;align-items:center;justify-content:center}
.frame video{display:block;width:100%;height:100%;min-width:0;object-fit:contain}
.noclip{color:#ddd;padding:1rem;text-align:center}.noclip a{color:#9cf}
.body{padding:.7rem .9rem}h2{font-size:1.05rem;margin:0 0 .4rem}
.type,.phase{font-size:.75rem;font-weight:600;border-radius:999px;padding:.1rem .5rem;border:1px solid var(--line);color:var(--muted)}
.succeeded .phase{color:var(--ok);border-color:var(--ok)}.failed .phase,.skipped .phase,.unstored .phase,.cancelled .phase{color:var(--bad);border-color:var(--bad)}
.prompt{margin:.3rem 0;font-style:italic;overflow-wrap:anywhere}.reason,.err{color:var(--bad);overflow-wrap:anywhere}
dl{display:grid;grid-template-columns:max-content 1fr;gap:.15rem .7rem;margin:.5rem 0}dt{color:var(--muted)}dd{margin:0;overflow-wrap:anywhere}
code{font-size:.8rem}.attempts{margin:.4rem 0 0;padding-left:0;list-style:none}.attempt{margin:.3rem 0}
.attempt .n{display:inline-block;min-width:1.4em;color:var(--muted)}.attempt small{color:var(--muted)}.attempt.skipped{opacity:.6}
table{border-collapse:collapse;width:100%;max-width:44rem}th,td{text-align:left;padding:.3rem .6rem;border-bottom:1px solid var(--line)}
td:nth-child(n+2),th:nth-child(n+2){text-align:right}td:first-child{overflow-wrap:anywhere}
@media (max-width:480px){body{padding:.6rem}th,td{padding:.3rem .3rem}}footer{color:var(--muted);font-size:.85rem;margin-top:1.5rem}
`;

/** The whole page: inline CSS, no script; the clip URLs are the only things it fetches. */
export function renderContactSheet(sheet: ContactSheet): string {
  const running = sheet.status === 'RUNNING';
  const ended = sheet.scenes.filter((s) => !['pending', 'running'].includes(s.status.phase)).length;
  const banners = [
    ...(running
      ? [
          `The project is still running: ${ended} of ${sheet.scenes.length} scenes have ended. This page shows what existed at ${utc(sheet.generatedAt)}; run the report again for the rest.`,
        ]
      : sheet.status === 'COMPLETED'
        ? []
        : [`The project workflow is ${sheet.status}.`]),
    ...sheet.notes,
  ];
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Contact sheet · ${h(sheet.projectId)}</title>
<style>${style}</style>
</head>
<body>
<header>
<h1>Contact sheet · project ${h(sheet.projectId)}</h1>
<p>${h(sheet.workflowId)} · ${h(sheet.status)} · made ${h(utc(sheet.generatedAt))}</p>
</header>
${banners.map((b) => `<p class="banner">${h(b)}</p>`).join('\n')}
<main class="grid">
${sheet.scenes.map((s) => card(sheet, s)).join('\n')}
</main>
${totals(sheet)}
<footer>The clips play from presigned S3 URLs that expire at ${h(utc(sheet.urlsExpireAt))}; run <code>scene-video report ${h(sheet.projectId)}</code> again for fresh ones. Models are the current catalogue's for each provider.</footer>
</body>
</html>
`;
}
