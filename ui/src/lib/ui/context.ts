import { getContext, setContext } from 'svelte';
import type { Backend } from '../ipc';

const KEY = Symbol('backend');
export const provideBackend = (b: Backend) => setContext(KEY, b);
export const useBackend = (): Backend => getContext<Backend>(KEY);
