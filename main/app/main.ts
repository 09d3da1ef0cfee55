// The desktop app's entry point (package.json "main"), loaded by Electron as an ES module.
// Fatal-error logging is installed before anything else is loaded, then the single-instance lock
// is taken, then the app itself starts.
import { join } from 'node:path';
import { app, dialog } from 'electron';
import { dataDir } from '../common/paths.js';
import { installFatalHandlers } from './fatal.js';

const dir = dataDir();
const fatal = installFatalHandlers({
  logFile: join(dir, 'logs', 'app.log'),
  onFatal: (message) => dialog.showErrorBox('CCO stopped unexpectedly', message),
  exit: (code) => app.exit(code),
});

if (!app.requestSingleInstanceLock()) {
  // Another CCO is running: it gets 'second-instance' and shows itself; this one leaves quietly.
  app.exit(0);
} else {
  // The import is awaited so its code is loaded before 'ready'. runApp is NOT awaited: Electron
  // emits 'ready' only once the ESM entry point has finished evaluating, so a top-level await
  // that waits (through runApp) for app.whenReady() would never end and the app would hang.
  const { runApp } = await import('./run.js');
  runApp(dir).catch((error: unknown) => fatal.fail(error));
}
