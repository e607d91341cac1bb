// First: makes navigator.language usable before any module (uPlot) formats numbers with it.
import './lib/locale/locale';
import { mount } from 'svelte';
import './app.css';
import App from './App.svelte';
import { selectBackend } from './lib/ipc';
import { applyTheme, storedTheme } from './lib/ui/theme';

applyTheme(storedTheme());
const target = document.getElementById('app');
if (!target) throw new Error('index.html has no #app element');
// No top-level await: the app's WebKitGTK must run this module as plain as possible.
void selectBackend().then((backend) => mount(App, { target, props: { backend } }));
