import { createHash } from 'node:crypto';
import type { TeamProjectNames } from '../../common/config.js';

/** What the team ledger learns of a project path: all of it, its last folder, or a stable hash. */
export function teamProjectName(project: string, mode: TeamProjectNames): string {
  if (mode === 'full' || project === 'unknown') return project;
  // Split on both separators: a Windows path arrives here on any platform's team view.
  if (mode === 'basename') return project.split(/[\\/]+/).filter(Boolean).at(-1) ?? project;
  return `sha256:${createHash('sha256').update(project).digest('hex').slice(0, 16)}`;
}
