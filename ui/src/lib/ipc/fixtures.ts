// Loads ui/tests/fixtures/*.json into the mock backend (browser tests and `npm run dev`
// without Tauri). Bundled as its own chunks, fetched only when the mock is selected.
import { FIXTURE_NAMES, mockBackend, type Fixtures, type MockControl, type MockOptions } from './mock';

const files = import.meta.glob('../../../tests/fixtures/*.json', { import: 'default' });

export async function loadFixtures(): Promise<Fixtures> {
  const out: Partial<Record<keyof Fixtures, unknown>> = {};
  for (const name of FIXTURE_NAMES) {
    const load = files[`../../../tests/fixtures/${name}.json`];
    if (!load) throw new Error(`missing fixture tests/fixtures/${name}.json`);
    out[name] = await load();
  }
  return out as Fixtures;
}

/** The mock, also as `window.__mastMock` so that browser tests can act as the tracker
 * (`__mastMock.track('instagram', 60)`). Only the mock chunk does this. */
export async function fixtureBackend(options: MockOptions) {
  const backend = mockBackend(await loadFixtures(), options);
  (globalThis as { __mastMock?: MockControl }).__mastMock = backend;
  return backend;
}
