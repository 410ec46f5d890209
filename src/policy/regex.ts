// The regular expression engine behind `matches` in risk rules. It must run in time linear in the input: a
// backtracking engine takes minutes on `^(a+)+$` against "aaaa…b", inside the transaction that assesses a
// change. V8 ships a non-backtracking engine for regular expressions with the `l` flag, behind a V8 flag; it
// refuses, at compile time, what it cannot run in linear time (back-references, look-around, large counted
// repetitions), so such a rule is refused when the policy is loaded instead of hanging later.
// To move to RE2 syntax and semantics (as the CEL specification has them), the `re2js` package is the
// drop-in: `const re = RE2JS.compile(pattern); return (text) => re.matcher(text).find();` in compileLinear.
import { setFlagsFromString } from 'node:v8';

// Read by V8 when a RegExp with the `l` flag is created; changing it affects no other regular expression.
setFlagsFromString('--enable-experimental-regexp-engine');

export type LinearMatcher = (text: string) => boolean;

export class PatternError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PatternError';
  }
}

/** Compiles `pattern` for linear-time search (like CEL's `matches`: anywhere in the text unless anchored). */
export function compileLinear(pattern: string): LinearMatcher {
  let re: RegExp;
  try {
    // eslint-disable-next-line no-invalid-regexp -- the `l` flag exists once the V8 flag above is set
    re = new RegExp(pattern, 'l');
  } catch (err) {
    const reason = (err as Error).message.replace(/^Invalid regular expression: \/.*\/l: /s, '');
    if (/linear time/i.test(reason))
      throw new PatternError(
        `the pattern ${JSON.stringify(pattern)} cannot be matched in linear time; remove back-references, look-arounds and large repetition counts`,
      );
    if (/flags/i.test(reason))
      throw new PatternError(
        'this Node.js has no linear-time regular expression engine; matches is unavailable',
      );
    throw new PatternError(
      `the pattern ${JSON.stringify(pattern)} is not a valid regular expression: ${reason}`,
    );
  }
  return (text) => re.test(text);
}
