import { homedir } from 'node:os';
import type { Period } from './period.js';
import type { BudgetScope } from './schema.js';

/** What a request is, as far as budgets care. */
export interface RequestScope {
  project: string;
  model: string | null;
}

const globCache = new Map<string, RegExp>();

/** `claude-opus-*`, `*haiku*`, `claude-sonnet-4-?`: `*` any run, `?` one character, case-insensitive. */
export function globMatches(glob: string, value: string): boolean {
  let re = globCache.get(glob);
  if (!re) {
    const body = glob.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
    re = new RegExp(`^${body}$`, 'i');
    globCache.set(glob, re);
  }
  return re.test(value);
}

/** A project budget covers its folder and the folders under it. */
export function projectMatches(budgetPath: string, project: string): boolean {
  const base = budgetPath.replace(/\/+$/, '') || '/';
  return project === base || project.startsWith(base === '/' ? '/' : `${base}/`);
}

export function scopeMatches(scope: BudgetScope, request: RequestScope): boolean {
  if (scope.type === 'global') return true;
  if (scope.type === 'project') return projectMatches(scope.path, request.project);
  return request.model !== null && globMatches(scope.glob, request.model);
}

/** `/home/me/code/shop` → `~/code/shop`. */
export function tildePath(path: string, home = homedir()): string {
  return home && (path === home || path.startsWith(`${home}/`)) ? `~${path.slice(home.length)}` : path;
}

/** How the budget is named in messages: `project ~/code/shop`, `model claude-opus-*`, `global`. */
export function scopeLabel(scope: BudgetScope): string {
  if (scope.type === 'global') return 'global';
  if (scope.type === 'project') return `project ${tildePath(scope.path)}`;
  return `model ${scope.glob}`;
}

function shellWord(text: string): string {
  return /^[\w./~@%+=:,-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The `cco budget set` options that name this scope and period again. */
export function scopeFlags(scope: BudgetScope, period: Period): string {
  const where = scope.type === 'global'
    ? '--global'
    : scope.type === 'project' ? `--project ${shellWord(tildePath(scope.path))}` : `--model ${shellWord(scope.glob)}`;
  return `${where} --${period}`;
}
