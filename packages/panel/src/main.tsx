/** The browser entry: render the panel and find out whether a hub session is already open. */
import { render } from 'preact';
import { App } from './app/app.js';
import { startClock } from './app/clock.js';
import { locale } from './app/i18n-state.js';
import { restoreSession } from './app/session-store.js';
import './styles.css';

document.documentElement.lang = locale.value;
startClock();
const root = document.getElementById('app');
if (root) render(<App />, root);
void restoreSession();
