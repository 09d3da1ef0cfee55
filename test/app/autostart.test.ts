import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { autostartEntry, autostartFile, setLinuxAutostart } from '../../main/app/autostart.js';

test('Linux Start at Login: an autostart entry is written where the desktop looks, and removed again', () => {
  const home = mkdtempSync(join(tmpdir(), 'cco-autostart-'));
  try {
    const file = autostartFile({}, home);
    assert.equal(file, join(home, '.config', 'autostart', 'cco.desktop'));
    assert.equal(autostartFile({ XDG_CONFIG_HOME: '/x' }, home), '/x/autostart/cco.desktop');
    setLinuxAutostart(file, true, ['/home/me/Apps/CCO-0.1.0.AppImage']);
    const text = readFileSync(file, 'utf8');
    assert.match(text, /^\[Desktop Entry\]\nType=Application\nName=CCO\n/);
    assert.match(text, /\nExec=\/home\/me\/Apps\/CCO-0\.1\.0\.AppImage\n/);
    setLinuxAutostart(file, false, []);
    assert.equal(existsSync(file), false);
    setLinuxAutostart(file, false, []); // already off: nothing to do, no error
  } finally {
    rmSync(home, { recursive: true, force: true });
  }
});

test('Exec= quotes paths with spaces and escapes what the Desktop Entry spec reserves', () => {
  const exec = autostartEntry(['/opt/My Apps/cco-desktop', '/src/100% "cco"']).split('\n').find((l) => l.startsWith('Exec='));
  assert.equal(exec, String.raw`Exec="/opt/My Apps/cco-desktop" "/src/100%% \\"cco\\""`);
});
