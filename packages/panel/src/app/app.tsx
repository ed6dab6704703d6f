/**
 * The panel: the login, then the operator screen or the supervisor dashboard by role. The
 * dashboard is a separate download: operators, most of the users, never load it.
 */
import { signal } from '@preact/signals';
import { t } from './i18n-state.js';
import { OperatorScreen } from './operator/operator-screen.js';
import { session, sessionPhase } from './session-store.js';
import type { SupervisorScreen as SupervisorScreenType } from './supervisor/supervisor-screen.js';
import { LoginScreen } from './ui/login-screen.js';

type Dashboard = typeof SupervisorScreenType;
const dashboard = signal<Dashboard | null>(null);
let loadingDashboard = false;

function loadDashboard(): void {
  if (loadingDashboard) return;
  loadingDashboard = true;
  import('./supervisor/supervisor-screen.js').then(
    (module) => (dashboard.value = module.SupervisorScreen),
    (error: unknown) => {
      loadingDashboard = false;
      console.error('loading the dashboard failed', error);
    },
  );
}

export function App() {
  const phase = sessionPhase.value;
  const info = session.value;
  if (phase === 'checking') return <p class="center muted">{t('app.loading')}</p>;
  if (phase !== 'logged-in' || info === null) return <LoginScreen />;
  if (info.user.role === 'operator') return <OperatorScreen key={info.user.id} info={info} />;
  const SupervisorScreen = dashboard.value;
  if (SupervisorScreen === null) {
    loadDashboard();
    return <p class="center muted">{t('app.loading')}</p>;
  }
  return <SupervisorScreen key={info.user.id} info={info} />;
}
