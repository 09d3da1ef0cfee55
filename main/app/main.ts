// The desktop app's entry point (package.json "main"). Fatal-error logging is installed before
// anything else is loaded, then the single-instance lock is taken, then the app itself starts.
import { join } from 'node:path';
import { app, dialog } from 'electron';
import { dataDir } from '../common/paths.js';
import { installFatalHandlers } from './fatal.js';

const dir = dataDir();
installFatalHandlers({
  logFile: join(dir, 'logs', 'app.log'),
  onFatal: (message) => dialog.showErrorBox('CCO stopped unexpectedly', message),
  exit: (code) => app.exit(code),
});

if (!app.requestSingleInstanceLock()) {
  // Another CCO is running: it gets 'second-instance' and shows itself; this one leaves quietly.
  app.exit(0);
} else {
  const { runApp } = await import('./run.js');
  await runApp(dir);
}
