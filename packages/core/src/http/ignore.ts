/** A compiled `ignore` option: true for paths that get no span. */
export type PathMatcher = (path: string) => boolean;

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i] as string;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        re += '.*';
        i++;
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/**
 * Compiles path rules once: exact paths (`/health`), globs (`*` within a segment, `**` across
 * segments) and regular expressions. A trailing slash is not significant.
 */
export function compilePathRules(rules: string | RegExp | ReadonlyArray<string | RegExp> | undefined): PathMatcher | undefined {
  if (rules === undefined) return undefined;
  const list = Array.isArray(rules) ? rules : [rules as string | RegExp];
  if (list.length === 0) return undefined;
  const exact = new Set<string>();
  const patterns: RegExp[] = [];
  for (const rule of list) {
    if (rule instanceof RegExp) patterns.push(rule);
    else if (/[*?]/.test(rule)) patterns.push(globToRegExp(rule));
    else exact.add(rule.length > 1 ? rule.replace(/\/+$/, '') : rule);
  }
  return (path) => {
    const p = path.length > 1 && path.endsWith('/') ? path.replace(/\/+$/, '') : path;
    if (exact.has(p)) return true;
    for (const re of patterns) if (re.test(p)) return true;
    return false;
  };
}
