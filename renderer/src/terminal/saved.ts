/** The sessions this browser tab shows, kept across reloads (session storage: per browser tab). */
export interface SavedSession {
  id: string;
  cwd: string;
}

const SESSIONS_KEY = 'cco.terminal.sessions';
const CWD_KEY = 'cco.terminal.cwd';
const RECENT_KEY = 'cco.terminal.recent';
const RECENT_MAX = 12;

export class SavedSessions {
  constructor(
    private readonly session: Storage,
    private readonly local: Storage,
  ) {}

  list(): SavedSession[] {
    try {
      const parsed: unknown = JSON.parse(this.session.getItem(SESSIONS_KEY) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter(isSaved) : [];
    } catch {
      return [];
    }
  }

  add(saved: SavedSession): void {
    this.write([...this.list().filter((s) => s.id !== saved.id), saved]);
  }

  remove(id: string): void {
    this.write(this.list().filter((s) => s.id !== id));
  }

  /** The directory last opened, offered again next time. */
  lastDirectory(): string {
    return this.local.getItem(CWD_KEY) ?? '';
  }

  rememberDirectory(cwd: string): void {
    this.local.setItem(CWD_KEY, cwd);
    if (cwd.trim() === '') return;
    const recent = [cwd, ...this.recentDirectories().filter((d) => d !== cwd)].slice(0, RECENT_MAX);
    this.local.setItem(RECENT_KEY, JSON.stringify(recent));
  }

  /** Directories terminals were opened in, latest first (this browser, every tab). */
  recentDirectories(): string[] {
    try {
      const parsed: unknown = JSON.parse(this.local.getItem(RECENT_KEY) ?? '[]');
      return Array.isArray(parsed) ? parsed.filter((d): d is string => typeof d === 'string') : [];
    } catch {
      return [];
    }
  }

  private write(list: SavedSession[]): void {
    this.session.setItem(SESSIONS_KEY, JSON.stringify(list));
  }
}

function isSaved(value: unknown): value is SavedSession {
  const v = value as Partial<SavedSession> | null;
  return typeof v?.id === 'string' && typeof v.cwd === 'string';
}
