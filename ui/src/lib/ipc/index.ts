// The IPC boundary: the one module that talks to the shell. `selectBackend` picks the Tauri
// backend inside the app, or the fixture mock when the page is opened with `?mock=fixtures`
// (`?mock=empty` for a first run, `?mock=error` for failing reads, `&family=none` for a
// device in no family, `&family=replaced` for one whose folder's family.json was replaced,
// `&sensor=none` for a tracker that has no working sensor)
// outside Tauri — the browser tests do that. The mock and
// its fixtures are a separate chunk, loaded only then.
export type { Backend } from './backend';
export { toIpcError, isIpcError } from './backend';
export type * from './types';
import type { Backend } from './backend';
import { tauriBackend } from './tauri';

export async function selectBackend(search: string = location.search): Promise<Backend> {
  const inTauri = typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
  // `npm run dev` in a plain browser has no shell to talk to: use the fixtures there too.
  const mock = new URLSearchParams(search).get('mock') ?? (import.meta.env.DEV && !inTauri ? 'fixtures' : null);
  if (mock && !inTauri) {
    const { fixtureBackend } = await import('./fixtures');
    if (mock === 'empty') return fixtureBackend({ empty: true });
    // Every read fails, to see the error states.
    if (mock === 'error') return fixtureBackend({ failWith: { code: 'store', message: 'The database is locked by another program; close it and try again.' } });
    // `&family=none`: this device is in no family yet; `&family=replaced`: someone replaced
    // the family folder's family.json.
    const family = new URLSearchParams(search).get('family');
    const noSensor = new URLSearchParams(search).get('sensor') === 'none';
    return fixtureBackend({ noFamily: family === 'none', familyReplaced: family === 'replaced', noSensor });
  }
  return tauriBackend;
}
