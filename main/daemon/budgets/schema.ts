import { createHash } from 'node:crypto';
import { z } from 'zod';
import { PERIODS } from './period.js';

// One declaration of what a budget is; the file, the API and the CLI all validate with it.

export const BudgetScopeSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('global') }),
  z.object({ type: z.literal('project'), path: z.string().min(1, 'must name a project path') }),
  z.object({ type: z.literal('model'), glob: z.string().min(1, 'must be a model name or glob like claude-opus-*') }),
]);
export type BudgetScope = z.infer<typeof BudgetScopeSchema>;

const thresholds = z
  .array(z.number().int('must be whole percents').min(1, 'must be at least 1').max(1000, 'must be at most 1000'))
  .min(1, 'needs at least one threshold')
  .max(10, 'at most 10 thresholds')
  .default([50, 80, 100])
  .transform((list) => [...new Set(list)].sort((a, b) => a - b));

export const SpendBudgetSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and dashes').optional(),
  kind: z.literal('spend').default('spend'),
  scope: BudgetScopeSchema,
  period: z.enum(PERIODS),
  limitUsd: z.number().positive('must be more than 0').max(1e9, 'must be at most 1e9'),
  thresholds,
  mode: z.enum(['alert', 'enforce']).default('alert'),
  /** Counted against the whole team's spend in the team ledger, not this machine's alone. */
  team: z.boolean().default(false),
});

/** A plan-quota rule: alert when a plan window (the 5-hour or 7-day one) passes a share. */
export const QuotaBudgetSchema = z.object({
  id: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'must be lowercase letters, digits and dashes').optional(),
  kind: z.literal('quota'),
  window: z.enum(['5h', '7d']),
  thresholds,
  mode: z.literal('alert').default('alert'),
});

export type BudgetInput = z.input<typeof SpendBudgetSchema> | z.input<typeof QuotaBudgetSchema>;
type ParsedBudget = z.output<typeof SpendBudgetSchema> | z.output<typeof QuotaBudgetSchema>;

/** Picked by `kind`, so a mistake is reported against the fields of the kind meant (not a union's). */
function schemaFor(raw: unknown) {
  const kind = typeof raw === 'object' && raw !== null ? (raw as { kind?: unknown }).kind : undefined;
  return kind === 'quota' ? QuotaBudgetSchema : SpendBudgetSchema;
}

export type SpendBudget = z.output<typeof SpendBudgetSchema> & { id: string };
export type QuotaBudget = z.output<typeof QuotaBudgetSchema> & { id: string };
export type Budget = SpendBudget | QuotaBudget;

export const BudgetsFileSchema = z.object({
  version: z.literal(1).default(1),
  budgets: z.array(z.unknown()).default([]),
  /** Where alerts are also posted (Slack-compatible JSON with a `text` field). */
  alertWebhook: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional(),
});

export interface BudgetsFile {
  version: 1;
  budgets: Budget[];
  alertWebhook?: string;
}

export class BudgetValidationError extends Error {
  override name = 'BudgetValidationError';
}

/** `budgets[0].limitUsd: must be more than 0; ...`: each problem with the field it is about. */
export function describeIssues(error: z.ZodError, prefix = ''): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.reduce<string>(
        (text, part) => (typeof part === 'number' ? `${text}[${part}]` : text ? `${text}.${String(part)}` : String(part)),
        prefix,
      );
      return `${path || '(top)'}: ${issue.message}`;
    })
    .join('; ');
}

/** The same scope and period (or quota window) is the same budget: setting it again replaces it. */
export function budgetId(budget: ParsedBudget): string {
  if (budget.kind === 'quota') return `quota-${budget.window}`;
  const { scope } = budget;
  const team = budget.team ? 'team-' : '';
  if (scope.type === 'global') return `${team}global-${budget.period}`;
  const value = scope.type === 'project' ? scope.path : scope.glob;
  const hash = createHash('sha256').update(value).digest('hex').slice(0, 6);
  return `${team}${scope.type}-${budget.period}-${hash}`;
}

export function parseBudget(raw: unknown, prefix = ''): Budget {
  const result = schemaFor(raw).safeParse(raw);
  if (!result.success) throw new BudgetValidationError(describeIssues(result.error, prefix));
  const budget: ParsedBudget = result.data;
  return { ...budget, id: budget.id ?? budgetId(budget) } as Budget;
}

export function parseBudgetsFile(raw: unknown): BudgetsFile {
  const result = BudgetsFileSchema.safeParse(raw);
  if (!result.success) throw new BudgetValidationError(describeIssues(result.error));
  const budgets = result.data.budgets.map((b, i) => parseBudget(b, `budgets[${i}]`));
  const seen = new Set<string>();
  budgets.forEach((b, i) => {
    if (seen.has(b.id)) throw new BudgetValidationError(`budgets[${i}].id: "${b.id}" is used twice`);
    seen.add(b.id);
  });
  return { version: 1, budgets, ...(result.data.alertWebhook ? { alertWebhook: result.data.alertWebhook } : {}) };
}
