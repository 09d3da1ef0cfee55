// The Team scope: this machine against the whole team, and the team by machine, user, project and
// model, as the team ledger (PostgreSQL) has them. Without a team DB, or while the ledger cannot be
// read, it says so and what to do. It shows the ledger's URL only as the daemon redacts it.
import type { TeamLedgerStatus, TeamOverviewResponse, TeamTotals } from '../../../shared/api.js';
import { byId, fill, h } from '../dom.js';
import { formatAgo, formatCount, formatUsd } from '../format.js';

type Row = { name: string; sub?: string; totals: TeamTotals; lastSeen?: number; mine?: boolean };

function table(caption: string, first: string, rows: Row[], now: number): HTMLElement {
  const withSeen = rows.some((r) => r.lastSeen !== undefined);
  const head = h(
    'tr',
    {},
    h('th', { scope: 'col' }, first),
    h('th', { scope: 'col', class: 'num' }, 'Requests'),
    h('th', { scope: 'col', class: 'num' }, 'Cost'),
    withSeen ? h('th', { scope: 'col', class: 'num seen' }, 'Last seen') : null,
  );
  const body =
    rows.length > 0
      ? rows.map((r) =>
          h(
            'tr',
            { class: r.mine ? 'mine' : null },
            h(
              'td',
              { class: 'grow team-name', title: r.sub ? `${r.name} (${r.sub})` : r.name },
              r.name,
              r.sub ? h('span', { class: 'muted' }, ` ${r.sub}`) : null,
              r.mine ? h('span', { class: 'tag' }, 'this machine') : null,
            ),
            h('td', { class: 'num' }, formatCount(r.totals.requests)),
            h('td', { class: 'num' }, formatUsd(r.totals.costUsd)),
            withSeen ? h('td', { class: 'num muted seen' }, formatAgo(r.lastSeen ?? null, now)) : null,
          ),
        )
      : [h('tr', {}, h('td', { colspan: withSeen ? 4 : 3, class: 'empty-row' }, 'Nothing in this range yet.'))];
  return h(
    'div',
    { class: 'team-table table-wrap', 'data-team-table': caption.toLowerCase() },
    h('h3', {}, caption),
    h('table', { class: 'table' }, h('thead', {}, head), h('tbody', {}, ...body)),
  );
}

function shipping(ledger: TeamLedgerStatus): string {
  const state = ledger.state === 'up' ? 'shipping' : ledger.state === 'down' ? 'cannot ship' : 'starting';
  const waiting = ledger.waiting > 0 ? `, ${formatCount(ledger.waiting)} rows waiting` : '';
  return `${ledger.machine} / ${ledger.user} → ${ledger.target} (${state}${waiting})`;
}

function notice(kind: 'info' | 'error', title: string, ...lines: Array<Node | string>): HTMLElement {
  return h(
    'div',
    { class: `team-notice ${kind}`, role: kind === 'error' ? 'alert' : null },
    h('strong', {}, title),
    ...lines.map((l) => h('p', {}, l)),
  );
}

function unconfigured(): HTMLElement {
  return notice(
    'info',
    'No team database is configured.',
    'Totals across machines and people come from a PostgreSQL database that every daemon ships its usage rows to.',
    h(
      'span',
      {},
      'Set one with ',
      h('code', {}, 'cco daemon restart --team-db postgres://USER@HOST:5432/DB'),
      ', the ',
      h('code', {}, 'CCO_TEAM_DB'),
      ' environment variable, or ',
      h('code', {}, '"teamDb"'),
      ' in settings.json.',
    ),
  );
}

function overview(data: Extract<TeamOverviewResponse, { state: 'ok' }>): HTMLElement[] {
  const now = Date.now();
  const mine = data.machines.find((m) => m.machine === data.ledger.machine && m.user === data.ledger.user);
  const team = data.totals;
  const mineCost = mine?.costUsd ?? 0;
  const share = team.costUsd > 0 ? mineCost / team.costUsd : 0;
  const people = new Set(data.machines.map((m) => m.user)).size;
  const compare = h(
    'div',
    { class: 'team-compare' },
    h(
      'div',
      { class: 'stat', 'data-team': 'this-machine' },
      h('span', { class: 'stat-label' }, 'This machine'),
      h('span', { class: 'stat-value' }, formatUsd(mineCost)),
      h('span', { class: 'stat-note' }, `${formatCount(mine?.requests ?? 0)} requests`),
    ),
    h(
      'div',
      { class: 'stat', 'data-team': 'team' },
      h('span', { class: 'stat-label' }, 'Team'),
      h('span', { class: 'stat-value' }, formatUsd(team.costUsd)),
      h(
        'span',
        { class: 'stat-note' },
        `${formatCount(team.requests)} requests from ${data.machines.length} machine${data.machines.length === 1 ? '' : 's'}, ` +
          `${people} user${people === 1 ? '' : 's'}`,
      ),
    ),
    h(
      'div',
      { class: 'team-share' },
      h('meter', {
        min: 0,
        max: 1,
        value: share,
        'aria-label': `This machine's share of the team's cost: ${Math.round(share * 100)} %`,
      }),
      h('span', { class: 'muted' }, `${Math.round(share * 100)} % of the team's cost`),
    ),
  );
  const machines: Row[] = data.machines.map((m) => ({
    name: m.machine,
    sub: m.user,
    totals: m,
    lastSeen: m.lastSeen,
    mine: m === mine,
  }));
  return [
    compare,
    h(
      'div',
      { class: 'team-tables' },
      table('Machines', 'Machine and user', machines, now),
      table(
        'Projects',
        'Project',
        data.projects.map((p) => ({ name: p.project, totals: p })),
        now,
      ),
      table(
        'Models',
        'Model',
        data.models.map((m) => ({ name: m.model, totals: m })),
        now,
      ),
    ),
    h('p', { class: 'muted team-ledger' }, shipping(data.ledger)),
  ];
}

export function teamPanel() {
  return {
    update(data: TeamOverviewResponse): void {
      const root = byId('team');
      root.dataset.teamState = data.state;
      if (data.state === 'unconfigured') fill(root, unconfigured());
      else if (data.state === 'unreachable') {
        const waiting = data.ledger.waiting > 0 ? ` (${formatCount(data.ledger.waiting)} now)` : '';
        fill(
          root,
          notice(
            'error',
            'The team ledger cannot be reached.',
            `${data.message}.`,
            `This machine's figures above are unaffected; its rows wait locally${waiting} and ship once the ledger is back.`,
          ),
        );
      } else fill(root, ...overview(data));
    },
  };
}
