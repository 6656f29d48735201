/**
 * A Dockerfile read into its stages and instructions, so a test can perform the steps without a
 * Docker engine. Only what our Dockerfile uses is understood; anything else fails loudly, so a new
 * instruction cannot be silently skipped.
 */
export interface Instruction {
  keyword: string;
  /** The instruction's text after the keyword, continuation lines joined. */
  args: string;
  line: number;
}

export interface Stage {
  image: string;
  name: string;
  instructions: Instruction[];
}

const KNOWN = new Set(['FROM', 'WORKDIR', 'COPY', 'RUN', 'ENV', 'ARG', 'USER', 'EXPOSE', 'VOLUME', 'HEALTHCHECK', 'CMD']);

export function dockerfileStages(text: string): Stage[] {
  const stages: Stage[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const start = i;
    let current = lines[i]!.trim();
    if (current === '' || current.startsWith('#')) continue;
    while (current.endsWith('\\') && i + 1 < lines.length) current = `${current.slice(0, -1).trimEnd()} ${lines[++i]!.trim()}`;
    const [keyword = '', ...rest] = current.split(/\s+/);
    const upper = keyword.toUpperCase();
    if (!KNOWN.has(upper)) throw new Error(`Dockerfile line ${start + 1}: ${upper} is not an instruction this test knows how to perform`);
    const args = rest.join(' ');
    if (upper === 'FROM') {
      const match = /^(\S+)(?:\s+AS\s+(\S+))?$/i.exec(args);
      if (!match) throw new Error(`Dockerfile line ${start + 1}: unreadable FROM ${args}`);
      stages.push({ image: match[1]!, name: match[2] ?? String(stages.length), instructions: [] });
      continue;
    }
    const stage = stages.at(-1);
    if (!stage) throw new Error(`Dockerfile line ${start + 1}: ${upper} before any FROM`);
    stage.instructions.push({ keyword: upper, args, line: start + 1 });
  }
  return stages;
}

/** `COPY [--flag=value ...] src... dest`. */
export function copyArgs(args: string): { flags: Record<string, string>; sources: string[]; dest: string } {
  const words = args.split(/\s+/);
  const flags: Record<string, string> = {};
  while (words[0]?.startsWith('--')) {
    const [name, value = ''] = words.shift()!.slice(2).split('=');
    flags[name!] = value;
  }
  const dest = words.pop();
  if (!dest || words.length === 0) throw new Error(`COPY needs a source and a destination: ${args}`);
  return { flags, sources: words, dest };
}

/** `ENV a=1 b=2` (the form our Dockerfile uses), with `${NAME}` taken from what is known so far. */
export function envPairs(args: string, known: Record<string, string>): Record<string, string> {
  const pairs: Record<string, string> = {};
  for (const word of args.split(/\s+/)) {
    const at = word.indexOf('=');
    if (at <= 0) throw new Error(`ENV in the key=value form only: ${args}`);
    pairs[word.slice(0, at)] = word.slice(at + 1).replace(/\$\{(\w+)\}/g, (_, name: string) => known[name] ?? '');
  }
  return pairs;
}
