/** One problem with one environment variable; never carries the variable's value. */
export interface ConfigIssue {
  readonly key: string;
  readonly problem: string;
}

/**
 * Thrown once with every bad key listed, so an operator fixes the environment in one
 * pass instead of one restart per typo. Bad configuration does not heal by retrying.
 */
export class ConfigError extends Error {
  readonly retriable = false;
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    const lines = issues.map((issue) => `  - ${issue.key}: ${issue.problem}`);
    super(`Invalid configuration (${issues.length} problem${issues.length === 1 ? '' : 's'}):\n${lines.join('\n')}`);
    this.name = 'ConfigError';
    this.issues = issues;
  }
}
