import { spawn } from 'node:child_process';

export interface Opener {
  command: string;
  args: string[];
}

/**
 * How to open a URL in the default browser: `$BROWSER` when set (the usual override, and how
 * tests watch what would be opened), else the platform's own opener.
 */
export function openerFor(url: string, env: Readonly<Record<string, string | undefined>>, platform: NodeJS.Platform = process.platform): Opener {
  if (env.BROWSER) return { command: env.BROWSER, args: [url] };
  if (platform === 'darwin') return { command: 'open', args: [url] };
  // `start` is a cmd built-in; its first quoted argument is a window title, hence the empty one.
  if (platform === 'win32') return { command: 'cmd', args: ['/c', 'start', '""', url.replace(/&/g, '^&')] };
  return { command: 'xdg-open', args: [url] };
}

/** Starts the opener detached and resolves once it is running (or with the reason it could not start). */
export function openUrl(opener: Opener): Promise<Error | null> {
  return new Promise((resolve) => {
    const child = spawn(opener.command, opener.args, { detached: true, stdio: 'ignore', windowsHide: true });
    child.once('error', (error) => resolve(error));
    child.once('spawn', () => {
      child.unref();
      resolve(null);
    });
  });
}
