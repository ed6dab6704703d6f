/** The browser entry: render the panel and find out whether a hub session is already open. */
import { render } from 'preact';
import { App } from './app/app.js';
import { startClock } from './app/clock.js';
import { locale } from './app/i18n-state.js';
import { loadCatalogue } from './i18n/i18n.js';
import { restoreSession } from './app/session-store.js';
import './styles.css';

document.documentElement.lang = locale.value;
startClock();
void restoreSession();
// The texts first (Russian is a separate download), then the first render.
await loadCatalogue(locale.value);
const root = document.getElementById('app');
if (root) render(<App />, root);
