// A small reader for containerd-style filter strings over flat string fields:
// `field==value`, `field!=value`, `field~=regex`, `field` (present); `,` = and; a list = or.
import { OciImageError } from '../errors.js';

type Clause = { field: string; op: '==' | '!=' | '~=' | 'present'; value: string; re?: RegExp };

function unquote(s: string): string {
  return s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1) : s;
}

function parseField(s: string): string {
  // labels."a.b.c" -> labels.a.b.c ; keep the first segment as the namespace.
  const m = /^([a-zA-Z]+)(?:\.(.+))?$/.exec(s.trim());
  if (!m)
    throw new OciImageError('ERR_INVALID_ARGUMENT', `filter field ${JSON.stringify(s)} is not field or field.key`);
  return m[2] === undefined ? m[1]! : `${m[1]}.${unquote(m[2])}`;
}

export function compileFilters(filters: readonly string[]): (fields: (name: string) => string | undefined) => boolean {
  const ors: Clause[][] = filters.map((f) =>
    f.split(',').map((c): Clause => {
      const m = /^(.*?)(==|!=|~=)(.*)$/.exec(c);
      if (!m) return { field: parseField(c), op: 'present', value: '' };
      const value = unquote(m[3]!.trim());
      const clause: Clause = { field: parseField(m[1]!), op: m[2] as Clause['op'], value };
      if (clause.op === '~=') {
        try {
          clause.re = new RegExp(value);
        } catch {
          throw new OciImageError(
            'ERR_INVALID_ARGUMENT',
            `filter ${JSON.stringify(c)}: ${JSON.stringify(value)} is not a regular expression`,
          );
        }
      }
      return clause;
    }),
  );
  return (get) =>
    ors.length === 0 ||
    ors.some((and) =>
      and.every((c) => {
        const v = get(c.field);
        if (c.op === 'present') return v !== undefined;
        if (c.op === '==') return v === c.value;
        if (c.op === '!=') return v !== c.value;
        return v !== undefined && c.re!.test(v);
      }),
    );
}
