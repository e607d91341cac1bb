import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { selectBackend } from './lib/ipc';
import { applyTheme, storedTheme } from './lib/ui/theme';

applyTheme(storedTheme());
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
const backend = await selectBackend();
export default mount(App, { target, props: { backend } });
