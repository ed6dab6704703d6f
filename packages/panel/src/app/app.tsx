/** The panel: the login, then the operator screen or the supervisor dashboard by role. */
import { t } from './i18n-state.js';
import { OperatorScreen } from './operator/operator-screen.js';
import { session, sessionPhase } from './session-store.js';
import { SupervisorScreen } from './supervisor/supervisor-screen.js';
import { LoginScreen } from './ui/login-screen.js';

export function App() {
  const phase = sessionPhase.value;
  const info = session.value;
  if (phase === 'checking') return <p class="center muted">{t('app.loading')}</p>;
  if (phase !== 'logged-in' || info === null) return <LoginScreen />;
  if (info.user.role === 'operator') return <OperatorScreen key={info.user.id} info={info} />;
  return <SupervisorScreen key={info.user.id} info={info} />;
}
