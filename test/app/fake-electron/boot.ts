// Runs the app's real entry point on the Electron stand-in: loads it the way Electron loads an ESM
// entry (the module must finish evaluating before 'ready' is emitted), then takes commands, one
// JSON object a line, on stdin and reports on stdout.
import { register } from 'node:module';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';

register('./hooks.js', import.meta.url);
const fake = await import('./electron.js');
const entry = process.argv[2];
if (!entry) throw new Error('usage: boot.js <entry.js>');

const loaded = import(pathToFileURL(entry).href).then(() => true);
// Electron waits for the entry; a stand-in that waited forever would only time the test out.
const settled = await Promise.race([loaded, new Promise<false>((resolve) => setTimeout(() => resolve(false), 10_000).unref())]);
if (!settled) {
  fake.report('entry-hung');
  process.exit(3);
}
fake.report('entry-loaded');
fake.emitReady();

type Command =
  | { cmd: 'invoke'; channel: string; args?: unknown[]; from?: { frameUrl?: string; subFrame?: boolean; stranger?: boolean } }
  | { cmd: 'click'; label: string }
  | { cmd: 'navigate'; url: string }
  | { cmd: 'close-window'; bounds: { x: number; y: number; width: number; height: number } }
  | { cmd: 'open-window'; url: string }
  | { cmd: 'permission'; permission: string }
  | { cmd: 'second-instance' }
  | { cmd: 'quit' };

async function run(command: Command): Promise<void> {
  switch (command.cmd) {
    case 'invoke':
      try {
        fake.report('invoked', { channel: command.channel, ok: true, value: await fake.invoke(command.channel, command.args ?? [], command.from) });
      } catch (error) {
        fake.report('invoked', { channel: command.channel, ok: false, error: (error as Error).message });
      }
      return;
    case 'click':
      fake.clickMenu(command.label);
      return;
    case 'navigate':
      fake.report('navigated', { url: command.url, allowed: fake.firstWindow()!.webContents.navigate(command.url) });
      return;
    case 'close-window': {
      const window = fake.firstWindow()!;
      window.bounds = command.bounds;
      window.close();
      fake.report('window-closed');
      return;
    }
    case 'open-window': {
      const result = fake.firstWindow()!.webContents.openHandler!({ url: command.url });
      fake.report('window-open', { url: command.url, action: result.action });
      return;
    }
    case 'permission':
      fake.session.defaultSession.permissionRequest!(null, command.permission, (granted) => fake.report('permission', { permission: command.permission, granted }));
      return;
    case 'second-instance':
      fake.app.emit('second-instance', {}, [], process.cwd(), {});
      return;
    case 'quit':
      fake.app.quit();
      return;
  }
}

for await (const line of createInterface({ input: process.stdin })) {
  if (line.trim()) void run(JSON.parse(line) as Command);
}
