import { awaitResults } from './lib/await-results';
import { withRig } from './lib/rig';
import { benchScene, startScenes } from './lib/scenes';
void (async () => {
  await withRig({}, async (rig) => {
    const hs = await startScenes(rig.client, 'nobody', [benchScene(), benchScene()]);
    const out = await awaitResults(rig.client, hs, { label: 'x', deadlineMs: 2000 });
    console.log('OUT', JSON.stringify(out.map((o) => o.error)));
  });
  await new Promise((r) => setTimeout(r, 8000));
  console.log('SURVIVED');
})();
